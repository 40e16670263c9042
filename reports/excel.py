"""The yearly report in Excel: the reporting unit's template and the province's workbook.

The template is the report's grid: one row per commune, its code, name and pilot mark locked,
its figures in unlocked cells that only take whole numbers. A very hidden sheet names the
unit and year it was made for, signed, so an upload of another unit's or year's
template (or of any other workbook) is refused before a cell is read. The upload is read in
full first: every cell that breaks a rule is listed with the row and the column Excel shows,
as the registry imports do, and nothing is returned (so nothing saved) when any does.
"""

import io
import re
from collections import defaultdict

from django.core import signing
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from network.dates import cutoff_date
from network.models import PilotCommune
from network.spreadsheets import (
    CellError,
    CellProblem,
    FileProblem,
    header_key,
    parse_code_or_text,
    read_book,
    safe_cell,
)
from units.models import AdminUnit

from . import services
from .models import LINE_FIELDS, CommuneYear, ReportEvent, YearlyReport
from .rules import label, line_errors

# Sheet names are part of the file format, not of the interface: they stay as they are.
SHEET = "Báo cáo"
IDENTITY_SHEET = "_mau"
SUMMARY_SHEET = "Tổng hợp"
SALT = "reports.template"
YES = "Có"  # as the registry lists write it (network.spreadsheets.YES_NO)

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3  # the rows Excel shows
FIXED = 3  # code, name, pilot: the locked columns before the figures
LARGEST = 2_147_483_647  # what a figure's column holds (PositiveIntegerField)
WHOLE = re.compile(r"[+-]?\d+")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAPPED = Alignment(wrap_text=True, vertical="center", horizontal="center")


class ExcelProblems(Exception):
    """Cells of the upload break the rules; ``errors`` lists every one (row, column, why)."""

    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the file")


def headers() -> list[str]:
    """The template's column headers, in the active language."""
    return [_("Commune code"), _("Commune"), _("Pilot commune")] + [
        label(name) for name in LINE_FIELDS
    ]


# --- The reporting unit's template ---


def template(report: YearlyReport) -> bytes:
    """The report's lines as an .xlsx for the unit to fill in and upload back."""
    unit = report.unit
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    heading = _("Report %(year)s — %(unit)s") % {"year": report.year, "unit": unit.name}
    title = sheet.cell(TITLE_ROW, 1, heading)
    title.font = Font(bold=True, size=14)

    columns = headers()
    for column, text in enumerate(columns, start=1):
        _header(sheet.cell(HEADER_ROW, column, text))
    sheet.row_dimensions[HEADER_ROW].height = 75

    pilots = services.pilot_communes(report)
    lines = list(report.lines())
    for row, line in enumerate(lines, start=FIRST_ROW):
        code = sheet.cell(row, 1, line.commune.code)
        code.number_format = "@"  # a text code keeps its leading zero
        sheet.cell(row, 2, safe_cell(line.commune.name))
        sheet.cell(row, 3, YES if line.commune_id in pilots else None)
        for column in range(1, FIXED + 1):
            sheet.cell(row, column).border = BOX
        for column, name in enumerate(LINE_FIELDS, start=FIXED + 1):
            cell = sheet.cell(row, column, getattr(line, name))
            cell.number_format = "0"
            cell.protection = Protection(locked=False)
            cell.fill = EDITABLE_FILL
            cell.border = BOX

    if lines:
        validation = DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=_("Whole number required")[:32],  # Excel's limit
            error=_("Enter a whole number, 0 or more (0 if none).")[:255],
        )
        first, last = get_column_letter(FIXED + 1), get_column_letter(FIXED + len(LINE_FIELDS))
        validation.add(f"{first}{FIRST_ROW}:{last}{FIRST_ROW + len(lines) - 1}")
        sheet.add_data_validation(validation)

    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 26
    sheet.column_dimensions["C"].width = 9
    for column in range(FIXED + 1, FIXED + len(LINE_FIELDS) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    sheet.freeze_panes = sheet.cell(FIRST_ROW, FIXED + 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    # Locked cells stay as they are; columns and rows may still be resized.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    identity = book.create_sheet(IDENTITY_SHEET)
    identity.append(["unit", unit.code])
    identity.append(["year", report.year])
    identity.append(["token", token(unit.code, report.year)])
    identity.sheet_state = "veryHidden"
    book.active = 0
    # No sheet can be added, renamed, removed or unhidden.
    book.security = WorkbookProtection(lockStructure=True)
    return _bytes(book)


def token(unit_code: str, year: int) -> str:
    return signing.dumps({"unit": unit_code, "year": year}, salt=SALT)


# --- Reading the filled-in template back ---


def read_upload(report: YearlyReport, uploaded) -> dict[int, dict[str, int]]:
    """Every commune's figures from the file: {commune id: {field: value}}.

    Raises ``FileProblem`` when the file cannot be read, is not this report's template or
    has its header row changed, and ``ExcelProblems`` listing every wrong cell otherwise.
    """
    book = read_book(uploaded)
    _check_identity(report, book.get(IDENTITY_SHEET))
    rows = book.get(SHEET)
    if rows is None:  # renamed (Excel forbids it, other tools may not): the first other one
        rows = next((rows for name, rows in book.items() if name != IDENTITY_SHEET), [])
    columns = headers()
    _check_headers(rows[HEADER_ROW - 1] if len(rows) >= HEADER_ROW else [], columns)

    lines = {line.commune.code: line for line in report.lines()}
    errors: list[CellError] = []
    seen: dict[str, int] = {}  # commune code: the row it is on
    figures: dict[int, dict[str, int]] = {}
    for number, cells in enumerate(rows[FIRST_ROW - 1 :], start=FIRST_ROW):
        if all(_blank(cell) for cell in cells):
            continue
        line = _commune(
            report, lines, seen, number, cells[0] if cells else None, columns[0], errors
        )
        values = {}
        for position, name in enumerate(LINE_FIELDS, start=FIXED):
            raw = cells[position] if position < len(cells) else None
            try:
                values[name] = parse_figure(raw)
            except CellProblem as problem:
                errors.append(CellError(number, columns[position], str(problem)))
        if line is None or len(values) < len(LINE_FIELDS):
            continue
        for name, message in line_errors(values):
            errors.append(CellError(number, label(name), f"{line.commune.name}: {message}"))
        figures[line.commune_id] = values

    for code, line in lines.items():
        if code not in seen:
            errors.append(
                CellError(
                    HEADER_ROW,
                    columns[0],
                    _("%(commune)s (%(code)s) is missing from the file")
                    % {"commune": line.commune.name, "code": code},
                )
            )
    if errors:
        raise ExcelProblems(sorted(errors, key=lambda error: error.row))
    return figures


def parse_figure(value) -> int:
    """A figure cell: a whole number, 0 or more; blank counts as 0."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return 0
    whole_float = isinstance(value, float) and value.is_integer()
    if whole_float or (isinstance(value, str) and WHOLE.fullmatch(value)):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):  # dates, text, TRUE/FALSE
        raise CellProblem(_("“%(value)s” is not a whole number") % {"value": value})
    if value < 0:
        raise CellProblem(_("must not be negative"))
    if value > LARGEST:
        raise CellProblem(_("“%(value)s” is too large") % {"value": value})
    return value


def _commune(report, lines, seen, number, raw, column, errors):
    """The line of the row's commune, or None (and the reason added to ``errors``)."""
    if _blank(raw):
        errors.append(CellError(number, column, _("empty cell")))
        return None
    code = parse_code_or_text(raw)
    if code.isdigit():
        code = code.zfill(5)  # GSO codes typed as numbers lose their leading zero
    line = lines.get(code)
    if line is None:
        errors.append(
            CellError(
                number,
                column,
                _("“%(code)s” is not a commune of this report (%(unit)s)")
                % {"code": code, "unit": report.unit.name},
            )
        )
        return None
    if code in seen:
        errors.append(
            CellError(
                number,
                column,
                _("%(commune)s is already on row %(row)d")
                % {"commune": line.commune.name, "row": seen[code]},
            )
        )
        return None
    seen[code] = number
    return line


def _check_identity(report, rows):
    """The hidden sheet says the file is this report's template, or ``FileProblem``."""
    not_template = FileProblem(
        _(
            "This is not the report template downloaded from the portal. Download the "
            "template on the report's page, enter the figures in it and upload it."
        )
    )
    if rows is None:
        raise not_template
    values = {str(row[0]).strip(): row[1] for row in rows if len(row) >= 2}
    try:
        found = signing.loads(str(values.get("token") or ""), salt=SALT)
    except signing.BadSignature:
        raise not_template from None
    if not isinstance(found, dict):
        raise not_template
    # Templates made before communes reported name the unit "district".
    code, year = found.get("unit", found.get("district")), found.get("year")
    if code == report.unit.code and year == report.year:
        return
    # Codes are reused across the 1/7/2025 reform: the unit that had it in the file's year.
    unit = (
        AdminUnit.objects.by_code(str(code), cutoff_date(year)) if isinstance(year, int) else None
    )
    name = unit.name if unit else code
    raise FileProblem(
        _(
            "This file is the template of %(file_unit)s for %(file_year)s, but this is "
            "the report of %(unit)s for %(year)s. Download this report's template, enter "
            "the figures in it and upload it."
        )
        % {
            "file_unit": name,
            "file_year": year,
            "unit": report.unit.name,
            "year": report.year,
        }
    )


def _check_headers(found: list, expected: list[str]):
    """The header row reads as the template's (marks, case and spaces aside)."""
    differences = []
    for position, header in enumerate(expected):
        cell = found[position] if position < len(found) else None
        if header_key(header) == header_key(cell):
            continue
        letter = get_column_letter(position + 1)
        if _blank(cell):
            differences.append(
                _("column %(column)s should read “%(expected)s” but is empty")
                % {"column": letter, "expected": header}
            )
        else:
            differences.append(
                _("column %(column)s should read “%(expected)s” but reads “%(found)s”")
                % {"column": letter, "expected": header, "found": cell}
            )
    for position in range(len(expected), len(found)):
        if not _blank(found[position]):
            differences.append(
                _("column %(column)s (“%(found)s”) is not a column of the template")
                % {"column": get_column_letter(position + 1), "found": found[position]}
            )
    if differences:
        raise FileProblem(
            _(
                "The header row (row %(row)d) is not the template's: %(differences)s. "
                "Download the template again and enter the figures without changing its "
                "columns."
            )
            % {"row": HEADER_ROW, "differences": "; ".join(differences)}
        )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- The province's consolidated workbook ---


def consolidated(year: int) -> bytes:
    """The year's reporting units in one workbook: for a commune year (2025 on) a summary
    sheet with a row per commune and a totals row; for a district year (2024) a summary of
    the districts, then one sheet per district with its communes' lines."""
    units = list(services.reporting_units(year))
    if units and all(unit.level == AdminUnit.Level.COMMUNE for unit in units):
        return _by_commune(year, units)
    districts = [unit for unit in units if unit.level == AdminUnit.Level.DISTRICT]
    reports = {
        report.unit_id: report
        for report in YearlyReport.objects.filter(year=year, unit__in=districts)
    }
    in_province = CommuneYear.objects.filter(year=year, commune__parent__in=districts)
    sums = {
        row["commune__parent_id"]: row
        for row in in_province.order_by()
        .values("commune__parent_id")
        .annotate(**{f"sum_{name}": Sum(name) for name in LINE_FIELDS})
    }
    lines = defaultdict(list)
    for line in in_province.select_related("commune").order_by("commune__code"):
        lines[line.commune.parent_id].append(line)
    pilots = set(
        PilotCommune.objects.filter(
            commune__parent__in=districts, start_year__lte=year, end_year__gte=year
        ).values_list("commune_id", flat=True)
    )

    book = Workbook()
    summary = book.active
    summary.title = SUMMARY_SHEET
    fields = [label(name) for name in LINE_FIELDS]
    rate = _("success rate")
    rows = []
    for district in districts:
        report = reports.get(district.pk)
        totals = sums.get(district.pk, {})
        values = [totals.get(f"sum_{name}") or 0 for name in LINE_FIELDS]
        received = totals.get("sum_cases_received") or 0
        successful = totals.get("sum_cases_successful") or 0
        submitted = report.submitted_at if report else None
        rows.append(
            [
                district.code,
                district.name,
                capfirst(report.get_status_display()) if report else _("Not started"),
                timezone.localdate(submitted) if submitted else None,
            ]
            + values
            + [successful / received if received else None]
        )
    _table(
        summary,
        [_("District code"), _("District"), _("Status"), _("Submitted on")] + fields + [rate],
        rows,
        widths=[10, 26, 16, 12],
        dates={4},
        rate=True,
    )

    used = {SUMMARY_SHEET.casefold()}
    for district in districts:
        sheet = book.create_sheet(_sheet_name(district.name, used))
        _table(
            sheet,
            headers() + [rate],
            [
                [
                    line.commune.code,
                    line.commune.name,
                    YES if line.commune_id in pilots else None,
                ]
                + [getattr(line, name) for name in LINE_FIELDS]
                + [line.success_rate]
                for line in lines[district.pk]
            ],
            widths=[10, 26, 9],
            rate=True,
        )
    return _bytes(book)


def _by_commune(year: int, communes: list[AdminUnit]) -> bytes:
    """One summary sheet: each reporting commune's status, latest submission and line as it
    stands (blank when the commune has no line yet), then the totals."""
    latest = (
        ReportEvent.objects.filter(report=OuterRef("pk"), action=ReportEvent.Action.SUBMIT)
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    reports = {
        report.unit_id: report
        for report in YearlyReport.objects.filter(year=year, unit__in=communes).annotate(
            last_submitted=Subquery(latest)
        )
    }
    lines = {
        line.commune_id: line
        for line in CommuneYear.objects.filter(year=year, commune__in=communes)
    }
    rows, totals = [], dict.fromkeys(LINE_FIELDS, 0)
    for commune in communes:
        report, line = reports.get(commune.pk), lines.get(commune.pk)
        submitted = report.last_submitted if report else None
        if line is not None:
            for name in LINE_FIELDS:
                totals[name] += getattr(line, name)
        rows.append(
            [
                commune.code,
                commune.name,
                capfirst(report.get_status_display()) if report else _("Not started"),
                timezone.localdate(submitted) if submitted else None,
            ]
            + [getattr(line, name) if line else None for name in LINE_FIELDS]
            + [line.success_rate if line else None]
        )
    received, successful = totals["cases_received"], totals["cases_successful"]
    rows.append(
        [None, _("Total (%(count)d communes)") % {"count": len(communes)}, None, None]
        + [totals[name] for name in LINE_FIELDS]
        + [successful / received if received else None]
    )
    book = Workbook()
    summary = book.active
    summary.title = SUMMARY_SHEET
    _table(
        summary,
        [_("Commune code"), _("Commune"), _("Status"), _("Submitted on")]
        + [label(name) for name in LINE_FIELDS]
        + [_("success rate")],
        rows,
        widths=[10, 26, 16, 12],
        dates={4},
        rate=True,
    )
    for cell in summary[summary.max_row]:
        cell.font = BOLD
        cell.border = Border(top=THIN)
    return _bytes(book)


def _table(sheet, columns, rows, widths, dates=frozenset(), rate=False):
    """A header row then the rows, formula-safe; figures as integers, the rate as a %."""
    for column, text in enumerate(columns, start=1):
        _header(sheet.cell(1, column, text))
    sheet.row_dimensions[1].height = 75
    last = len(columns)
    for row, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column, safe_cell(value))
            if column in dates:
                cell.number_format = "DD/MM/YYYY"
            elif rate and column == last:
                cell.number_format = "0.0%"
            elif isinstance(value, int):
                cell.number_format = "0"
    for column in range(1, last + 1):
        width = widths[column - 1] if column <= len(widths) else 14
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(2, 3)


def _sheet_name(name: str, used: set[str]) -> str:
    """The district's name as a sheet name: Excel's characters, 31 at most, unique."""
    base = SHEET_NAME_FORBIDDEN.sub(" ", name).strip().strip("'")[:31] or "?"
    candidate, number = base, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate


def _header(cell):
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.alignment = WRAPPED
    cell.border = BOX


def _bytes(book) -> bytes:
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
