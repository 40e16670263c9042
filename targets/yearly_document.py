"""The Sở Tư pháp's yearly report as a Word document (Nghị định 30/2020/NĐ-CP, Phụ lục I).

The layout lives in a committed Word template (``targets/docx/bao-cao-nam.docx``) that
staff can change in Word; docxtpl fills its Jinja tags with what ``context`` builds here.
Figures come only from approved reports: the KPI engine runs over the approved reporting
units' lines (``ApprovedFigures``), so once every report of the year is approved they are
exactly the figures of ``manage.py kpi --json``; until then the document says which units
are missing and is marked "DỰ THẢO". The narrative parts are ``ProvinceReportText`` (one
per year, with history), prefilled from the reports and plan progress until staff save it.
"""

from collections import defaultdict
from datetime import date
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from hoagiai.context_processors import province_name
from network.dates import cutoff_date
from plans.models import Activity, Plan, Responsibility, Task, TaskGroup
from reports.models import (
    LINE_FIELDS,
    CommuneYear,
    GroupResult,
    ProvinceReportText,
    YearlyReport,
)
from units.models import AdminUnit

from .kpi import Kpi, KpiData
from .templatetags.kpi import kpi_number, kpi_value, status_label

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEMPLATE = Path(__file__).resolve().parent / "docx" / "bao-cao-nam.docx"
# A blank the clerk fills by hand: no-break spaces, which Word never collapses.
BLANK = "\u00a0" * 6
# Per task group, the activities named one by one; the rest are counted.
ACTIVITIES_NAMED = 5
# Units' own texts (difficulties, proposals, results per group) quoted at most this long.
QUOTE_CHARS = 600
RATE_CODES = ("O8a", "O8b")
# Units that wrote the same words are named together, this many at most.
NAMES_SHOWN = 6


class ApprovedFigures(KpiData):
    """The KPI engine's data with only the approved reporting units' lines: a unit whose
    report is not approved adds nothing (the document names it instead)."""

    @cached_property
    def lines(self):
        every = KpiData.lines.func(self)
        return {
            year: {
                child: line
                for child, line in by_child.items()
                if child in self.approved.get(year, set())
            }
            for year, by_child in every.items()
        }


def _paragraphs(text: str) -> list[str]:
    """A text field as the document's paragraphs (one per non-empty line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def quoted_lines(pairs) -> list[str]:
    """ "- unit, unit: text" lines from (unit name, text) pairs in order; units that wrote
    the same words share one line (demo data and copied wording repeat a lot)."""
    by_text: dict[str, list[str]] = {}
    for name, text in pairs:
        if text.strip():
            by_text.setdefault(_quote(text), []).append(name)
    lines = []
    for text, names in by_text.items():
        shown = ", ".join(names[:NAMES_SHOWN])
        if len(names) > NAMES_SHOWN:
            shown = _("%(names)s and %(count)d other units") % {
                "names": shown,
                "count": len(names) - NAMES_SHOWN,
            }
        lines.append(f"- {shown}: {text}")
    return lines


def _place(province: AdminUnit | None) -> str:
    """The place in the date line: the province's name without "Tỉnh" ("Bắc Ninh")."""
    if province is None:
        return ""
    name = province.name
    for prefix in ("Tỉnh ", "Thành phố "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


class YearlyDocument:
    """Everything the document says for a year; ``context()`` feeds the template."""

    def __init__(self, year: int, text: ProvinceReportText | None = None, today=None):
        self.year = year
        self.today = today or timezone.localdate()
        self.cutoff = cutoff_date(year)
        self.province = AdminUnit.objects.root_province(self.cutoff)
        self.issuer = AdminUnit.objects.root_province(self.today)
        self.data = ApprovedFigures(self.province, [year])
        self.kpi = Kpi(year, self.province, data=self.data)
        self.text = text or text_for(year)

    # --- the reporting units and their approval ---

    @cached_property
    def reporters(self) -> dict[int, tuple[str, str]]:
        return dict(sorted(self.data.reporters.items(), key=lambda item: item[1][0]))

    @cached_property
    def approved_ids(self) -> set[int]:
        return self.data.approved.get(self.year, set())

    @property
    def unapproved(self) -> list[tuple[str, str]]:
        return self.kpi.unapproved

    @property
    def is_draft(self) -> bool:
        return not self.reporters or bool(self.unapproved)

    @cached_property
    def statuses(self) -> dict[int, str]:
        return dict(
            YearlyReport.objects.filter(year=self.year, unit_id__in=self.reporters).values_list(
                "unit_id", "status"
            )
        )

    @property
    def by_districts(self) -> bool:
        return self.data.has_districts

    # --- figures ---

    @cached_property
    def unit_figures(self) -> dict[int, dict[str, int]]:
        """{reporting unit id: {field: sum over its communes}}: the approved units only."""
        children = self.data.commune_children
        sums = defaultdict(lambda: dict.fromkeys(LINE_FIELDS, 0))
        rows = (
            CommuneYear.objects.filter(year=self.year, commune_id__in=list(children))
            .order_by()
            .values_list("commune_id", *LINE_FIELDS)
        )
        for commune, *values in rows:
            unit = children[commune]
            if unit not in self.approved_ids:
                continue
            line = sums[unit]
            for name, value in zip(LINE_FIELDS, values, strict=True):
                line[name] += value
        return sums

    @cached_property
    def results(self):
        return self.kpi.results()

    @cached_property
    def other_basis(self):
        """{code: result} of O8a and O8b on the success-rate basis the settings do not use."""
        other = "concluded" if self.kpi.basis == "received" else "received"
        kpi = Kpi(self.year, self.province, basis=other, data=self.data)
        return {
            result.code: result
            for result in (kpi.result(r.target) for r in self.results if r.code in RATE_CODES)
        }

    # --- plan progress ---

    @cached_property
    def groups(self) -> list[dict]:
        rows = (
            Responsibility.objects.filter(year=self.year, in_plan=True)
            .order_by()
            .values("task__group_id")
            .annotate(
                total=Count("pk"),
                done=Count("pk", filter=Q(status=Responsibility.Status.DONE)),
                started=Count("pk", filter=Q(status=Responsibility.Status.IN_PROGRESS)),
            )
        )
        counts = {row["task__group_id"]: row for row in rows}
        activities = Activity.objects.filter(
            responsibility__year=self.year, responsibility__in_plan=True
        ).order_by()
        totals = {
            row["responsibility__task__group_id"]: row
            for row in activities.values("responsibility__task__group_id").annotate(
                count=Count("pk"), budget=Sum("budget"), people=Sum("participants")
            )
        }
        # Only the latest few of each group are named: a window keeps them in the database
        # (a province records thousands of activities a year).
        latest = defaultdict(list)
        ranked = activities.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("responsibility__task__group_id"),
                order_by=[F("held_on").desc(), F("pk").desc()],
            )
        ).filter(rank__lte=ACTIVITIES_NAMED)
        for activity in ranked.select_related(
            "responsibility__task", "responsibility__unit", "responsibility__agency"
        ):
            latest[activity.responsibility.task.group_id].append(activity)
        texts = defaultdict(list)  # {group id: [(unit name, text)]}
        for result in (
            GroupResult.objects.filter(
                report__year=self.year, report__unit_id__in=self.approved_ids
            )
            .exclude(text="")
            .select_related("report__unit")
            .order_by("report__unit__code")
        ):
            texts[result.group_id].append((result.report.unit.name, result.text))
        groups = []
        for group in TaskGroup.objects.filter(plan=Plan.objects.current()).order_by("number"):
            lines = quoted_lines(texts[group.pk])
            named = sorted(latest[group.pk], key=lambda activity: (activity.held_on, activity.pk))
            for activity in named:
                who = activity.responsibility.unit or activity.responsibility.agency
                lines.append(
                    f"- {activity.held_on:%d/%m/%Y}, {who}: {_quote(activity.description)}"
                )
            done = totals.get(group.pk, {"count": 0, "budget": 0, "people": 0})
            if done["count"] > len(named):
                lines.append(
                    _("- and %(count)d more activities recorded on the portal.")
                    % {"count": done["count"] - len(named)}
                )
            groups.append(
                {
                    # Numbered under "1. Kết quả thực hiện các nhiệm vụ": 1.1 … 1.10.
                    "heading": f"1.{group.number}. {group.title}",
                    "progress": self._progress(counts.get(group.pk), done),
                    "lines": lines,
                }
            )
        return groups

    def _progress(self, counts, activities: dict) -> str:
        """The group's assignments of the year by status, and its activities' totals."""
        if not counts:
            return _("The plan assigns no task of this group in %(year)d.") % {"year": self.year}
        total, done, started = counts["total"], counts["done"], counts["started"]
        if done == total:
            state = _("done")
        elif self.today.year > self.year:
            state = _("overdue")
        elif done or started:
            state = _("in progress")
        else:
            state = _("not started")
        budget, people = activities["budget"] or 0, activities["people"] or 0
        return _(
            "Progress: %(state)s — %(done)d of %(total)d assignments done, %(started)d in "
            "progress; %(activities)d activities recorded (%(people)s participants, "
            "%(budget)s đồng)."
        ) % {
            "state": state,
            "done": done,
            "total": total,
            "started": started,
            "activities": activities["count"],
            "people": kpi_number(people),
            "budget": kpi_number(budget),
        }

    # --- the targets ---

    def target_rows(self) -> list[dict]:
        rows = []
        for result in self.results:
            target = result.target
            kind = target.value_kind
            value = kpi_value(result.value, kind) if result.applies else "—"
            fraction = "—"
            if result.applies and result.numerator is not None:
                fraction = kpi_number(result.numerator)
                if result.denominator is not None:
                    fraction += f" / {kpi_number(result.denominator)}"
            verdict = str(status_label(result.met, result.applies))
            if not result.applies and result.reason:
                verdict = f"{verdict} ({result.reason})"
            source = _("approved") if result.source == "approved" else _("provisional")
            other = self.other_basis.get(result.code)
            basis_note = ""
            if result.code in RATE_CODES:
                basis_note = self._basis_note(result, other, kind)
            sentence = _(
                "- %(code)s — %(title)s: %(value)s (requirement %(requirement)s, by "
                "%(deadline)d); %(verdict)s.%(basis)s"
            ) % {
                "code": result.code,
                "title": target.title,
                "value": value,
                "requirement": target.requirement_text,
                "deadline": target.deadline_year,
                "verdict": verdict,
                "basis": basis_note,
            }
            rows.append(
                {
                    "code": result.code,
                    "title": target.title,
                    "requirement": target.requirement_text,
                    "value": value + (f" ({self._basis(result.definition)})" if other else ""),
                    "fraction": fraction,
                    "verdict": verdict,
                    "source": source,
                    "sentence": sentence,
                    "other": other,
                }
            )
            if other is not None and other.value != result.value:
                rows.append(
                    {
                        "code": result.code,
                        "title": _("%(title)s (on the other basis)") % {"title": target.title},
                        "requirement": target.requirement_text,
                        "value": f"{kpi_value(other.value, kind)} "
                        f"({self._basis(other.definition)})",
                        "fraction": self._fraction(other),
                        "verdict": str(status_label(other.met, other.applies)),
                        "source": source,
                        "sentence": "",
                        "other": None,
                    }
                )
        return rows

    @staticmethod
    def _fraction(result) -> str:
        if result.numerator is None:
            return "—"
        return f"{kpi_number(result.numerator)} / {kpi_number(result.denominator)}"

    @staticmethod
    def _basis(definition) -> str:
        if definition == "received":
            return _("÷ cases received")
        return _("÷ cases concluded")

    def _basis_note(self, result, other, kind) -> str:
        """Both success-rate bases, where they differ (DESIGN §4, note on O8)."""
        if other is None or other.value == result.value:
            return ""
        return " " + _("Counted %(basis)s instead: %(value)s (%(verdict)s).") % {
            "basis": self._basis(other.definition),
            "value": kpi_value(other.value, kind),
            "verdict": status_label(other.met, other.applies),
        }

    # --- the appendix of the units' figures ---

    def unit_rows(self) -> list[dict]:
        rows = []
        labels = dict(YearlyReport.Status.choices)
        for number, (pk, (code, name)) in enumerate(self.reporters.items(), start=1):
            label = f"{name} ({code})"
            if pk in self.approved_ids:
                figures = self.unit_figures.get(pk, dict.fromkeys(LINE_FIELDS, 0))
                cells = {field: kpi_number(figures[field]) for field in LINE_FIELDS}
            else:
                # Its figures are not final: none shown, its state said beside its name.
                status = self.statuses.get(pk)
                state = labels[status] if status else _("not opened")
                label += " — " + _("not approved (%(state)s)") % {"state": state}
                cells = dict.fromkeys(LINE_FIELDS, "—")
            rows.append({"number": number, "name": label, "cells": cells})
        return rows

    def totals(self) -> dict:
        sums = dict.fromkeys(LINE_FIELDS, 0)
        for pk in self.approved_ids:
            for field in LINE_FIELDS:
                sums[field] += self.unit_figures.get(pk, {}).get(field, 0)
        return {
            "name": _("Total of the approved reports (%(count)d of %(total)d)")
            % {"count": len(self.approved_ids & set(self.reporters)), "total": len(self.reporters)},
            "cells": {field: kpi_number(value) for field, value in sums.items()},
        }

    # --- the whole ---

    def context(self) -> dict:
        text = self.text
        issuer_name = province_name() or (self.province.name if self.province else "")
        scope_name = self.province.name if self.province else ""
        scope_name = scope_name[:1].lower() + scope_name[1:]
        if self.issuer and self.province and self.issuer.pk != self.province.pk:
            scope_name = _("%(province)s (former)") % {"province": scope_name}
        day, month, issued_year = BLANK, BLANK, self.today.year
        if text.issued_on:
            day, month = f"{text.issued_on.day:02d}", f"{text.issued_on.month:02d}"
            issued_year = text.issued_on.year
        approved = len(self.approved_ids & set(self.reporters))
        unit_word = _("districts") if self.by_districts else _("communes and wards")
        unapproved = ", ".join(name for _code, name in self.unapproved)
        signer_titles = _paragraphs(text.signer_title)
        return {
            "draft": self.is_draft,
            # The appendices are pages of their own: each says it is a draft too.
            "draft_suffix": " — DỰ THẢO" if self.is_draft else "",
            "draft_note": _(
                "Not every report of %(year)d is approved: the figures below are those of the "
                "approved reports only."
            )
            % {"year": self.year},
            "issuer_parent": _("PEOPLE'S COMMITTEE OF %(province)s")
            % {"province": issuer_name.upper()},
            "issuer": _("DEPARTMENT OF JUSTICE"),
            "number": text.number.strip() or BLANK,
            "place": _place(self.issuer or self.province),
            "day": day,
            "month": month,
            "issued_year": issued_year,
            "subject": _(
                "Results of the plan to build the capacity of grassroots mediators in %(year)d"
            )
            % {"year": self.year},
            "addressees": self._addressees(text.addressees),
            "opening": _(
                "Carrying out Decision 315/QĐ-TTg of the Prime Minister and the plan of the "
                "People's Committee of the province for 2024–2030, the Department of Justice "
                "reports the results of %(year)d in %(scope)s (figures as of %(cutoff)s) as "
                "follows:"
            )
            % {
                "year": self.year,
                "scope": scope_name,
                "cutoff": self.cutoff.strftime("%d/%m/%Y"),
            },
            "direction": _paragraphs(text.direction) or [_("Nothing to report.")],
            "groups": self.groups,
            "targets_intro": _(
                "Each target of the plan, counted over the approved reports (the targets read "
                "from the registers of trainers, materials, pilot and model communes are "
                "provisional); the details are in Appendix II."
            ),
            "targets": self.target_rows(),
            "approval_sentence": _(
                "%(approved)d of the %(total)d %(units)s have had their %(year)d report "
                "approved by the Department of Justice."
            )
            % {
                "approved": approved,
                "total": len(self.reporters),
                "units": unit_word,
                "year": self.year,
            },
            "unapproved_sentence": (
                _("Not yet approved, so not counted in this report: %(units)s.")
                % {"units": unapproved}
                if unapproved
                else ""
            ),
            "difficulties": _paragraphs(text.difficulties) or [_("Nothing to report.")],
            "next_year": self.year + 1,
            "outlook": _paragraphs(text.outlook) or [_("Nothing to report.")],
            "proposals": _paragraphs(text.proposals) or [_("Nothing to report.")],
            "closing": _(
                "This is the report of the Department of Justice on the results of the plan "
                "in %(year)d./."
            )
            % {"year": self.year},
            "recipients": self._recipients(text.recipients),
            "archive": text.archive.strip() or "VT",
            "signer_titles": signer_titles or [_("DIRECTOR")],
            "signer_name": text.signer_name.strip(),
            "unit_label": _("District-level unit") if self.by_districts else _("Commune, ward"),
            "appendix_units_title": _("FIGURES OF THE %(units)s' REPORTS FOR %(year)d")
            % {"units": unit_word.upper(), "year": self.year},
            "appendix_units_note": _(
                "(Attached to report no. %(number)s/BC-STP; figures of the approved reports "
                "only, as of %(cutoff)s)"
            )
            % {"number": text.number.strip() or BLANK, "cutoff": self.cutoff.strftime("%d/%m/%Y")},
            "unit_rows": self.unit_rows(),
            "totals": self.totals(),
            "appendix_targets_title": _("RESULTS OF THE TARGETS IN %(year)d") % {"year": self.year},
            "appendix_targets_note": _(
                "(Success rate on the basis “%(basis)s” unless said otherwise; rounded half "
                "up to one decimal)"
            )
            % {"basis": self._basis(self.kpi.basis)},
        }

    @staticmethod
    def _addressees(text) -> list[str]:
        lines = [line.lstrip("-– ").rstrip(";.") for line in _paragraphs(text)]
        if len(lines) == 1:
            return [_("To: %(addressee)s") % {"addressee": lines[0]}]
        # "Kính gửi:" then one addressee a line: "- A;" … "- Z." (Nghị định 30/2020).
        return [_("To:")] + [
            f"- {line}{'.' if index == len(lines) - 1 else ';'}" for index, line in enumerate(lines)
        ]

    @staticmethod
    def _recipients(text) -> list[str]:
        return [line.lstrip("-– ").strip() for line in _paragraphs(text)]


# --- the narrative, prefilled ---


def defaults(year: int) -> dict:
    """What the narrative says until staff save their own: the units' own words from the
    approved reports, the plan's tasks for the next year, the usual addressees."""
    approved = YearlyReport.objects.filter(year=year, status=YearlyReport.Status.APPROVED)
    approved = approved.select_related("unit").order_by("unit__code")
    approved = list(approved)
    difficulties = quoted_lines((report.unit.name, report.difficulties) for report in approved)
    proposals = quoted_lines((report.unit.name, report.proposals) for report in approved)
    next_year = year + 1
    tasks = (
        Task.objects.filter(start_year__lte=next_year, end_year__gte=next_year)
        .filter(
            Q(timeline_kind=Task.TimelineKind.RANGE)
            | Q(timeline_kind=Task.TimelineKind.ANNUAL)
            | Q(milestones__year=next_year)
        )
        .distinct()
        .order_by("sort_key")
    )
    outlook = [f"- {_('Task')} {task.number}: {' '.join(task.text.split())}" for task in tasks]
    province = province_name()
    return {
        "addressees": "\n".join(
            [
                _("Ministry of Justice (Department of Legal Dissemination and Education)"),
                _("People's Committee of %(province)s") % {"province": province},
            ]
        ),
        "direction": _(
            "The Department of Justice advised the People's Committee of the province on "
            "directing the plan in %(year)d and guided the reporting units in carrying out "
            "its tasks and in reporting on the portal."
        )
        % {"year": year},
        "difficulties": "\n".join(difficulties),
        "outlook": "\n".join(outlook),
        "proposals": "\n".join(proposals),
        "signer_title": _("DIRECTOR"),
        "recipients": "\n".join(
            [
                _("As above;"),
                _("Director of the Department (to report);"),
                _("People's Committees of the communes and wards (to know);"),
            ]
        ),
        "archive": "VT, PBGDPL",
    }


def text_for(year: int) -> ProvinceReportText:
    """The year's saved narrative, or a new (unsaved) one with the defaults."""
    saved = ProvinceReportText.objects.filter(year=year).first()
    if saved is not None:
        return saved
    with translation.override(settings.LANGUAGE_CODE):
        return ProvinceReportText(year=year, **defaults(year))


def render(year: int, text: ProvinceReportText | None = None, today: date | None = None):
    """The .docx as bytes, and whether it is a draft."""
    from docxtpl import DocxTemplate

    with translation.override(settings.LANGUAGE_CODE):
        document = YearlyDocument(year, text, today)
        context = document.context()
    template = DocxTemplate(TEMPLATE)
    template.render(context, autoescape=True)
    out = BytesIO()
    template.save(out)
    return out.getvalue(), document


def file_name(year: int, draft: bool) -> str:
    return f"bao-cao-hoa-giai-{year}{'-du-thao' if draft else ''}.docx"
