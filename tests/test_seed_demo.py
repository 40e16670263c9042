"""seed_demo: a deterministic, realistic demo data set, marked as demo and removable.

One test runs the real province scale (≈ 2,500 teams, ≈ 17,000 mediators); the others use a
couple of teams per commune to stay fast.
"""

import random
import unicodedata
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Sum

from network import demo
from network.models import (
    ETHNICITIES,
    MAJORITY_ETHNICITY,
    LegalSupport,
    Material,
    MediationTeam,
    Mediator,
    MediatorAttendance,
    ModelCommune,
    OfficialAttendance,
    PilotCommune,
    Trainer,
    TrainerAttendance,
)
from reports.models import CommuneYear
from units.codes import kind_from_name
from units.models import AdminUnit

pytestmark = pytest.mark.django_db

SMALL = (1, 2)  # teams per commune
REAL_UNITS = 206  # Tỉnh Bắc Giang, its 10 districts and 195 communes
MOUNTAIN = {"215", "218", "219", "220", "224"}
END = date(2026, 12, 31)


def seed_small(seed=7):
    return demo.seed_demo(demo.PROVINCE, seed, teams_per_commune=SMALL)


def command(*args, **options):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


def demo_counts():
    counts = {
        model._meta.label: model.objects.filter(is_demo=True).count()
        for model in demo.flagged_models()
    }
    counts["attendance"] = (
        MediatorAttendance.objects.count()
        + TrainerAttendance.objects.count()
        + OfficialAttendance.objects.count()
    )
    return counts


def snapshot():
    """The demo data without ids: what must be equal for equal seeds."""
    return (
        sorted(
            MediationTeam.objects.values_list(
                "commune__code", "name", "ethnic_minority_area", "established_on"
            )
        ),
        sorted(
            Mediator.objects.values_list(
                "team__commune__code",
                "team__name",
                "full_name",
                "sex",
                "birth_year",
                "ethnicity",
                "role",
                "recognised_on",
                "left_on",
                "background",
                "material_access_on",
            )
        ),
        sorted(
            MediatorAttendance.objects.values_list(
                "training__organiser__code", "training__held_on", "mediator__full_name"
            )
        ),
        sorted(Trainer.objects.values_list("unit__code", "full_name", "agency", "active_from")),
        sorted(
            LegalSupport.objects.values_list("team__name", "kind", "supporter_name", "start_on")
        ),
        sorted(PilotCommune.objects.values_list("commune__code", "decision")),
        sorted(ModelCommune.objects.values_list("commune__code", "year", "decision")),
        sorted(
            CommuneYear.objects.values_list(
                "commune__code",
                "year",
                "cases_received",
                "cases_successful",
                "cases_unsuccessful",
                "cases_in_progress",
            )
        ),
    )


def rate(lines):
    totals = lines.aggregate(received=Sum("cases_received"), successful=Sum("cases_successful"))
    return totals["successful"] / totals["received"]


def test_province_scale_is_near_bac_giang_and_all_demo():
    output = command(scale="province", seed=2)

    teams = MediationTeam.objects.all()
    mediators = Mediator.objects.all()
    assert 2300 <= teams.count() <= 2700  # real: 2,532
    assert 15000 <= mediators.count() <= 19000  # real: 17,396
    assert f"{teams.count():,}  network.MediationTeam" in output
    assert " s:" in output and "History: one record per row." in output

    # Everything created is demo data; attendance only hangs off demo trainings.
    for model in demo.flagged_models():
        if model is not AdminUnit:
            assert not model.objects.filter(is_demo=False).exists(), model
    assert AdminUnit.objects.filter(is_demo=False).count() == REAL_UNITS
    assert not AdminUnit.objects.filter(is_demo=True).exists()  # province scale: real units
    for attendance in (MediatorAttendance, TrainerAttendance, OfficialAttendance):
        assert attendance.objects.exists()
        assert not attendance.objects.filter(training__is_demo=False).exists()
    assert MediationTeam.history.filter(history_change_reason="seed_demo").count() == len(teams)

    # Teams: unique names in a commune, "Tổ dân phố số N" in wards and townships.
    urban = teams.filter(commune__kind__in=["ward", "township"])
    assert urban.exists() and not urban.exclude(name__startswith="Tổ dân phố số ").exists()
    assert (
        not teams.exclude(commune__kind__in=["ward", "township"])
        .exclude(name__regex=r"^(Thôn|Bản) ")
        .exists()
    )
    minority_areas = teams.filter(ethnic_minority_area=True)
    assert set(minority_areas.values_list("commune__parent__code", flat=True)) <= MOUNTAIN
    assert minority_areas.count() > 0.1 * teams.count()

    # Composition (target O4): most teams comply, a few lack each requirement.
    composition = teams.active_on(END).with_composition(END)
    total = composition.count()
    assert 0.03 <= composition.filter(mediator_count__lt=3).count() / total <= 0.08
    assert 0.01 <= composition.filter(leader_count=0).count() / total <= 0.04
    assert 0.02 <= composition.filter(woman_count=0).count() / total <= 0.06
    assert composition.filter(ethnic_minority_area=True, minority_count=0).exists()
    assert 0.8 <= composition.compliant().count() / total <= 0.95

    active = mediators.active_on(END)
    assert 0.40 <= active.filter(sex="F").count() / active.count() <= 0.50
    assert set(mediators.values_list("ethnicity", flat=True)) <= set(ETHNICITIES)
    assert active.exclude(ethnicity=MAJORITY_ETHNICITY).exists()
    assert not mediators.filter(left_on__lte=F("recognised_on")).exists()
    assert mediators.filter(left_on__isnull=False).exists()
    assert not mediators.exclude(birth_year__range=(1950, 2000)).exists()
    new = mediators.filter(recognised_on__gte=date(2024, 1, 1)).count()
    assert 0.10 <= new / mediators.count() <= 0.15
    for name in mediators.values_list("full_name", flat=True)[:500]:
        assert unicodedata.is_normalized("NFC", name) and len(name.split()) >= 3

    # Training (O6a): 75–85% of the active mediators trained, never before recognition.
    trained = active.filter(attendances__isnull=False).distinct().count()
    assert 0.75 <= trained / active.count() <= 0.85
    assert not MediatorAttendance.objects.filter(
        training__held_on__lt=F("mediator__recognised_on")
    ).exists()

    # Trainers: a provincial pool of about 24, district pools; most have the materials.
    assert 23 <= Trainer.objects.filter(level="province", unit__code="24").count() <= 26
    assert 28 <= Trainer.objects.filter(level="district").count() <= 45
    assert Trainer.objects.filter(materials_received_on__isnull=True).count() <= 6
    assert set(Material.objects.exclude(link="").values_list("kind", flat=True)) == set(
        Material.Kind.values
    )

    # Legal support (O5) for about a tenth of the teams.
    supported = LegalSupport.objects.values("team").distinct().count()
    assert 0.07 <= supported / teams.count() <= 0.14

    # One pilot commune per district; 3–6% of the communes recognised as model communes.
    districts = AdminUnit.objects.filter(parent__code="24")
    for district in districts:
        assert PilotCommune.objects.filter(commune__parent=district).count() == 1
    assert 0.03 * 195 <= ModelCommune.objects.count() <= 0.06 * 195 + 1

    # Case figures: every commune, 2024–2026; success near but under 85%, pilots near 90%.
    lines = CommuneYear.objects.all()
    assert lines.count() == 195 * 3
    assert not lines.exclude(
        cases_received=F("cases_successful") + F("cases_unsuccessful") + F("cases_in_progress")
    ).exists()
    assert not lines.exclude(cases_received__range=(5, 40)).exists()
    pilots = PilotCommune.objects.values("commune")
    for year in demo.YEARS:
        assert 0.78 <= rate(lines.filter(year=year)) <= 0.849
        assert 0.87 <= rate(lines.filter(year=year, commune__in=pilots)) <= 0.92
        assert rate(lines.filter(year=year, commune__in=pilots)) != 0.9
    # The lines carry their registry counts (the KPI engine reads those, not the mediators).
    assert lines.filter(year=2026).aggregate(n=Sum("teams"))["n"] == total


def test_same_seed_gives_the_same_data():
    seed_small(7)
    first = snapshot()
    demo.clear_demo()
    seed_small(7)
    assert snapshot() == first
    demo.clear_demo()
    seed_small(8)
    assert snapshot() != first


def test_clear_removes_demo_rows_and_nothing_else():
    commune = AdminUnit.objects.get(code="07201")
    team = MediationTeam.objects.create(commune=commune, name="Tổ dân phố số 99")
    Mediator.objects.create(
        team=team, full_name="Nguyễn Thị Hoa", sex="F", recognised_on=date(2024, 3, 1)
    )
    line = CommuneYear.objects.create(
        commune=commune, year=2025, cases_received=3, cases_successful=3
    )
    seed_small()
    # Demo data never overwrites a real line.
    line.refresh_from_db()
    assert not line.is_demo and line.cases_received == 3
    assert CommuneYear.objects.filter(commune=commune, year=2025).count() == 1

    output = command(clear=True)

    assert "Removed in" in output
    assert not any(count for label, count in demo_counts().items() if label != "attendance")
    assert demo_counts()["attendance"] == 0
    assert AdminUnit.objects.count() == REAL_UNITS
    assert list(MediationTeam.objects.all()) == [team]
    assert Mediator.objects.get().team == team
    assert CommuneYear.objects.get() == line
    # The history of demo rows goes with them; the real rows keep theirs.
    assert not Mediator.history.filter(is_demo=True).exists()
    assert not MediatorAttendance.history.exists()
    assert MediationTeam.history.filter(id=team.pk).exists()
    assert "No demo data to remove." in command(clear=True)


def test_the_command_clears_first_and_says_so(monkeypatch):
    # The command always uses the real sizes; shrink them here to keep the test fast.
    monkeypatch.setattr(demo, "BAC_GIANG_SIZES", demo.Sizes(SMALL, {3: 1, 4: 1}, (5, 40), (5, 5)))
    command(scale="province", seed=4)
    before = demo_counts()
    output = command(scale="province", seed=4)
    assert "Demo data is already present: clearing it first." in output
    assert "Removed in" in output and "Created in" in output
    assert demo_counts() == before


def test_if_empty_leaves_existing_demo_data_alone():
    seed_small()
    before = demo_counts()
    output = command(scale="province", seed=9, if_empty=True)
    assert "nothing done" in output
    assert demo_counts() == before
    # The generator itself never piles a second set on the first.
    with pytest.raises(demo.DemoError, match="--clear"):
        seed_small()


def test_real_units_must_be_loaded():
    AdminUnit.objects.filter(code="24").update(code="99")
    with pytest.raises(CommandError, match="loaddata units_bac_giang plan targets"):
        command(scale="province", seed=1)


def test_scale_or_clear_is_required():
    with pytest.raises(CommandError, match="--scale"):
        command()


def test_clear_refuses_while_real_rows_point_at_demo_rows():
    seed_small()
    demo_team = MediationTeam.objects.filter(is_demo=True).first()
    Mediator.objects.create(
        team=demo_team, full_name="Trần Văn Nam", sex="M", recognised_on=date(2025, 1, 2)
    )
    before = demo_counts()
    with pytest.raises(CommandError, match="network.Mediator"):
        command(clear=True)
    assert demo_counts() == before


def test_synthetic_data_uses_known_ethnicities_and_codes():
    for _, _, mix in demo.REGIONS:
        assert set(mix) <= set(ETHNICITIES)
    for _, mix in demo.BAC_GIANG_MINORITIES.values():
        assert set(mix) <= set(ETHNICITIES)
    counts = demo._spread(random.Random(1), 690, 62, 8, 14)
    assert sum(counts) == 690 and min(counts) >= 8 and max(counts) <= 14


def test_synthetic_units_are_demo_and_never_collide_with_real_codes():
    # The national scale's hierarchy alone (the whole national run is too slow for the suite).
    provinces = demo._synthetic_provinces(
        random.Random(1), demo._Writer(history=False), demo.SYNTHETIC_SIZES
    )
    units = AdminUnit.objects.filter(is_demo=True)
    assert len(provinces) == units.filter(level="province").count() == 62
    assert units.filter(level="district").count() == demo.SYNTHETIC_DISTRICTS
    assert units.filter(level="commune").count() == demo.SYNTHETIC_COMMUNES
    assert AdminUnit.objects.filter(is_demo=False).count() == REAL_UNITS
    real_codes = set(AdminUnit.objects.filter(is_demo=False).values_list("code", flat=True))
    for unit in units.select_related("parent"):
        assert unit.code not in real_codes
        assert len(unit.code) == {"province": 2, "district": 3, "commune": 5}[unit.level]
        assert unit.code.isdigit() and "Demo" in unit.name
        assert unit.kind == kind_from_name(unit.name)
        unit.clean()  # code width, parent level
    # Bắc Giang stays the first province by code: the default unit of the dashboard and kpi.
    assert AdminUnit.objects.filter(level="province").order_by("code").first().code == "24"
