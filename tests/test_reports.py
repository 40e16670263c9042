"""Yearly reports: opening, the grid, the rules, the workflow by role, concurrency."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from network.models import MediatorAttendance
from reports import services
from reports.excel import headers
from reports.models import (
    LINE_FIELDS,
    CommuneYear,
    ReportDeadline,
    ReportEvent,
    YearlyReport,
)
from reports.rules import PARTS, label
from units.models import AdminUnit

from . import factories
from .conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

YEAR = 2025
COMMUNE = "07201"  # a commune of Thành phố Bắc Giang (213)


def url(name, code="213", year=YEAR):
    return reverse(f"reports:{name}", args=[code, year])


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the registry recount) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def registry(committed):
    """A commune of district A with two compliant teams, one mediator trained in 2025."""
    with committed():
        team = factories.full_team("Thôn Đông", COMMUNE)
        factories.full_team("Thôn Tây", COMMUNE)
        course = factories.training(date(2025, 4, 1))
        MediatorAttendance.objects.create(training=course, mediator=team.mediators.first())
    return team


@pytest.fixture
def report(officer_a, district_a, registry):
    return services.open_report(district_a, YEAR)


def line(code=COMMUNE, year=YEAR):
    return CommuneYear.objects.get(commune__code=code, year=year)


def grid(report, changes=None, version=None):
    """The POST data of the report page as it was rendered, with ``changes`` applied:
    {commune code: {field: value}} and header fields by name."""
    changes = changes or {}
    data = {"version": report.version if version is None else version}
    for row in report.lines():
        values = {**row.figures(), **changes.get(row.commune.code, {})}
        for name in LINE_FIELDS:
            data[f"c{row.commune_id}-{name}"] = values[name]
    for name in services.HEADER_FIELDS:
        data[name] = changes.get(name, getattr(report, name))
    return data


def cases(received, successful, unsuccessful=0, in_progress=0):
    return {
        "cases_received": received,
        "cases_successful": successful,
        "cases_unsuccessful": unsuccessful,
        "cases_in_progress": in_progress,
    }


# --- Opening ---


def test_the_officer_opens_the_report_prefilled_from_the_registry(client, officer_a, registry):
    response = login(client, officer_a).get(url("report"))
    assert response.status_code == 200
    report = YearlyReport.objects.get(unit__code="213", year=YEAR)
    assert report.status == YearlyReport.Status.DRAFT
    communes = AdminUnit.objects.filter(parent__code="213", level="commune").count()
    assert report.lines().count() == communes > 1
    prefilled = line()
    assert (prefilled.teams, prefilled.compliant_teams, prefilled.mediators) == (2, 2, 6)
    assert (prefilled.trained, prefilled.trained_in_year) == (1, 1)
    # The grid holds an input per commune and figure, named by commune.
    assert f'name="c{prefilled.commune_id}-teams"' in response.content.decode()
    # A text per task group the districts lead: all but group 5 (Sở Tư pháp alone).
    groups = set(report.group_results.values_list("group__number", flat=True))
    assert groups == {1, 2, 3, 4, 6, 7, 8, 9, 10}


def test_opening_twice_makes_one_report(officer_a, district_a):
    first = services.open_report(district_a, YEAR)
    assert services.open_report(district_a, YEAR) == first
    assert YearlyReport.objects.filter(unit=district_a, year=YEAR).count() == 1


def test_two_first_visits_at_once_make_one_report(monkeypatch, district_a):
    first = services.open_report(district_a, YEAR)
    # The second visit looked before the first one created it: the database's unique
    # constraint refuses the second report and the visit gets the first one.
    monkeypatch.setattr(YearlyReport.objects, "filter", lambda *a, **k: YearlyReport.objects.none())
    assert services.open_report(district_a, YEAR) == first
    assert YearlyReport.objects.count() == 1


@pytest.mark.parametrize("year", [2023, 2031, 2027])
def test_a_year_outside_the_plan_or_not_yet_begun_is_not_found(client, officer_a, year):
    # 2027 has not begun while this suite is current (2026); reports wait for their year.
    response = login(client, officer_a).get(url("report", year=year))
    assert response.status_code == 404
    assert not YearlyReport.objects.exists()


# --- Who may do what ---


def test_anonymous_visitors_log_in_first(client, report):
    response = client.get(url("report"))
    assert response.status_code == 302 and "dang-nhap" in response.url


@pytest.mark.parametrize("name", ["report", "template"])
def test_another_districts_officer_gets_not_found(client, officer_b, report, name):
    assert login(client, officer_b).get(url(name)).status_code == 404


@pytest.mark.parametrize("name", ["report", "transition", "upload"])
def test_another_districts_officer_cannot_post_either(client, officer_b, report, name):
    before = line().figures()
    response = login(client, officer_b).post(url(name), {"action": "submit", **grid(report)})
    assert response.status_code == 404
    assert line().figures() == before
    assert YearlyReport.objects.get().status == YearlyReport.Status.DRAFT


def test_leadership_reads_but_cannot_edit(client, leader, report):
    page = login(client, leader).get(url("report"))
    assert page.status_code == 200
    assert 'name="version"' not in page.content.decode()  # no grid, no actions
    response = client.post(url("report"), grid(report, {COMMUNE: cases(10, 9, 1)}))
    assert response.status_code == 403
    assert line().cases_received == 0


def test_leadership_does_not_create_a_report_by_opening_it(client, leader):
    assert login(client, leader).get(url("report", code="215")).status_code == 404
    assert not YearlyReport.objects.exists()


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_district_officer_cannot_review(client, officer_a, report, action):
    services.submit(report, officer_a, acknowledged=True)
    response = login(client, officer_a).post(url("transition"), {"action": action, "comment": "x"})
    assert response.status_code == 403
    assert YearlyReport.objects.get().status == YearlyReport.Status.SUBMITTED


def test_province_staff_neither_edit_nor_submit(client, province_staff, report):
    login(client, province_staff)
    assert client.post(url("report"), grid(report)).status_code == 403
    assert client.post(url("transition"), {"action": "submit"}).status_code == 403
    assert YearlyReport.objects.get().status == YearlyReport.Status.DRAFT


def test_leadership_cannot_approve(client, leader, officer_a, report):
    services.submit(report, officer_a, acknowledged=True)
    response = login(client, leader).post(url("transition"), {"action": "approve"})
    assert response.status_code == 403


# --- The grid ---


def test_saving_the_grid_keeps_the_figures_and_who_changed_them(client, officer_a, report):
    data = grid(report, {COMMUNE: cases(20, 17, 2, 1), "budget_spent": 15_000_000})
    response = login(client, officer_a).post(url("report"), data)
    assert response.status_code == 302
    saved = line()
    assert (saved.cases_received, saved.cases_successful) == (20, 17)
    assert saved.history.first().history_user == officer_a
    report.refresh_from_db()
    assert report.budget_spent == 15_000_000
    assert report.version == 2


def test_a_bad_line_saves_nothing_and_keeps_the_input(client, officer_a, report):
    data = grid(report, {COMMUNE: cases(20, 17, 2, 0), "budget_spent": 9_000})
    response = login(client, officer_a).post(url("report"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "cell-error" in page
    assert 'value="17"' in page and 'value="9000"' in page  # the input is still there
    assert line().cases_received == 0
    report.refresh_from_db()
    assert (report.budget_spent, report.version) == (0, 1)


@pytest.mark.parametrize(("part", "whole"), PARTS)
def test_a_part_never_exceeds_its_whole(officer_a, report, part, whole):
    values = line().figures()
    values[part] = values[whole] + 1
    if whole == "trained":  # keep trained itself within the mediators
        values[whole] = min(values[whole], values["mediators"])
        values[part] = values[whole] + 1
    with pytest.raises(services.ReportError):
        services.save_report(report, officer_a, report.version, {line().commune_id: values})
    assert line().figures()[part] != values[part]


def test_negative_numbers_are_refused(client, officer_a, report):
    data = grid(report, {COMMUNE: {"women": -1}})
    assert login(client, officer_a).post(url("report"), data).status_code == 400
    assert line().women == 2


def test_a_commune_of_another_district_cannot_be_reported(officer_a, report, district_b):
    foreign = AdminUnit.objects.filter(parent=district_b, level="commune").first()
    values = dict.fromkeys(LINE_FIELDS, 0)
    with pytest.raises(services.ReportError):
        services.save_report(report, officer_a, report.version, {foreign.pk: values})


def test_district_trainers_trained_within_trainers(client, officer_a, report):
    data = grid(report, {"district_trainers": 2, "district_trainers_trained": 3})
    assert login(client, officer_a).post(url("report"), data).status_code == 400
    assert YearlyReport.objects.get().district_trainers_trained == 0


def test_a_correction_survives_the_registry_recount(client, officer_a, report, registry, committed):
    login(client, officer_a).post(url("report"), grid(report, {COMMUNE: {"teams": 3}}))
    assert line().corrected_fields == ["teams"]
    with committed():
        factories.mediator(registry, "Đỗ Thị Mới", sex="F")  # the registry moves on
    refreshed = line()
    assert refreshed.teams == 3  # the district's correction stays
    assert refreshed.mediators == 7  # an uncorrected figure follows the registry
    page = client.get(url("report")).content.decode()
    assert "● 2" in page  # the registry's own count beside the correction


# --- Warnings ---


def test_warnings_do_not_block_saving_but_must_be_confirmed(client, officer_a, report):
    CommuneYear.objects.filter(commune__code=COMMUNE, year=YEAR - 1).delete()
    CommuneYear.objects.create(commune=line().commune, year=YEAR - 1, **cases(4, 4))
    data = grid(report, {COMMUNE: {**cases(15, 8, 7), "trained": 0, "trained_in_year": 0}})
    assert login(client, officer_a).post(url("report"), data).status_code == 302
    found = [(w.field, w.commune.code) for w in services.warnings(report)]
    assert ("cases_received", COMMUNE) in found  # 4 → 15
    assert ("cases_successful", COMMUNE) in found  # 100% → 53,3%
    assert ("trained", COMMUNE) in found  # teams, nobody trained

    client.post(url("transition"), {"action": "submit"})
    assert YearlyReport.objects.get().status == YearlyReport.Status.DRAFT
    client.post(url("transition"), {"action": "submit", "acknowledged": "1"})
    event = ReportEvent.objects.get()
    assert event.to_status == YearlyReport.Status.SUBMITTED
    assert len(event.warnings) == 3
    # The reviewer reads the confirmed warnings on the report.
    staff = make_user("kiem", Role.PROVINCE_STAFF)
    client.force_login(staff)
    assert event.warnings[0] in client.get(url("report")).content.decode()


# --- The workflow ---


def test_the_whole_workflow_is_recorded(client, officer_a, province_staff, report, committed):
    login(client, officer_a).post(url("transition"), {"action": "submit", "acknowledged": "1"})
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_at

    # Submitted: frozen for the district and for the registry recount.
    assert client.post(url("report"), grid(report)).status_code == 403
    with committed():
        factories.full_team("Thôn Mới", COMMUNE)
    assert line().teams == 2

    staff = login(client, province_staff)
    staff.post(url("transition"), {"action": "return", "comment": "  "})
    assert YearlyReport.objects.get().status == "submitted"  # a comment is required
    with committed():
        staff.post(url("transition"), {"action": "return", "comment": "Xem lại số vụ việc."})
    assert YearlyReport.objects.get().status == "returned"
    assert line().teams == 3  # back with the district: the registry flows in again

    login(client, officer_a).post(url("transition"), {"action": "submit", "acknowledged": "1"})
    login(client, province_staff).post(url("transition"), {"action": "approve"})
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_at

    # Locked: no edit, no second approval, reopening needs a reason.
    assert login(client, officer_a).post(url("report"), grid(report)).status_code == 403
    login(client, province_staff).post(url("transition"), {"action": "reopen", "comment": ""})
    assert YearlyReport.objects.get().status == "approved"
    client.post(url("transition"), {"action": "reopen", "comment": "Sai số hòa giải viên."})
    assert YearlyReport.objects.get().status == "returned"

    steps = list(ReportEvent.objects.values_list("action", "from_status", "to_status", "user"))
    assert steps == [
        ("submit", "draft", "submitted", officer_a.pk),
        ("return", "submitted", "returned", province_staff.pk),
        ("submit", "returned", "submitted", officer_a.pk),
        ("approve", "submitted", "approved", province_staff.pk),
        ("reopen", "approved", "returned", province_staff.pk),
    ]
    page = client.get(url("report")).content.decode()
    assert "Sai số hòa giải viên." in page and "Xem lại số vụ việc." in page


def test_approving_twice_is_refused_with_a_message(officer_a, province_staff, report):
    services.submit(report, officer_a, acknowledged=True)
    services.approve(report, province_staff)
    with pytest.raises(services.ReportError):
        services.approve(report, province_staff)
    assert ReportEvent.objects.filter(action="approve").count() == 1


# --- Concurrency ---


def test_two_officers_saving_the_same_version_cannot_overwrite(client, officer_a, report):
    colleague = make_user("an2", Role.DISTRICT_OFFICER, "213")
    first, second = login(client, officer_a), login(Client(), colleague)
    opened = grid(report)  # both opened version 1
    mine = {**opened, f"c{line().commune_id}-cases_received": 5}
    mine[f"c{line().commune_id}-cases_successful"] = 5
    theirs = {**opened, f"c{line().commune_id}-cases_received": 9}
    theirs[f"c{line().commune_id}-cases_successful"] = 9
    assert first.post(url("report"), mine).status_code == 302
    response = second.post(url("report"), theirs)
    assert response.status_code == 409
    assert 'value="9"' in response.content.decode()  # their input is not lost
    assert line().cases_received == 5  # nor is the first save


def test_a_registry_change_makes_an_open_grid_stale(client, officer_a, report, registry, committed):
    opened = grid(report)
    with committed():
        factories.mediator(registry, "Đỗ Thị Mới", sex="F")
    assert login(client, officer_a).post(url("report"), opened).status_code == 409
    assert line().mediators == 7


def test_a_stale_submit_is_refused(client, officer_a, report):
    version = report.version
    login(client, officer_a).post(url("report"), grid(report))
    client.post(url("transition"), {"action": "submit", "version": version, "acknowledged": 1})
    assert YearlyReport.objects.get().status == "draft"


# --- The board ---


def test_the_board_shows_every_district_and_late_reports(client, province_staff, officer_a, report):
    ReportDeadline.objects.filter(year=2024).update(due_on=date(2025, 1, 15))
    services.submit(report, officer_a, acknowledged=True)
    login(client, province_staff)
    page = client.get(reverse("reports:index"), {"year": YEAR}).content.decode()
    districts = AdminUnit.objects.filter(level="district")
    assert all(district.name in page for district in districts)
    assert url("report") in page
    # 2024 reports never submitted, due 15/01/2025: every district is late.
    late = client.get(reverse("reports:index"), {"year": 2024}).context["board"]
    assert late.counts["late"] == districts.count() == late.counts["not_started"]
    assert 'class="late"' in client.get(reverse("reports:index"), {"year": 2024}).content.decode()


def test_an_officer_lists_only_its_own_district(client, officer_a, report):
    page = login(client, officer_a).get(reverse("reports:index")).content.decode()
    assert "Thành phố Bắc Giang" in page and "Yên Thế" not in page


def test_only_the_province_downloads_the_consolidated_workbook(client, officer_a, leader):
    path = reverse("reports:consolidated", args=[YEAR])
    assert login(client, officer_a).get(path).status_code == 404
    response = login(client, leader).get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- Excel through the pages ---


def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


def _upload(client, report, workbook, name="bao-cao.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile(name, buffer.getvalue())
    return client.post(url("upload"), {"file": upload, "version": report.version})


def _row_of(sheet, code):
    return next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value == code)


def test_the_officer_fills_the_template_and_uploads_it(client, officer_a, report):
    workbook = _workbook(login(client, officer_a).get(url("template")))
    sheet = workbook.worksheets[0]
    row = _row_of(sheet, COMMUNE)
    columns = {header: index + 1 for index, header in enumerate(headers())}
    for name, value in cases(12, 10, 1, 1).items():
        sheet.cell(row, columns[label(name)], value)
    response = _upload(client, report, workbook)
    assert response.status_code == 302
    saved = line()
    assert (saved.cases_received, saved.cases_successful, saved.cases_in_progress) == (12, 10, 1)
    assert "Excel" in saved.history.first().history_change_reason


def test_another_districts_template_is_refused_on_the_page(
    client, officer_a, officer_b, report, district_b
):
    services.open_report(district_b, YEAR)
    other = _workbook(login(client, officer_b).get(url("template", code="215")))
    response = _upload(login(client, officer_a), report, other)
    assert response.status_code == 400
    assert district_b.name in response.content.decode()  # says whose template it is
    assert YearlyReport.objects.get(unit__code="213").version == report.version


def test_a_bad_cell_is_listed_by_row_and_column_and_nothing_is_saved(client, officer_a, report):
    workbook = _workbook(login(client, officer_a).get(url("template")))
    sheet = workbook.worksheets[0]
    row = _row_of(sheet, COMMUNE)
    sheet.cell(row, 4, -3)  # the first figure: teams
    response = _upload(client, report, workbook)
    assert response.status_code == 400
    problems = response.context["problems"]
    assert [(p.row, p.column) for p in problems] == [(row, label("teams"))]
    assert line().teams == 2


@pytest.mark.parametrize("value", [None, "12", "-3", "abc", '1"><b>&amp;'])
def test_the_grid_inputs_are_the_markup_django_writes(report, value):
    # The grid's inputs are written in Python for speed (reports/forms.py): the same HTML
    # as Django's own number input, whether empty, filled, or wrong (aria-invalid).
    from django import forms as django_forms

    from reports.forms import LineForm

    row = line()
    data = None if value is None else {f"c{row.commune_id}-{n}": value for n in LINE_FIELDS}
    form = LineForm(data, line=row)
    if data:
        form.is_valid()
    for name in LINE_FIELDS:
        field = form[name]
        template_widget = django_forms.NumberInput(attrs=form.fields[name].widget.attrs)
        assert str(field) == field.as_widget(widget=template_widget)
        assert 'type="number"' in str(field) and f'name="c{row.commune_id}-{name}"' in str(field)
