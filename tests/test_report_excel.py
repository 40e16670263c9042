"""The yearly report in Excel: the district's template read back, the province's workbook.

Real workbooks throughout: the template is downloaded, edited with openpyxl as an officer
would edit it in Excel, saved and uploaded back.
"""

import io
from datetime import datetime

import openpyxl
import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from network.models import PilotCommune
from network.spreadsheets import FileProblem
from reports import excel, services
from reports.models import LINE_FIELDS, CommuneYear, YearlyReport
from reports.rules import label
from units.models import AdminUnit

pytestmark = pytest.mark.django_db

YEAR = 2025
COMMUNE = "07201"  # a commune of Thành phố Bắc Giang (213)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW, FIRST_ROW = 2, 3
FIGURES = {
    "teams": 3,
    "compliant_teams": 2,
    "supported_teams": 1,
    "mediators": 12,
    "women": 5,
    "minority": 2,
    "new_due": 2,
    "new_trained_in_time": 1,
    "trained_in_year": 4,
    "trained": 9,
    "with_material": 7,
    "cases_received": 6,
    "cases_successful": 4,
    "cases_unsuccessful": 1,
    "cases_in_progress": 1,
}


CODE_LABEL = gettext("Commune code")


def column(name):
    """The column (1-based) of a figure in the template: after code, name and pilot."""
    return 4 + LINE_FIELDS.index(name)


@pytest.fixture
def report():
    return services.open_report(AdminUnit.objects.get(code="213"), YEAR)


def fill(code=COMMUNE, year=YEAR, **values):
    CommuneYear.objects.filter(commune__code=code, year=year).update(**(values or FIGURES))


def workbook(report):
    return openpyxl.load_workbook(io.BytesIO(excel.template(report)))


def grid(book):
    return book["Báo cáo"]


def row_of(sheet, code=COMMUNE):
    return next(
        row for row in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(row, 1).value == code
    )


def uploaded(book, name="bao-cao.xlsx"):
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def problems(report, file):
    with pytest.raises(excel.ExcelProblems) as raised:
        excel.read_upload(report, file)
    return raised.value.errors


def stored(report):
    return {line.commune_id: line.figures() for line in report.lines()}


# --- The template ---


def test_the_template_is_the_report_grid_locked_but_for_the_figures(report):
    fill()
    PilotCommune.objects.create(commune=AdminUnit.objects.get(code=COMMUNE))
    book = workbook(report)
    sheet = grid(book)
    assert book.sheetnames[0] == "Báo cáo"
    assert sheet.sheet_state == "visible"
    assert str(YEAR) in sheet["A1"].value and "Thành phố Bắc Giang" in sheet["A1"].value
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    assert headers == [CODE_LABEL, gettext("Commune"), gettext("Pilot commune")] + [
        label(name) for name in LINE_FIELDS
    ]
    lines = list(report.lines())
    assert sheet.max_row == HEADER_ROW + len(lines)
    assert [sheet.cell(row, 1).value for row in range(FIRST_ROW, sheet.max_row + 1)] == [
        line.commune.code for line in lines
    ]
    row = row_of(sheet)
    assert sheet.cell(row, 2).value == AdminUnit.objects.get(code=COMMUNE).name
    assert sheet.cell(row, 3).value == "Có"
    assert sheet.cell(row_of(sheet, lines[1].commune.code), 3).value is None
    assert [sheet.cell(row, column(name)).value for name in LINE_FIELDS] == list(FIGURES.values())

    assert sheet.protection.sheet
    assert sheet.cell(HEADER_ROW, column("teams")).protection.locked
    assert all(sheet.cell(row, c).protection.locked for c in (1, 2, 3))
    figure = sheet.cell(row, column("women"))
    assert not figure.protection.locked
    assert figure.number_format == "0"
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "whole" and validation.operator == "greaterThanOrEqual"
    assert validation.formula1 == "0" and validation.showErrorMessage
    assert figure.coordinate in validation.sqref
    assert sheet.cell(row, 2).coordinate not in validation.sqref
    assert sheet.freeze_panes == "D3"

    identity = book["_mau"]
    assert identity.sheet_state in ("hidden", "veryHidden")
    values = {row[0]: row[1] for row in identity.iter_rows(values_only=True)}
    assert values["unit"] == "213" and values["year"] == YEAR
    found = signing.loads(values["token"], salt="reports.template")
    assert found == {"unit": "213", "year": YEAR}


def test_names_that_look_like_formulas_are_written_as_text(report):
    AdminUnit.objects.filter(code=COMMUNE).update(name="=HYPERLINK(1)")
    sheet = grid(workbook(report))
    assert sheet.cell(row_of(sheet), 2).value == "'=HYPERLINK(1)"


# --- Reading it back ---


def test_an_unchanged_template_reads_back_the_stored_figures(report):
    fill()
    figures = excel.read_upload(report, uploaded(workbook(report)))
    assert figures == stored(report)
    assert figures[AdminUnit.objects.get(code=COMMUNE).pk] == FIGURES


def test_an_edited_cell_comes_back(report):
    fill()
    book = workbook(report)
    sheet = grid(book)
    row = row_of(sheet)
    sheet.cell(row, column("trained")).value = 11
    sheet.cell(row, column("with_material")).value = None  # blank counts as 0
    figures = excel.read_upload(report, uploaded(book))
    commune = AdminUnit.objects.get(code=COMMUNE)
    assert figures[commune.pk] == FIGURES | {"trained": 11, "with_material": 0}
    assert CommuneYear.objects.get(commune=commune, year=YEAR).trained == 9  # nothing saved


def test_numbers_typed_as_text_and_codes_typed_as_numbers_are_read(report):
    book = workbook(report)
    sheet = grid(book)
    row = row_of(sheet)
    sheet.cell(row, 1).value = 7201
    sheet.cell(row, column("teams")).value = " 4 "
    figures = excel.read_upload(report, uploaded(book))
    assert figures[AdminUnit.objects.get(code=COMMUNE).pk]["teams"] == 4


def test_another_districts_template_is_refused(report, district_b):
    other = services.open_report(district_b, YEAR)
    with pytest.raises(FileProblem) as raised:
        excel.read_upload(report, uploaded(workbook(other)))
    assert district_b.name in str(raised.value)
    assert report.unit.name in str(raised.value)


def test_another_years_template_is_refused(report):
    earlier = services.open_report(report.unit, YEAR - 1)
    with pytest.raises(FileProblem) as raised:
        excel.read_upload(report, uploaded(workbook(earlier)))
    assert str(YEAR - 1) in str(raised.value) and str(YEAR) in str(raised.value)


def test_a_workbook_without_the_templates_identity_is_refused(report):
    book = workbook(report)
    del book["_mau"]
    with pytest.raises(FileProblem):
        excel.read_upload(report, uploaded(book))


def test_a_forged_identity_is_refused(report):
    book = workbook(report)
    forged = signing.dumps({"district": "213", "year": YEAR}, salt="something else")
    book["_mau"]["B3"] = forged
    with pytest.raises(FileProblem):
        excel.read_upload(report, uploaded(book))


def test_a_template_downloaded_before_communes_reported_is_still_read(report):
    # Its signed identity names the unit "district" (templates of 2024's season).
    book = workbook(report)
    book["_mau"]["B3"] = signing.dumps({"district": "213", "year": YEAR}, salt=excel.SALT)
    assert set(excel.read_upload(report, uploaded(book))) == set(stored(report))


def test_a_changed_header_is_refused_naming_the_column(report):
    book = workbook(report)
    grid(book).cell(HEADER_ROW, column("women")).value = "phụ nữ"
    with pytest.raises(FileProblem) as raised:
        excel.read_upload(report, uploaded(book))
    assert label("women") in str(raised.value)
    assert "phụ nữ" in str(raised.value)


def test_headers_are_compared_without_marks_case_or_stray_spaces(report):
    book = workbook(report)
    cell = grid(book).cell(HEADER_ROW, column("women"))
    cell.value = "  " + label("women").upper().replace("ữ", "u") + " "
    excel.read_upload(report, uploaded(book))


def test_a_negative_figure_and_a_text_figure_are_named_by_row_and_column(report):
    book = workbook(report)
    sheet = grid(book)
    first, second = FIRST_ROW, FIRST_ROW + 4
    sheet.cell(first, column("women")).value = -2
    sheet.cell(second, column("mediators")).value = "mười"
    sheet.cell(second, column("cases_received")).value = 2.5
    errors = problems(report, uploaded(book))
    assert [(error.row, error.column) for error in errors] == [
        (first, label("women")),
        (second, label("mediators")),
        (second, label("cases_received")),
    ]
    assert "mười" in errors[1].message
    assert "2.5" in errors[2].message


def test_cases_that_do_not_add_up_name_the_commune(report):
    book = workbook(report)
    sheet = grid(book)
    row = row_of(sheet)
    sheet.cell(row, column("cases_received")).value = 5
    sheet.cell(row, column("cases_successful")).value = 3
    (error,) = problems(report, uploaded(book))
    assert (error.row, error.column) == (row, label("cases_received"))
    assert error.message.startswith(AdminUnit.objects.get(code=COMMUNE).name + ": ")
    assert "5" in error.message and "3" in error.message


def test_more_women_than_mediators_names_the_commune(report):
    fill()
    book = workbook(report)
    sheet = grid(book)
    row = row_of(sheet)
    sheet.cell(row, column("women")).value = 13
    (error,) = problems(report, uploaded(book))
    assert (error.row, error.column) == (row, label("women"))
    assert error.message.startswith(AdminUnit.objects.get(code=COMMUNE).name + ": ")
    assert "13" in error.message and "12" in error.message


def test_a_commune_of_another_district_is_refused(report, district_b):
    elsewhere = AdminUnit.objects.filter(parent=district_b).order_by("code").first()
    book = workbook(report)
    sheet = grid(book)
    row = row_of(sheet)
    sheet.cell(row, 1).value = elsewhere.code
    errors = problems(report, uploaded(book))
    assert [(error.row, error.column) for error in errors] == [
        (HEADER_ROW, CODE_LABEL),  # 07201 is now missing from the file
        (row, CODE_LABEL),
    ]
    assert AdminUnit.objects.get(code=COMMUNE).name in errors[0].message
    assert elsewhere.code in errors[1].message


def test_a_commune_listed_twice_is_refused(report):
    book = workbook(report)
    sheet = grid(book)
    row, last = row_of(sheet), sheet.max_row + 1
    for position in range(1, 4 + len(LINE_FIELDS)):
        sheet.cell(last, position).value = sheet.cell(row, position).value
    (error,) = problems(report, uploaded(book))
    assert (error.row, error.column) == (last, CODE_LABEL)
    assert AdminUnit.objects.get(code=COMMUNE).name in error.message
    assert str(row) in error.message


def test_every_problem_of_the_file_is_listed(report):
    book = workbook(report)
    sheet = grid(book)
    for row in range(FIRST_ROW, FIRST_ROW + 3):
        sheet.cell(row, column("teams")).value = -1
    sheet.delete_rows(sheet.max_row)
    errors = problems(report, uploaded(book))
    assert [error.row for error in errors] == [HEADER_ROW, FIRST_ROW, FIRST_ROW + 1, FIRST_ROW + 2]


def test_a_csv_renamed_xlsx_is_refused(report):
    csv = SimpleUploadedFile("bao-cao.xlsx", f"{CODE_LABEL},x\n07201,1\n".encode(), XLSX)
    with pytest.raises(FileProblem):
        excel.read_upload(report, csv)


def test_a_damaged_file_is_refused(report):
    damaged = SimpleUploadedFile("bao-cao.xlsx", b"PK\x03\x04" + b"\x00" * 200, XLSX)
    with pytest.raises(FileProblem):
        excel.read_upload(report, damaged)


# --- The province's workbook ---


def test_the_consolidated_workbook_sums_each_district(report, django_assert_max_num_queries):
    second = next(line.commune.code for line in report.lines() if line.commune.code != COMMUNE)
    fill()
    fill(second, teams=2, mediators=6, women=6, cases_received=3, cases_successful=3)
    submitted = timezone.make_aware(datetime(2026, 1, 10, 9, 30))
    YearlyReport.objects.filter(pk=report.pk).update(
        status=YearlyReport.Status.SUBMITTED, submitted_at=submitted
    )
    report.refresh_from_db()
    districts = list(AdminUnit.objects.filter(level="district", parent__code="24").order_by("code"))

    with django_assert_max_num_queries(8):
        data = excel.consolidated(YEAR)
    book = openpyxl.load_workbook(io.BytesIO(data))

    assert book.sheetnames == ["Tổng hợp"] + [district.name[:31] for district in districts]
    summary = book["Tổng hợp"]
    headers = [cell.value for cell in summary[1]]
    assert headers[4:-1] == [label(name) for name in LINE_FIELDS]
    assert summary.max_row == 1 + len(districts)
    assert [summary.cell(row, 1).value for row in range(2, summary.max_row + 1)] == [
        district.code for district in districts
    ]
    row = {cell.value: cell.row for cell in summary["A"]}["213"]
    values = [cell.value for cell in summary[row]]
    assert values[1] == "Thành phố Bắc Giang"
    assert values[2] == capfirst(report.get_status_display())
    assert values[3].date() == timezone.localdate(submitted)
    sums = dict(zip(LINE_FIELDS, values[4:-1], strict=True))
    assert sums["teams"] == 5 and sums["mediators"] == 18 and sums["women"] == 11
    assert sums["cases_received"] == 9 and sums["cases_successful"] == 7
    assert sums["compliant_teams"] == 2
    assert values[-1] == pytest.approx(7 / 9)

    untouched = {cell.value: cell.row for cell in summary["A"]}["215"]
    assert summary.cell(untouched, 3).value == gettext("Not started")
    assert summary.cell(untouched, 4).value is None

    sheet = book["Thành phố Bắc Giang"]
    assert [cell.value for cell in sheet[1]][: 3 + len(LINE_FIELDS)] == [
        CODE_LABEL,
        gettext("Commune"),
        gettext("Pilot commune"),
    ] + [label(name) for name in LINE_FIELDS]
    assert sheet.max_row == 1 + report.lines().count()
    line = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == COMMUNE)
    assert list(line[3 : 3 + len(LINE_FIELDS)]) == list(FIGURES.values())


def test_a_template_with_a_value_far_outside_the_grid_is_refused(report):
    # Before issue 13 a value at XFD1048576 aborted the server process.
    book = workbook(report)
    grid(book)["XFD1048576"] = 1
    with pytest.raises(FileProblem) as raised:
        excel.read_upload(report, uploaded(book))
    assert "“Báo cáo” có giá trị ở ô XFD1048576" in str(raised.value)
