"""KPI fidelity (issue 18): cases an outside check worked out by hand and the engine missed."""

from datetime import date

import pytest
from django.test import override_settings

from network.dates import (
    cutoff_date,
    is_due,
    last_recognition_due_by,
    training_deadline,
)
from network.figures import commune_figures
from network.models import MediatorAttendance, TrainingStatus, training_status
from reports.models import CommuneYear
from targets.kpi import Kpi

from . import factories, test_reports_kpi

pytestmark = pytest.mark.django_db
approved = test_reports_kpi.approved  # the fixture: district A's 2025 report, submitted


@pytest.fixture
def commune():
    return factories.commune("07201")


def newcomer(team, name, recognised, trained_on=None, **fields):
    person = factories.mediator(team, name, recognised=recognised, **fields)
    if trained_on:
        MediatorAttendance.objects.create(training=factories.training(trained_on), mediator=person)
    return person


def six_month_rule(commune, year):
    figures = commune_figures(year).get(commune.pk, {})
    return tuple(figures.get(key, 0) for key in ("new_due", "new_trained_in_time", "new_pending"))


# --- 1. O6b by the year in which the six-month deadline falls ---


def test_a_mediator_recognised_after_june_is_measured_the_next_year(commune):
    team = factories.team()
    # Recognised 15/08/2025 (deadline 15/02/2026), trained 01/12/2025: in time.
    newcomer(team, "Vi Văn Tám", date(2025, 8, 15), trained_on=date(2025, 12, 1))
    # Recognised 20/09/2025 (deadline 20/03/2026), never trained.
    newcomer(team, "Lý Văn Chín", date(2025, 9, 20))
    # Recognised 10/03/2026 (deadline 10/09/2026), trained late on 01/10/2026.
    newcomer(team, "Hà Thị Ba", date(2026, 3, 10), trained_on=date(2026, 10, 1))
    assert six_month_rule(commune, 2025) == (0, 0, 2)  # both still to come in 2025
    assert six_month_rule(commune, 2026) == (3, 1, 0)  # all three fall due in 2026


def test_a_deadline_after_the_cutoff_but_within_the_year_moves_to_the_next_year(commune):
    with override_settings(REPORT_CUTOFF_DAY=14):
        team = factories.team()
        newcomer(team, "Đinh Văn Hai", date(2025, 6, 20))  # deadline 20/12/2025 > 14/12
        assert six_month_rule(commune, 2025) == (0, 0, 1)
        assert six_month_rule(commune, 2026) == (1, 0, 0)


def test_leaving_before_the_deadline_untrained_takes_a_mediator_out(commune):
    team = factories.team()
    newcomer(team, "Tạ Văn Đi", date(2025, 9, 1), left_on=date(2025, 11, 1))
    assert six_month_rule(commune, 2025) == (0, 0, 0)
    assert six_month_rule(commune, 2026) == (0, 0, 0)


def test_the_engine_measures_o6b_over_the_deadlines_of_the_year(
    commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        team = factories.team()
        newcomer(team, "Vi Văn Tám", date(2025, 8, 15), trained_on=date(2025, 12, 1))
        newcomer(team, "Lý Văn Chín", date(2025, 9, 20))
    line = CommuneYear.objects.get(commune=commune, year=2026)
    assert (line.new_due, line.new_trained_in_time) == (2, 1)
    o6b = next(r for r in Kpi(2026, commune).results() if r.code == "O6b")
    assert (o6b.numerator, o6b.denominator, o6b.value, o6b.met) == (1, 2, 0.5, False)


@pytest.mark.parametrize(
    ("day", "start", "end"), [(31, "01/01/2025", "31/12/2025"), (14, "15/12/2024", "14/12/2025")]
)
def test_the_o6b_card_says_which_mediators_the_year_counts(client, leader, day, start, end):
    from django.urls import reverse

    with override_settings(REPORT_CUTOFF_DAY=day):
        client.force_login(leader)
        response = client.get(reverse("dashboard"), {"year": 2025})
    card = next(card for card in response.context["board"].cards if card.result.code == "O6b")
    assert start in card.note and end in card.note
    assert card.note in response.content.decode()


# --- 2. A deadline on the cut-off day is due ---

CUTOFFS = [(12, 31), (12, 14), (11, 30)]


@pytest.mark.parametrize(("month", "day"), CUTOFFS)
def test_the_last_deadline_on_or_before_the_cutoff_is_due(commune, month, day):
    with override_settings(REPORT_CUTOFF_MONTH=month, REPORT_CUTOFF_DAY=day):
        cutoff = cutoff_date(2025)
        recognised = last_recognition_due_by(cutoff)
        deadline = training_deadline(recognised)
        if (month, day) != (12, 31):  # no date six months before 31/12: 30/06 → 30/12
            assert deadline == cutoff
        assert is_due(deadline, cutoff)
        assert training_status(recognised, None, None, cutoff) == TrainingStatus.OVERDUE
        team = factories.team()
        newcomer(team, "Chưa Tập Huấn", recognised)
        newcomer(team, "Tập Đúng Hạn", recognised, trained_on=deadline)
        newcomer(team, "Tập Ngày Chốt", recognised, trained_on=cutoff)
        # Recognised a day later: the deadline falls after the cut-off.
        newcomer(team, "Mới Hơn", date.fromordinal(recognised.toordinal() + 1))
        due, in_time, pending = six_month_rule(commune, 2025)
        in_time_too = 2 if deadline == cutoff else 1  # trained on the cut-off day
        assert (due, in_time, pending) == (3, in_time_too, 1)


# --- 3. Rates rounded half up wherever people read them ---

FRACTIONS = [
    (23 / 30, "76,7%"),
    (8 / 9, "88,9%"),
    (1 / 8, "12,5%"),
    (1 / 3, "33,3%"),
    (2 / 3, "66,7%"),
    (0.0005, "0,1%"),  # 0,05% → 0,1%
    (0.00049, "0,0%"),
    (0.9995, "100,0%"),  # 99,95% → 100,0%
    (0.99949, "99,9%"),
    (0.1235, "12,4%"),  # 0.12349999… in binary: half up on the decimal as written
    (0.0, "0,0%"),
    (1.0, "100,0%"),
]


@pytest.mark.parametrize(("fraction", "shown"), FRACTIONS)
def test_a_rate_is_rounded_half_up_on_pages_and_in_the_admin(fraction, shown):
    from django.utils import translation

    from reports.admin import CommuneYearAdmin
    from targets.templatetags.kpi import kpi_value

    with translation.override("vi"):
        assert kpi_value(fraction, "rate") == shown
        line = CommuneYear(cases_received=10_000_000, cases_successful=round(fraction * 1e7))
        assert CommuneYearAdmin.rate(None, line) == shown


def test_other_decimals_are_rounded_half_up_too():
    from django.utils import translation

    from targets.templatetags.kpi import kpi_number, kpi_value

    with translation.override("vi"):
        assert kpi_value(80 / 3, "teams_per_trainer") == "26,7 tổ/tập huấn viên"
        assert kpi_value(0.125, "") == "0,13"
        assert kpi_number(1234.55) == "1.234,6"


def test_a_success_rate_warning_rounds_half_up():
    from reports.rules import line_warnings

    # 247/2000 = 12,35% (0.12349999… in binary, so Python's own format wrote 12,3%).
    values = {"teams": 1, "trained": 1, "cases_received": 2000, "cases_successful": 247}
    previous = {"teams": 1, "trained": 1, "cases_received": 2400, "cases_successful": 1600}
    messages = " ".join(message for _field, message in line_warnings(values, previous, 2025))
    assert "66,7%" in messages and "12,4%" in messages


def test_the_dashboard_its_export_and_the_json_of_23_out_of_30(client, leader):
    import io
    import json
    from io import StringIO

    from django.core.management import call_command
    from django.urls import reverse
    from python_calamine import CalamineWorkbook

    CommuneYear.objects.create(
        commune=factories.commune("07201"),
        year=2025,
        teams=3,
        compliant_teams=3,
        mediators=9,
        trained=8,
        cases_received=30,
        cases_successful=23,
        cases_in_progress=7,
    )
    client.force_login(leader)
    page = client.get(reverse("dashboard"), {"year": 2025}).content.decode()
    assert "76,7%" in page and "88,9%" in page  # O8a 23/30, O6a 8/9
    assert "76,6%" not in page and "88,8%" not in page
    export = client.get(reverse("dashboard-export"), {"year": 2025})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0)
    by_code = {row[0]: row for row in rows.to_python()}
    assert (by_code["O8a"][2], by_code["O6a"][2]) == ("76,7%", "88,9%")
    out = StringIO()
    call_command("kpi", "--year", "2025", "--json", stdout=out)
    targets = {t["code"]: t for t in json.loads(out.getvalue())["targets"]}
    assert targets["O8a"]["value"] == 23 / 30  # JSON keeps the exact value


# --- 6. An empty register is no data, not a zero ---


def test_a_province_with_units_but_nothing_recorded_has_no_data_for_every_code(client, leader):
    import json
    from io import StringIO

    from django.core.management import call_command
    from django.urls import reverse

    out = StringIO()
    call_command("kpi", "--year", "2025", "--json", stdout=out)
    targets = json.loads(out.getvalue())["targets"]
    assert len(targets) == 15
    for target in targets:
        assert (target["value"], target["met"], target["short"]) == (None, None, []), target
    client.force_login(leader)
    board = client.get(reverse("dashboard"), {"year": 2025}).context["board"]
    assert {card.result.code: card.status for card in board.cards} == dict.fromkeys(
        ["O1", "O2a", "O2b", "O3", "O4", "O5", "O6a", "O6b", "O7", "O8a", "O8b", "O9"]
        + ["T2.1", "T3.1", "T3.2"],
        "none",
    )


def test_teams_recorded_but_no_trainer_material_pilot_or_model_commune(commune):
    CommuneYear.objects.create(commune=commune, year=2025, teams=4, mediators=12)
    r = {result.code: result for result in Kpi(2025, commune.parent.parent).results()}
    for code in ("O1", "O2a", "O2b", "O3", "O9", "T2.1", "T3.1", "T3.2"):
        assert (r[code].value, r[code].met) == (None, None), code
    # A register that holds something is counted: no provincial trainer is then a real 0.
    from network.models import Trainer

    Trainer.objects.create(
        full_name="Huyện Một", level="district", unit=commune.parent, active_from=date(2024, 1, 1)
    )
    r = {result.code: result for result in Kpi(2025, commune.parent.parent).results()}
    assert (r["T3.1"].value, r["T3.1"].met) == (0, False)


# --- 4. Where each figure comes from ---


def cards_html(page):
    """{code: the card's HTML} of the dashboard page."""
    import re

    return {
        re.search(r'<span class="code">([^<]+)</span>', part).group(1): part
        for part in page.split('<article class="kpi-card')[1:]
    }


def test_each_card_says_whether_its_figures_are_approved_or_provisional(
    client, leader, province_staff, approved, district_a
):
    from django.urls import reverse

    from reports import services

    services.approve(approved, province_staff)
    client.force_login(leader)
    response = client.get(reverse("dashboard"), {"year": 2025, "unit": district_a.code})
    board = response.context["board"]
    assert board.source == "approved"
    assert board.approved_codes == ["O4", "O5", "O6a", "O6b", "O7", "O8a", "O8b"]
    assert board.provisional_codes == ["O2a", "O3", "O9", "T2.1", "T3.2"]
    page = response.content.decode()
    # The header no longer says every figure comes from the approved reports.
    assert "Số liệu theo báo cáo năm đã được phê duyệt của các huyện." not in page
    header = page.split('<section class="cards"')[0]
    assert "O4, O5, O6a, O6b, O7, O8a, O8b" in header and "O2a, O3, O9, T2.1, T3.2" in header
    cards = cards_html(page)
    for code in board.approved_codes:
        assert "source-approved" in cards[code] and "source-provisional" not in cards[code]
        assert "đã duyệt" in cards[code]
    for code in board.provisional_codes:
        assert "source-provisional" in cards[code] and "source-approved" not in cards[code]
    # The export says it too, beside the assessment.
    import io

    from python_calamine import CalamineWorkbook

    export = client.get(reverse("dashboard-export"), {"year": 2025, "unit": district_a.code})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0)
    header, *lines = rows.to_python()
    assert header[-2] == "Nguồn số liệu"
    sources = {line[0]: line[-2] for line in lines}
    assert {code for code, source in sources.items() if source == "đã duyệt"} == set(
        board.approved_codes
    )


def test_before_approval_every_card_is_provisional(client, leader, district_a):
    from django.urls import reverse

    client.force_login(leader)
    response = client.get(reverse("dashboard"), {"year": 2025, "unit": district_a.code})
    cards = cards_html(response.content.decode())
    assert cards and all("source-provisional" in card for card in cards.values())


# --- 5. The kpi command: an empty unit code is refused; its messages are Vietnamese ---


def run_kpi(*args):
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("kpi", *args, stdout=out, stderr=err)
    return exit_info.value.code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("code", ["", "00000"])
def test_the_kpi_command_refuses_an_empty_or_unknown_unit_code(code):
    status, out, err = run_kpi("--year", "2025", "--unit", code, "--json")
    assert (status, out) == (2, "")
    assert f"“{code}”" in err and "2025" in err


def test_the_kpi_command_writes_its_messages_through_gettext(monkeypatch):
    from targets import kpi as engine  # the command's refusals are kpi_for's (the API's too)

    monkeypatch.setattr(engine, "_", lambda text: f"[vi] {text}")
    for args in (["--year", "2023"], ["--year", "2025", "--unit", "00000"]):
        status, _out, err = run_kpi(*args)
        assert status == 2 and err.startswith("[vi] "), err


def test_the_kpi_command_prints_its_verdicts_in_vietnamese(district_a):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("kpi", "--year", "2025", "--unit", district_a.code, stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()}
    assert lines["O1"].endswith("không áp dụng")  # a provincial target at a district
    assert lines["O4"].endswith("chưa có số liệu")  # no team recorded
    assert "met=" not in out.getvalue() and "n/a" not in out.getvalue()
