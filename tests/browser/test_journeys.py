"""Three journeys in a real browser, as the portal's people make them.

(a) Sở Tư pháp staff import a mediator roster from Excel in the admin (a bad row first, then
    the corrected file, previewed and confirmed) and correct a task of the plan.
(b) A district officer fills the 2025 yearly report online, round-trips the Excel template
    and submits the report.
(c) Leadership read the targets dashboard for another year, open a district and export the
    district's targets to Excel.
(d) After the 1/7/2025 reform, the demo's commune officer fills the 2026 report online and
    through Excel and submits it; the Sở Tư pháp return it, then approve it; leadership read
    the commune's year as approved.

Each logs in through the login form and saves screenshots of its key steps (conftest.py).
"""

import io
import re
from datetime import date

import openpyxl
import pytest
from django.utils import timezone, translation

from accounts.demo import DEMO_COMMUNE_CODE, create_demo_accounts
from accounts.models import User
from network.imports import MediatorExcel
from network.models import MediationTeam, Mediator
from plans.models import Plan, Task
from reports import excel, reform
from reports.models import LINE_FIELDS, CommuneYear, YearlyReport
from units.models import AdminUnit

from .. import factories
from ..conftest import PASSWORD
from ..test_commune_officers import SUCCESSORS
from .conftest import vi, vi_name, vi_text

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium_executable fixture skips (fails in CI) and says why
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025


def downloaded(page, trigger, tmp_path):
    """Click ``trigger`` and return the saved download (a real file, as the browser got it)."""
    with page.expect_download() as info:
        trigger.click()
    download = info.value
    assert not download.failure(), download.failure()
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def assert_no_page_errors(page):
    """No script error and no Content-Security-Policy refusal on any page of the journey."""
    assert page.problems == [], page.problems


# --- (a) Sở Tư pháp: the mediator roster from Excel, then a task of the plan ---

ROSTER = [
    # commune (GSO code or name), team, name, sex, birth year, ethnicity, role, recognised on
    ("07201", "Tổ dân phố số 3", "Nguyễn Thị Hồng Nhung", "Nữ", 1978, "Kinh", "Tổ trưởng",
     date(2024, 3, 15)),
    ("07201", "Tổ dân phố số 3", "Trần Văn Khải", "Nam", 1965, "Kinh", "Hòa giải viên",
     date(2024, 3, 15)),
    ("Xã Đồng Phúc", "Thôn Hậu", "Hoàng Thị Thu Hà", "Nữ", 1983, "Tày", "Tổ trưởng",
     "02/04/2025"),
    ("Xã Đồng Phúc", "Thôn Hậu", "Lương Văn Tuấn", "Nam", 1970, "Nùng", "Hòa giải viên",
     date(2024, 6, 10)),
    ("07441", "Tổ dân phố Cả", "Ngô Thị Lan Anh", "Nữ", 1990, "Kinh", "Hòa giải viên",
     date(2025, 1, 20)),
]  # fmt: skip
ROSTER_KEYS = ["commune", "team", "full_name", "sex", "birth_year", "ethnicity", "role",
               "recognised_on"]  # fmt: skip
BAD_ROW = 4  # the third person, on the sheet's fourth row (the headers are row 1)
BAD_DATE = "31/02/2025"


def fill_roster(template, destination, bad=False):
    """The downloaded template with the roster typed in, columns found by their headers."""
    book = openpyxl.load_workbook(template)
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    with_vi = {column.key: vi_text(column.header) for column in MediatorExcel.columns}
    for number, person in enumerate(ROSTER, start=2):
        values = dict(zip(ROSTER_KEYS, person, strict=True))
        if bad and number == BAD_ROW:
            values["recognised_on"] = BAD_DATE  # 31 February: no such day
        for key, value in values.items():
            sheet.cell(number, headers.index(with_vi[key]) + 1, value)
    book.save(destination)
    return destination


def test_province_staff_import_a_mediator_roster_and_edit_a_task(
    page, log_in, shot, tmp_path, province_staff
):
    for commune, team in {(person[0], person[1]) for person in ROSTER}:
        code = commune if commune.isdigit() else AdminUnit.objects.get(name=commune).code
        factories.team(team, code)
    journey = "a-import-mediators"

    log_in(page, province_staff)
    page.get_by_role("link", name=vi("Administration")).click()
    mediators = vi_name(Mediator._meta.verbose_name_plural)
    page.locator("#content-main").get_by_role("link", name=mediators, exact=True).click()
    expect(page.locator("#result_list")).to_have_count(0)  # nobody on the roster yet
    shot(page, journey, "01-empty-list")

    template = downloaded(page, page.get_by_role("link", name=vi("Excel template")), tmp_path)
    assert template.suffix == ".xlsx"

    # The first upload has a date that does not exist on the fourth row.
    page.get_by_role("link", name=vi("Import from Excel")).click()
    bad = fill_roster(template, tmp_path / "hoa-giai-vien-213.xlsx", bad=True)
    page.locator("input[type=file]").set_input_files(bad)
    page.get_by_role("button", name=vi("Check the file")).click()
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    cells = errors.first.locator("td")
    expect(cells.nth(0)).to_have_text(str(BAD_ROW))
    recognised = next(c for c in MediatorExcel.columns if c.key == "recognised_on")
    expect(cells.nth(1)).to_have_text(vi_text(recognised.header))
    expect(cells.nth(2)).to_contain_text(BAD_DATE)
    expect(page.locator(".errornote")).to_contain_text(bad.name)
    expect(page.get_by_role("button", name=vi("Confirm import"))).to_have_count(0)
    shot(page, journey, "02-row-error")
    assert not Mediator.objects.exists()  # nothing written

    # Corrected, the same file is previewed, then written on confirmation.
    good = fill_roster(template, tmp_path / "hoa-giai-vien-213.xlsx")
    page.locator("input[type=file]").set_input_files(good)
    page.get_by_role("button", name=vi("Check the file")).click()
    preview = page.locator("#import-preview tbody tr")
    expect(preview).to_have_count(len(ROSTER))
    for person in ROSTER:
        expect(page.locator("#import-preview")).to_contain_text(person[2])
    expect(page.locator("#import-errors")).to_have_count(0)
    shot(page, journey, "03-preview")
    assert not Mediator.objects.exists()  # still nothing before the confirmation

    page.get_by_role("button", name=vi("Confirm import")).click()
    added = vi(
        "Imported %(file)s: %(new)d added, %(changed)d updated, %(same)d unchanged.",
        file=good.name,
        new=len(ROSTER),
        changed=0,
        same=0,
    )
    expect(page.locator(".messagelist .success")).to_have_text(added)
    listed = page.locator("#result_list tbody tr")
    expect(listed).to_have_count(len(ROSTER))
    for person in ROSTER:
        row = listed.filter(has_text=person[2])
        expect(row).to_have_count(1)
        expect(row).to_contain_text(person[1])  # in the team the file named
    shot(page, journey, "04-imported")
    ha = Mediator.objects.get(full_name="Hoàng Thị Thu Hà")
    assert (ha.recognised_on, ha.team.commune.code) == (date(2025, 4, 2), "07750")

    # Then a task of the plan: 3.1's timeline as the plan's amendment words it.
    page.locator(".breadcrumbs").get_by_role("link").first.click()  # the admin's home
    tasks = vi_name(Task._meta.verbose_name_plural)
    page.locator("#content-main").get_by_role("link", name=tasks, exact=True).click()
    page.locator("#searchbar").fill("3.1")
    page.locator("#searchbar").press("Enter")
    page.locator("#result_list").get_by_role("link", name="3.1", exact=True).click()
    timeline = page.locator("#id_timeline_text")
    expect(timeline).to_have_value("Giai đoạn 1, từ năm 2024 - 2026")
    new_text = "Giai đoạn 1, từ năm 2024 - 2026 (hoàn thành trước 30/11/2026)"
    timeline.fill(new_text)
    shot(page, journey, "05-task-edit")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("3.1")
    row = page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("link", name="3.1", exact=True)
    )
    expect(row).to_contain_text(new_text)
    shot(page, journey, "06-task-saved")
    task = Task.objects.get(number="3.1")
    assert task.timeline_text == new_text
    assert task.history.first().history_user == province_staff
    assert_no_page_errors(page)


# --- (b) A district officer: the yearly report online, through Excel, submitted ---


def figure(page, commune, name):
    """The grid's input of a commune's figure, found by its accessible name."""
    field = vi_text(CommuneYear._meta.get_field(name).verbose_name)
    return page.get_by_label(f"{commune} — {field}", exact=True)


def cases(received, successful, unsuccessful, in_progress):
    assert received == successful + unsuccessful + in_progress
    return {
        "cases_received": received,
        "cases_successful": successful,
        "cases_unsuccessful": unsuccessful,
        "cases_in_progress": in_progress,
    }


ONLINE = {
    "Phường Thọ Xương": cases(12, 9, 2, 1),
    "Phường Ngô Quyền": cases(8, 7, 1, 0),
}
BY_EXCEL = {  # commune code: figures
    "07201": cases(15, 11, 3, 1),  # Phường Thọ Xương, corrected
    "07210": cases(6, 5, 0, 1),  # Phường Hoàng Văn Thụ
}


def test_a_district_officer_fills_the_report_online_and_by_excel_then_submits(
    page, log_in, shot, tmp_path, officer_a, district_a
):
    # The registry has a team in Thọ Xương whose mediators are not trained yet: a warning.
    factories.full_team("Tổ dân phố số 1", "07201")
    journey = "b-yearly-report"

    log_in(page, officer_a)
    page.get_by_role("link", name=vi("Yearly reports")).first.click()
    page.get_by_role("link", name=vi("Open the %(year)s report", year=YEAR)).click()
    expect(page).to_have_url(re.compile(rf"/bao-cao/213/{YEAR}/$"))
    title = vi("Report %(year)s — %(unit)s", year=YEAR, unit=district_a.name)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    # Prefilled from the registry: one team and three mediators in Thọ Xương.
    expect(figure(page, "Phường Thọ Xương", "teams")).to_have_value("1")
    expect(figure(page, "Phường Thọ Xương", "mediators")).to_have_value("3")
    shot(page, journey, "01-prefilled")

    for commune, values in ONLINE.items():
        for name, value in values.items():
            figure(page, commune, name).fill(str(value))
    trainings = vi_name(YearlyReport._meta.get_field("trainings_held").verbose_name)
    page.get_by_label(trainings).fill("2")
    page.get_by_role("button", name=vi("Save the report")).click()
    expect(page.locator(".messages .success")).to_have_text(vi("The report was saved."))
    for commune, values in ONLINE.items():
        for name, value in values.items():
            expect(figure(page, commune, name)).to_have_value(str(value))
    totals = page.locator("table.grid tfoot td")
    received = totals.nth(LINE_FIELDS.index("cases_received"))
    expect(received).to_have_text("20")  # 12 + 8 cases received
    shot(page, journey, "02-saved-online")

    # The Excel template comes prefilled with what was saved; edited, it is uploaded back.
    template = downloaded(
        page, page.get_by_role("link", name=vi("Download the Excel template")), tmp_path
    )
    assert template.name == f"bao-cao-{YEAR}-213.xlsx"
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    with translation.override("vi"):
        assert [cell.value for cell in sheet[2]] == excel.headers()
    rows = {sheet.cell(row, 1).value: row for row in range(3, sheet.max_row + 1)}
    assert len(rows) == AdminUnit.objects.filter(parent=district_a).count()
    column = {name: 4 + LINE_FIELDS.index(name) for name in ONLINE["Phường Thọ Xương"]}
    saved = {name: sheet.cell(rows["07201"], column[name]).value for name in column}
    assert saved == ONLINE["Phường Thọ Xương"]
    for code, values in BY_EXCEL.items():
        for name, value in values.items():
            sheet.cell(rows[code], column[name], value)
    edited = tmp_path / "bao-cao-2025-213-da-dien.xlsx"
    book.save(edited)

    upload = page.locator("form.upload")
    upload.locator("input[type=file]").set_input_files(edited)
    upload.get_by_role("button", name=vi("Upload and save")).click()
    read = vi(
        "The figures of %(count)d communes were read from the file and saved.", count=len(rows)
    )
    expect(page.locator(".messages .success")).to_have_text(read)
    expect(figure(page, "Phường Thọ Xương", "cases_received")).to_have_value("15")
    expect(figure(page, "Phường Hoàng Văn Thụ", "cases_successful")).to_have_value("5")
    expect(figure(page, "Phường Ngô Quyền", "cases_received")).to_have_value("8")  # kept
    expect(received).to_have_text(str(15 + 8 + 6))
    shot(page, journey, "03-uploaded")

    # Submitted, confirming the figures the page warns about.
    warnings = page.locator("section.callout-warn")
    confirm = page.get_by_label(vi("I have checked the figures with warnings and they are right."))
    if warnings.count():
        expect(warnings).to_contain_text("Phường Thọ Xương")
        confirm.check()
    page.get_by_role("button", name=vi("Submit to the Department of Justice")).click()
    submitted = vi_name(YearlyReport.Status.SUBMITTED.label)
    expect(page.locator(".lead .status")).to_have_text(submitted)
    expect(page.locator(".messages .success")).to_have_text(
        vi("The report was submitted to the Department of Justice.")
    )
    # Once submitted the figures are read-only: no grid, no upload, no submit button.
    expect(page.locator("form.report-form")).to_have_count(0)
    expect(page.locator("form.upload")).to_have_count(0)
    expect(page.locator("table.grid tbody")).to_contain_text("15")
    shot(page, journey, "04-submitted")

    report = YearlyReport.objects.get(unit=district_a, year=YEAR)
    assert report.status == YearlyReport.Status.SUBMITTED
    assert report.trainings_held == 2
    line = CommuneYear.objects.get(commune__code="07201", year=YEAR)
    assert {name: getattr(line, name) for name in BY_EXCEL["07201"]} == BY_EXCEL["07201"]
    assert_no_page_errors(page)


# --- (c) Leadership: the dashboard by year and district, exported ---


def test_leadership_read_the_dashboard_open_a_district_and_export_it(
    page, log_in, shot, tmp_path, leader, district_a
):
    factories.full_team("Tổ dân phố số 1", "07201")
    factories.full_team("Thôn Đông", "07441")
    journey = "c-dashboard"

    log_in(page, leader)
    page.get_by_role("link", name=vi("Targets"), exact=True).click()
    plan = Plan.objects.get()
    this_year = min(max(timezone.localdate().year, plan.start_year), plan.end_year)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(vi("Targets of the plan in %(year)s", year=this_year))
    year = page.get_by_label(vi("Year"), exact=True)
    expect(year).to_have_value(str(this_year))
    shot(page, journey, "01-overview")

    year.select_option(str(YEAR))
    page.get_by_role("button", name=vi("Show"), exact=True).click()
    expect(heading).to_have_text(vi("Targets of the plan in %(year)s", year=YEAR))
    expect(year).to_have_value(str(YEAR))
    districts = page.locator("table.sortable tbody tr")
    expect(districts).to_have_count(AdminUnit.objects.filter(level="district").count())
    shot(page, journey, "02-year-2025")

    districts.get_by_role("link", name=district_a.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/chi-tieu/\?unit=213&year={YEAR}$"))
    expect(heading).to_have_text(vi("Targets of the plan in %(year)s", year=YEAR))
    crumbs = f"{district_a.parent.name} › {district_a.name}"  # Tỉnh Bắc Giang › …
    expect(page.locator("nav.crumbs")).to_have_text(crumbs)
    expect(page.get_by_role("heading", name=vi("By commune"))).to_be_visible()
    communes = page.locator("table.sortable tbody tr")
    expect(communes).to_have_count(AdminUnit.objects.filter(parent=district_a).count())
    shot(page, journey, "03-district")

    # The export is the screen's: the same targets and values, the same communes.
    cards = page.locator("article.kpi-card")
    on_screen = {
        card.locator(".code").inner_text(): card.locator(".value").inner_text()
        for card in cards.all()
    }
    rows_on_screen = [row.locator("th").inner_text() for row in communes.all()]
    tho_xuong = [  # the values of the commune's row, without the "not met" flag
        re.split(r"\s*\(", cell.inner_text())[0]
        for cell in communes.filter(has_text="Phường Thọ Xương").locator("td").all()
    ]
    workbook = downloaded(page, page.get_by_role("link", name=vi("Export to Excel")), tmp_path)
    assert workbook.name == f"chi-tieu-213-{YEAR}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(workbook.read_bytes()))
    assert book.sheetnames == [vi("Targets %(year)s", year=YEAR), vi("By unit")]
    targets, units = book.worksheets
    exported = {row[0]: row[2] for row in targets.iter_rows(min_row=2, values_only=True)}
    assert exported == on_screen
    listed = [(code, name) for code, name, *_ in units.iter_rows(min_row=2, values_only=True)]
    assert [name for _, name in listed] == rows_on_screen
    assert ("07201", "Phường Thọ Xương", *tho_xuong) in units.iter_rows(values_only=True)
    assert "100,0%" in tho_xuong  # its team meets the Law's composition (O4)
    assert {code for code, _ in listed} == set(
        AdminUnit.objects.filter(parent=district_a).values_list("code", flat=True)
    )
    assert_no_page_errors(page)


# --- (d) The demo's commune officer: the 2026 report, returned once, then approved ---

COMMUNE_YEAR = 2026
COMMUNE_ONLINE = cases(9, 7, 1, 1)
COMMUNE_BY_EXCEL = cases(11, 8, 2, 1)


def test_the_demo_commune_officer_reports_2026_and_the_department_returns_then_approves(
    new_page, log_in, shot, tmp_path
):
    reform.apply(SUCCESSORS)
    create_demo_accounts()
    people = {user.username: user for user in User.objects.filter(is_active=True)}
    for user in people.values():
        user.set_password(PASSWORD)
        user.save()
    commune = AdminUnit.objects.by_code(DEMO_COMMUNE_CODE, timezone.localdate())
    team = MediationTeam.objects.create(commune=commune, name="Tổ dân phố số 1")
    for name, sex, role in [("Phạm Thị Hoa", "F", "leader"), ("Đỗ Văn Nam", "M", "member")]:
        Mediator.objects.create(
            team=team, full_name=name, sex=sex, role=role, recognised_on=date(2025, 9, 1)
        )
    journey = "d-commune-report"

    officer = log_in(new_page(), people["canboxa"])
    officer.get_by_role("link", name=vi("Yearly reports")).first.click()
    officer.get_by_role("link", name=vi("Open the %(year)s report", year=COMMUNE_YEAR)).click()
    expect(officer).to_have_url(re.compile(rf"/bao-cao/{DEMO_COMMUNE_CODE}/{COMMUNE_YEAR}/$"))
    title = vi("Report %(year)s — %(unit)s", year=COMMUNE_YEAR, unit=commune.name)
    expect(officer.get_by_role("heading", level=1)).to_have_text(title)
    expect(figure(officer, commune.name, "teams")).to_have_value("1")
    expect(figure(officer, commune.name, "mediators")).to_have_value("2")
    for name, value in COMMUNE_ONLINE.items():
        figure(officer, commune.name, name).fill(str(value))
    officer.get_by_role("button", name=vi("Save the report")).click()
    expect(officer.locator(".messages .success")).to_have_text(vi("The report was saved."))
    shot(officer, journey, "01-saved-online")

    template = downloaded(
        officer, officer.get_by_role("link", name=vi("Download the Excel template")), tmp_path
    )
    assert template.name == f"bao-cao-{COMMUNE_YEAR}-{DEMO_COMMUNE_CODE}.xlsx"
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    assert sheet.cell(3, 1).value == DEMO_COMMUNE_CODE and sheet.cell(4, 1).value is None
    for name, value in COMMUNE_BY_EXCEL.items():
        assert sheet.cell(3, 4 + LINE_FIELDS.index(name)).value == COMMUNE_ONLINE[name]
        sheet.cell(3, 4 + LINE_FIELDS.index(name), value)
    edited = tmp_path / "bao-cao-xa-da-dien.xlsx"
    book.save(edited)
    upload = officer.locator("form.upload")
    upload.locator("input[type=file]").set_input_files(edited)
    upload.get_by_role("button", name=vi("Upload and save")).click()
    expect(figure(officer, commune.name, "cases_received")).to_have_value("11")

    def submit():
        confirm = officer.get_by_label(
            vi("I have checked the figures with warnings and they are right.")
        )
        if confirm.count():
            confirm.check()
        officer.get_by_role("button", name=vi("Submit to the Department of Justice")).click()
        expect(officer.locator(".messages .success")).to_have_text(
            vi("The report was submitted to the Department of Justice.")
        )

    submit()
    shot(officer, journey, "02-submitted")

    # The Department returns it with a comment, from the status board.
    staff = log_in(new_page(), people["sotuphap"])
    staff.get_by_role("link", name=vi("Yearly reports")).first.click()
    submitted_filter = staff.locator(".count-submitted a")
    expect(submitted_filter).to_contain_text("1")
    submitted_filter.click()
    expect(staff.locator("table tbody tr")).to_have_count(1)
    shot(staff, journey, "03-board-submitted")
    staff.get_by_role("link", name=commune.name, exact=True).click()
    expect(staff).to_have_url(re.compile(rf"/bao-cao/{DEMO_COMMUNE_CODE}/{COMMUNE_YEAR}/$"))
    comment = "Đề nghị kiểm tra lại số vụ việc hòa giải không thành."
    staff.get_by_label(vi("What must be corrected? (required)")).fill(comment)
    staff.get_by_role("button", name=vi("Return for correction")).click()
    expect(staff.locator(".messages .success")).to_have_text(
        vi("The report was returned for correction.")
    )

    officer.reload()
    expect(officer.locator(".callout-bad")).to_contain_text(comment)
    figure(officer, commune.name, "cases_unsuccessful").fill("1")
    figure(officer, commune.name, "cases_successful").fill("9")
    officer.get_by_role("button", name=vi("Save the report")).click()
    expect(officer.locator(".messages .success")).to_have_text(vi("The report was saved."))
    submit()

    staff.reload()
    staff.get_by_role("button", name=vi("Approve the report")).click()
    expect(staff.locator(".messages .success")).to_have_text(
        vi("The report was approved; its figures are now final.")
    )
    shot(staff, journey, "04-approved")

    report = YearlyReport.objects.get(unit=commune, year=COMMUNE_YEAR)
    assert report.status == YearlyReport.Status.APPROVED
    assert [event.action for event in report.events.all()] == [
        "submit",
        "return",
        "submit",
        "approve",
    ]
    (line,) = report.lines()
    assert (line.cases_received, line.cases_successful, line.cases_unsuccessful) == (11, 9, 1)

    # Leadership read the commune's year as approved on the dashboard.
    leader = log_in(new_page(), people["lanhdao"])
    leader.goto(f"/chi-tieu/?unit={DEMO_COMMUNE_CODE}&year={COMMUNE_YEAR}")
    expect(leader.locator(".lead .provisional")).to_have_count(0)
    success = leader.locator("article.kpi-card").filter(has=leader.locator(".code", has_text="O8a"))
    expect(success.locator(".source-approved")).to_have_text(vi("approved"))
    shot(leader, journey, "05-dashboard")
    for opened in (officer, staff, leader):
        assert_no_page_errors(opened)
