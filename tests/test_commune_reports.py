"""Commune reports (issue 15): from 2025 each commune reports straight to the Sở Tư pháp.

One report model whose reporting unit is a district for 2024 and a commune after: the
same grid, Excel round-trip, rules, lock and workflow, on the commune's one line.
"""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from network.models import MediationTeam, Mediator
from reports import reform, services
from reports.excel import FIRST_ROW, SHEET
from reports.models import LINE_FIELDS, CommuneYear, YearlyReport
from targets.kpi import Kpi
from units.models import AdminUnit

from .conftest import PASSWORD, make_user
from .test_commune_officers import (
    BAC_GIANG,
    OTHER,
    SUCCESSORS,
    commune_officer,
    today_unit,
)

pytestmark = pytest.mark.django_db

YEAR = 2026
# Phường Bắc Giang (07210 since 1/7/2025) took these wards of Thành phố Bắc Giang; one of
# them, Hoàng Văn Thụ, had the code 07210 before.
PREDECESSORS = ["07201", "07207", "07210", "07213", "07225", "07231", "07441"]


def url(name, code=BAC_GIANG, year=YEAR):
    return reverse(f"reports:{name}", args=[code, year])


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def reformed(db, committed):
    with committed():
        reform.apply(SUCCESSORS)


@pytest.fixture
def officer(reformed):
    return commune_officer("xa_bac_giang", BAC_GIANG)


@pytest.fixture
def other_officer(reformed):
    return commune_officer("xa_khac", OTHER)


@pytest.fixture
def staff(reformed):
    return make_user("so_tu_phap", Role.PROVINCE_STAFF, "24")  # Tỉnh Bắc Ninh


@pytest.fixture
def team(reformed, committed):
    with committed():
        team = MediationTeam.objects.create(commune=today_unit(BAC_GIANG), name="Tổ dân phố số 1")
        for name, sex, role in [
            ("Nguyễn Thị Mai", "F", "leader"),
            ("Trần Văn Bình", "M", "member"),
            ("Lê Văn Cường", "M", "member"),
        ]:
            Mediator.objects.create(
                team=team, full_name=name, sex=sex, role=role, recognised_on=date(2025, 8, 1)
            )
    return team


def grid(report, changes=None):
    data = {"version": report.version}
    for row in report.lines():
        values = {**row.figures(), **(changes or {})}
        for name in LINE_FIELDS:
            data[f"c{row.commune_id}-{name}"] = values[name]
    for name in services.HEADER_FIELDS:
        data[name] = getattr(report, name)
    return data


CASES = {"cases_received": 12, "cases_successful": 10, "cases_unsuccessful": 1}
CASES_IN_PROGRESS = {**CASES, "cases_in_progress": 1}


# --- Who reports, and for which years ---


def test_the_reporting_units_are_the_districts_for_2024_and_the_58_communes_after(reformed):
    districts = list(services.reporting_units(2024))
    assert len(districts) == 10 and {u.level for u in districts} == {"district"}
    communes = list(services.reporting_units(2025))
    assert len(communes) == 58 and {u.level for u in communes} == {"commune"}
    assert all(u.parent.code == "24" for u in communes)
    assert [u.code for u in services.reporting_units(YEAR)] == [u.code for u in communes]


def test_a_district_has_no_report_after_it_ended_and_an_old_commune_none_of_its_own(reformed):
    district = AdminUnit.objects.by_code("213", date(2024, 12, 31))
    with pytest.raises(services.ReportError, match="không tồn tại"):
        services.open_report(district, 2025)
    old_commune = AdminUnit.objects.by_code("07201", date(2024, 12, 31))
    with pytest.raises(services.ReportError, match="huyện"):
        services.open_report(old_commune, 2024)
    assert not YearlyReport.objects.exists()


# --- The commune's report ---


def test_the_commune_officer_opens_the_report_of_the_commune_prefilled(client, officer, team):
    response = login(client, officer).get(url("report"))
    assert response.status_code == 200
    report = YearlyReport.objects.get(unit=today_unit(BAC_GIANG), year=YEAR)
    assert report.is_commune_report and report.status == YearlyReport.Status.DRAFT
    (line,) = report.lines()
    assert line.commune == today_unit(BAC_GIANG)
    assert (line.teams, line.mediators, line.women) == (1, 3, 1)
    page = response.content.decode()
    assert "Báo cáo năm 2026 — Phường Bắc Giang" in page
    # A commune has no trainers of its own: no district trainer fields.
    assert 'name="district_trainers"' not in page
    assert f'name="c{line.commune_id}-cases_received"' in page


def test_the_2025_report_of_a_new_commune_starts_with_its_predecessors_summed(
    client, db, committed
):
    # Before the cut, three of the wards had figures for 2025 (the first half year).
    for code, received in [("07201", 5), ("07207", 3), ("07210", 4)]:
        CommuneYear.objects.create(
            commune=AdminUnit.objects.by_code(code, date(2025, 6, 30)),
            year=2025,
            cases_received=received,
            cases_successful=received - 1,
            cases_unsuccessful=1,
        )
    with committed():
        reform.apply(SUCCESSORS)
    officer = commune_officer("xa_bac_giang", BAC_GIANG)

    response = login(client, officer).get(url("report", year=2025))

    assert response.status_code == 200
    (line,) = YearlyReport.objects.get(year=2025).lines()
    assert (line.cases_received, line.cases_successful, line.cases_unsuccessful) == (12, 9, 3)
    page = response.content.decode()
    assert "bắt đầu từ 1/7/2025" in page
    for name in ["Phường Thọ Xương", "Phường Ngô Quyền", "Phường Hoàng Văn Thụ"]:
        assert name in page


def test_the_officer_saves_submits_and_staff_return_then_approve(client, officer, staff, team):
    login(client, officer).get(url("report"))
    report = YearlyReport.objects.get(year=YEAR)

    response = client.post(url("report"), grid(report, CASES_IN_PROGRESS))
    assert response.status_code == 302
    (line,) = report.lines()
    assert (line.cases_received, line.cases_successful) == (12, 10)

    report.refresh_from_db()
    client.post(
        url("transition"), {"action": "submit", "acknowledged": "on", "version": report.version}
    )
    report.refresh_from_db()
    assert report.status == YearlyReport.Status.SUBMITTED

    reviewer = login(client.__class__(), staff)
    reviewer.post(url("transition"), {"action": "return", "comment": "Kiểm tra lại số vụ việc."})
    report.refresh_from_db()
    assert report.status == YearlyReport.Status.RETURNED
    page = client.get(url("report")).content.decode()
    assert "Kiểm tra lại số vụ việc." in page

    report.refresh_from_db()
    client.post(
        url("transition"), {"action": "submit", "acknowledged": "on", "version": report.version}
    )
    reviewer.post(url("transition"), {"action": "approve"})
    report.refresh_from_db()
    assert report.status == YearlyReport.Status.APPROVED
    assert [event.action for event in report.events.all()] == [
        "submit",
        "return",
        "submit",
        "approve",
    ]

    # The dashboard's engine reads the commune's year as approved, with the report's cases.
    kpi = Kpi(YEAR, today_unit(BAC_GIANG))
    assert kpi.source == "approved"
    rate = next(r for r in kpi.results() if r.code == "O8a")
    assert rate.source == "approved"


def test_the_province_is_provisional_until_every_commune_is_approved(officer, team):
    province = today_unit("24")
    report = services.open_report(today_unit(BAC_GIANG), YEAR)
    services.step(report, None, "submit", YearlyReport.EDITABLE, "submitted")
    services.step(report, None, "approve", ["submitted"], "approved")
    kpi = Kpi(YEAR, province)
    assert kpi.source == "provisional"
    unapproved = {code for code, _name in kpi.unapproved}
    assert len(unapproved) == 57 and BAC_GIANG not in unapproved


# --- Scoping ---


def test_another_communes_report_is_a_404_everywhere(client, officer, other_officer, team):
    login(client, other_officer).get(url("report", code=OTHER))
    login(client, officer)
    assert client.get(url("report", code=OTHER)).status_code == 404
    assert client.get(url("template", code=OTHER)).status_code == 404
    assert client.post(url("upload", code=OTHER), {}).status_code == 404
    assert client.post(url("transition", code=OTHER), {"action": "submit"}).status_code == 404
    # Nor the district that had the code before (Thành phố Bắc Giang's 2024 report).
    assert client.get(url("report", code="213", year=2024)).status_code == 404


def test_a_commune_officer_whose_commune_ended_cannot_edit(client, reformed):
    user = commune_officer("xa_cu", None)
    user.unit = AdminUnit.objects.by_code("07201", date(2025, 6, 30))  # ended on 30/6/2025
    user.save()
    report = services.open_report(today_unit(BAC_GIANG), YEAR)
    assert not services.can_edit(user, report)
    assert login(client, user).get(url("report")).status_code == 404


# --- Excel ---


def test_the_commune_template_round_trips(client, officer, team):
    login(client, officer).get(url("report"))
    response = client.get(url("template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book[SHEET]
    assert sheet.cell(FIRST_ROW, 1).value == BAC_GIANG
    assert sheet.cell(FIRST_ROW + 1, 1).value is None  # one line: the commune
    first = 4  # after the code, name and pilot columns
    for offset, name in enumerate(LINE_FIELDS):
        if name in CASES_IN_PROGRESS:
            sheet.cell(FIRST_ROW, first + offset, CASES_IN_PROGRESS[name])
    buffer = io.BytesIO()
    book.save(buffer)
    report = YearlyReport.objects.get(year=YEAR)
    upload = SimpleUploadedFile("bao-cao.xlsx", buffer.getvalue())

    response = client.post(url("upload"), {"file": upload, "version": report.version})

    assert response.status_code == 302
    (line,) = report.lines()
    assert (line.cases_received, line.cases_successful, line.cases_in_progress) == (12, 10, 1)


def test_another_communes_template_is_refused_by_name(client, officer, other_officer, team):
    login(client, other_officer).get(url("report", code=OTHER))
    other = client.get(url("template", code=OTHER)).content
    login(client, officer).get(url("report"))
    report = YearlyReport.objects.get(unit__code=BAC_GIANG, year=YEAR)
    before = [line.figures() for line in report.lines()]

    response = client.post(
        url("upload"),
        {"file": SimpleUploadedFile("x.xlsx", other), "version": report.version},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert today_unit(OTHER).name in page and "Phường Bắc Giang" in page
    assert [line.figures() for line in report.lines()] == before


def test_the_report_year_is_the_communes_own_even_when_a_code_was_reused(officer, team):
    report = services.open_report(today_unit(BAC_GIANG), YEAR)
    assert report.unit.valid_from == date(2025, 7, 1)
    assert report.unit.is_valid_on(timezone.localdate())


def test_an_officer_whose_commune_ended_is_told_which_commune_took_it(client, reformed):
    user = commune_officer("xa_cu_2", None)
    user.unit = AdminUnit.objects.by_code("07201", date(2025, 6, 30))  # Phường Thọ Xương
    user.save()
    page = login(client, user).get(reverse("reports:index")).content.decode()
    assert "Phường Thọ Xương (07201) đã kết thúc ngày 30/06/2025" in page
    assert "Phường Bắc Giang" in page
    assert "Mở báo cáo năm 2026" not in page


def test_an_officer_without_a_commune_is_told_to_ask_the_department(client, reformed):
    user = commune_officer("xa_trong", None)
    page = login(client, user).get(reverse("reports:index")).content.decode()
    assert "Sở Tư pháp" in page and "Mở báo cáo năm 2026" not in page
