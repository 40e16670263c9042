"""Keep the registry half of the commune-year lines current (DESIGN §2).

The KPI engine reads commune-year rows, never the raw mediator rows, so these counts are
refreshed whenever the registry announces a change (``network.signals.registry_changed``),
once per transaction, for every year of the plan up to the current one.
"""

from django.db.models import F, Q
from django.utils import timezone

from hoagiai.on_commit import gather
from network.dates import cutoff_date
from network.figures import FIELDS, commune_figures
from network.signals import registry_changed
from plans.models import Plan
from units.models import AdminUnit, last_reorganisation_on

from .models import CommuneYear, YearlyReport


def live_years():
    """Plan years up to this one: later years have no figures yet (their KPIs read null)."""
    plan = Plan.objects.order_by("pk").first()
    this_year = timezone.localdate().year
    return [year for year in plan.years if year <= this_year] if plan else []


def is_closed(year) -> bool:
    """A year whose cut-off falls before the latest reorganisation of the units is closed:
    its registry moved to the new units, so a recount would find the old communes empty
    and the new ones full. Its lines stay as counted on the units valid then."""
    reorganised = last_reorganisation_on()
    return reorganised is not None and cutoff_date(year) < reorganised


def refresh(commune_ids=None, years=None):
    """Recount the registry figures of these communes (all when None) for these years.

    Lines of a submitted or approved report stay as the unit reported them, and a
    figure the officer corrected stays corrected. A draft whose lines change gets a new
    version, so an officer's grid opened before the change cannot be saved over it.
    """
    for year in years or live_years():
        if is_closed(year):
            continue
        figures = commune_figures(year, commune_ids)
        frozen_reports = YearlyReport.objects.frozen().filter(year=year)
        frozen = set(
            AdminUnit.objects.filter(
                Q(parent__yearly_reports__in=frozen_reports) | Q(yearly_reports__in=frozen_reports)
            ).values_list("pk", flat=True)
        )
        lines = CommuneYear.objects.filter(year=year)
        if commune_ids is not None:
            lines = lines.filter(commune_id__in=commune_ids)
        stored = {line.commune_id: line for line in lines}
        changed, new = [], []
        for commune_id in (set(stored) | set(figures)) - frozen:
            counts = figures.get(commune_id, dict.fromkeys(FIELDS, 0))
            line = stored.get(commune_id)
            if line is None:
                new.append(CommuneYear(commune_id=commune_id, year=year, **counts))
                continue
            kept = set(line.corrected_fields)
            updates = {k: v for k, v in counts.items() if k not in kept and getattr(line, k) != v}
            if updates:
                for key, value in updates.items():
                    setattr(line, key, value)
                changed.append(line)
        # Derived counts, not anyone's edit: no history rows for them.
        CommuneYear.objects.bulk_create(new, batch_size=2000)
        CommuneYear.objects.bulk_update(changed, FIELDS, batch_size=2000)
        touched = {line.commune_id for line in changed} | {line.commune_id for line in new}
        if touched:
            YearlyReport.objects.filter(
                Q(unit__children__in=touched) | Q(unit__in=touched),
                year=year,
                status__in=YearlyReport.EDITABLE,
            ).update(version=F("version") + 1)


def on_registry_changed(sender, commune_ids, **kwargs):
    # Once per transaction, over every commune it changed (an import changes thousands).
    gather("registry", commune_ids, refresh)


registry_changed.connect(on_registry_changed, dispatch_uid="reports.figures")
