"""The KPI engine on a small data set worked out by hand (DESIGN §4)."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.models import (
    Material,
    ModelCommune,
    PilotCommune,
    Trainer,
    TrainerAttendance,
    Training,
)
from reports.models import CommuneYear
from targets.kpi import Kpi
from units.models import AdminUnit

pytestmark = pytest.mark.django_db
YEAR = 2025


def unit(code):
    return AdminUnit.objects.get(code=code)


def figures(commune, **values):
    cases = dict(
        cases_received=values.pop("received"),
        cases_successful=values.pop("successful"),
        cases_unsuccessful=values.pop("unsuccessful"),
    )
    cases["cases_in_progress"] = (
        cases["cases_received"] - cases["cases_successful"] - cases["cases_unsuccessful"]
    )
    return CommuneYear.objects.create(commune=commune, year=YEAR, **values, **cases)


@pytest.fixture
def world():
    a, b = unit("213"), unit("215")
    a1, a2 = a.children.order_by("code")[:2]
    b1 = b.children.order_by("code").first()
    figures(
        a1,
        teams=10,
        compliant_teams=10,
        supported_teams=1,
        mediators=50,
        trained=40,
        with_material=50,
        new_due=4,
        new_trained_in_time=4,
        received=100,
        successful=90,
        unsuccessful=5,
    )
    figures(
        a2,
        teams=10,
        compliant_teams=9,
        supported_teams=0,
        mediators=50,
        trained=40,
        with_material=45,
        new_due=0,
        new_trained_in_time=0,
        received=50,
        successful=40,
        unsuccessful=10,
    )
    figures(
        b1,
        teams=20,
        compliant_teams=20,
        supported_teams=3,
        mediators=100,
        trained=80,
        with_material=100,
        new_due=2,
        new_trained_in_time=1,
        received=50,
        successful=45,
        unsuccessful=5,
    )
    for commune in (a1, b1):
        PilotCommune.objects.create(commune=commune, start_year=2024, end_year=2026)
    for commune in AdminUnit.objects.communes().order_by("code")[:10]:
        ModelCommune.objects.create(commune=commune, year=2025, decision="QĐ số 1/QĐ-UBND")
    province = unit("24")
    trained = Trainer.objects.create(
        full_name="Tỉnh Một",
        level="province",
        unit=province,
        active_from=date(2024, 1, 1),
        materials_received_on=date(2025, 2, 1),
    )
    Trainer.objects.create(
        full_name="Huyện Một", level="district", unit=a, active_from=date(2024, 1, 1)
    )
    course = Training.objects.create(
        title="Phương pháp",
        held_on=date(2025, 3, 1),
        organiser=province,
        level="province",
        audience="trainers",
    )
    TrainerAttendance.objects.create(training=course, trainer=trained)
    Material.objects.create(
        title="A",
        kind="for_trainers",
        link="https://a.vn",
        published_on=date(2025, 3, 1),
        publisher=province,
    )
    Material.objects.create(
        title="B",
        kind="for_mediators",
        link="https://b.vn",
        published_on=date(2026, 1, 10),
        publisher=province,
    )
    Material.objects.create(
        title="C",
        kind="dissemination",
        link="https://c.vn",
        published_on=date(2024, 6, 1),
        publisher=province,
    )
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1}


def results(code, year=YEAR, **kwargs):
    return {r.code: r for r in Kpi(year, unit(code), **kwargs).results()}


def short_codes(result):
    return [row["code"] for row in result.short]


def test_every_code_is_present_at_every_scope(world):
    codes = [
        "O1",
        "O2a",
        "O2b",
        "O3",
        "O4",
        "O5",
        "O6a",
        "O6b",
        "O7",
        "O8a",
        "O8b",
        "O9",
        "T2.1",
        "T3.1",
        "T3.2",
    ]
    for code in ("24", "213", world["a1"].code):
        assert list(results(code)) == codes


def test_province_rates(world):
    r = results("24")
    assert (r["O4"].numerator, r["O4"].denominator, r["O4"].met) == (39, 40, False)
    assert short_codes(r["O4"]) == ["213"]
    assert r["O4"].short[0]["value"] == pytest.approx(0.95)
    # Exactly 10% supported meets O5; district A alone (5%) falls short.
    assert (r["O5"].value, r["O5"].met, short_codes(r["O5"])) == (0.1, True, ["213"])
    # Exactly 80% trained meets O6a.
    assert (r["O6a"].value, r["O6a"].met, r["O6a"].short) == (0.8, True, [])
    assert (r["O6b"].numerator, r["O6b"].denominator, r["O6b"].met) == (5, 6, False)
    assert short_codes(r["O6b"]) == ["215"]
    assert (r["O7"].value, r["O7"].met) == (pytest.approx(0.975), False)


def test_success_rates_on_both_bases(world):
    r = results("24")
    assert (r["O8a"].numerator, r["O8a"].denominator) == (175, 200)
    assert (r["O8a"].met, r["O8a"].definition) == (True, "received")
    # Pilot communes: exactly 90% does not meet "more than 90%".
    assert (r["O8b"].numerator, r["O8b"].denominator, r["O8b"].value) == (135, 150, 0.9)
    assert r["O8b"].met is False
    concluded = results("24", basis="concluded")
    assert (concluded["O8a"].numerator, concluded["O8a"].denominator) == (175, 195)
    assert concluded["O8a"].definition == "concluded"


def test_trainers(world):
    r = results("24")
    # District A: 20 teams, 1 trainer. District B: 20 teams, no trainer: short and named.
    assert (r["O2a"].numerator, r["O2a"].denominator, r["O2a"].value) == (40, 1, 40)
    assert r["O2a"].met is False
    assert r["O2a"].short == [{"code": "215", "name": "Huyện Yên Thế", "value": None}]
    assert short_codes(r["T3.2"]) == ["215"]
    assert (r["O2b"].value, r["O2b"].met) == (40, True)
    assert (r["T3.1"].value, r["T3.1"].threshold, r["T3.1"].met) == (1, [23.0, 25.0], False)
    assert (r["O3"].numerator, r["O3"].denominator, r["O3"].met) == (1, 2, False)
    assert short_codes(r["O3"]) == ["213"]


def test_materials_pilots_and_model_communes(world):
    r = results("24")
    # The material for mediators was published after the cut-off.
    assert (r["O1"].numerator, r["O1"].denominator, r["O1"].met) == (2, 3, False)
    assert short_codes(r["O1"]) == ["for_mediators"]
    assert (r["O9"].numerator, r["O9"].denominator, r["O9"].met) == (10, 195, True)
    assert (r["T2.1"].numerator, r["T2.1"].denominator, r["T2.1"].met) == (2, 10, False)
    assert len(r["T2.1"].short) == 8


def test_a_district(world):
    r = results("213")
    assert (r["O4"].value, short_codes(r["O4"])) == (0.95, [world["a2"].code])
    assert (r["O2a"].value, r["O2a"].met) == (20, True)
    assert (r["T2.1"].value, r["T2.1"].met) == (1, True)
    assert (r["O8b"].value, r["O8b"].met) == (0.9, False)
    for code in ("O1", "O2b", "T3.1"):
        assert (r[code].applies, r[code].met) == (False, None)


def test_a_commune_has_the_rate_targets_only(world):
    r = results(world["a1"].code)
    assert (r["O4"].value, r["O4"].met) == (1, True)
    assert [code for code, result in r.items() if result.applies] == [
        "O4",
        "O5",
        "O6a",
        "O6b",
        "O7",
        "O8a",
    ]


def test_a_year_without_data_is_null_not_zero(world):
    r = results("24", year=2024)
    for code in ("O4", "O5", "O6a", "O6b", "O7", "O8a", "O8b", "O2a", "O2b"):
        assert (r[code].value, r[code].met) == (None, None), code
    future = results("24", year=2030)
    assert all(result.met is None for result in future.values())


def count_queries(code="24"):
    with CaptureQueriesContext(connection) as queries:
        Kpi(YEAR, unit(code)).results()
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_communes(world):
    few = count_queries()
    for commune in AdminUnit.objects.communes().exclude(year_figures__year=YEAR):
        figures(
            commune,
            teams=5,
            compliant_teams=5,
            supported_teams=1,
            mediators=25,
            trained=20,
            with_material=25,
            new_due=1,
            new_trained_in_time=1,
            received=10,
            successful=9,
            unsuccessful=1,
        )
        PilotCommune.objects.create(commune=commune, start_year=2025, end_year=2025)
    assert CommuneYear.objects.filter(year=YEAR).count() == 195
    assert count_queries() == few


def test_the_kpi_command_prints_the_design_json(world):
    out = StringIO()
    call_command("kpi", "--year", "2025", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["unit"] == {"code": "24", "name": "Tỉnh Bắc Giang", "level": "province"}
    assert data["cutoff"] == "2025-12-31"
    o8a = next(t for t in data["targets"] if t["code"] == "O8a")
    assert set(o8a) == {
        "code",
        "applies",
        "value",
        "numerator",
        "denominator",
        "threshold",
        "comparator",
        "reason",
        "met",
        "deadline_year",
        "source",
        "definition",
        "short",
    }
    assert (o8a["value"], o8a["threshold"], o8a["comparator"]) == (0.875, 0.85, ">=")
    assert (o8a["source"], o8a["deadline_year"]) == ("provisional", 2030)


@pytest.mark.parametrize("args", [["--year", "2023"], ["--year", "2025", "--unit", "00000"]])
def test_the_kpi_command_refuses_a_bad_year_or_unit(args):
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("kpi", *args, "--json", stderr=err)
    assert exit_info.value.code == 2
    assert err.getvalue()


def test_pilot_communes_beside_the_others(world):
    from targets.dashboard import pilot_rate

    kpi = Kpi(YEAR, unit("24"))
    assert pilot_rate(kpi, pilot=True) == pytest.approx(135 / 150)  # a1 and b1
    assert pilot_rate(kpi, pilot=False) == pytest.approx(40 / 50)  # a2
    concluded = Kpi(YEAR, unit("24"), basis="concluded")
    assert pilot_rate(concluded, pilot=False) == pytest.approx(40 / 50)
    assert pilot_rate(concluded, pilot=True) == pytest.approx(135 / 145)
