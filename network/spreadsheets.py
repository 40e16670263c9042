"""Reading and writing the registry's Excel lists.

Reading goes through python-calamine (≈15× faster than openpyxl on a 17,000-row roster; it
also reads old .xls files). Writing goes through openpyxl. Every problem is reported in
Vietnamese with the row and the column, and nothing is written by the caller when any
problem is found.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from .text import clean_name, fold

MAX_EXCEL_BYTES = 20 * 1024 * 1024  # every Excel upload: registry lists, report templates
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an encrypted .xlsx
EXCEL_EPOCH = date(1899, 12, 30)
FORMULA_STARTS = ("=", "+", "-", "@")


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class CellError:
    row: int  # the row number Excel shows
    column: str  # the column's header as in the template
    message: str


class CellProblem(Exception):
    """A cell's value is not acceptable; raised by the parsers below."""


def read_sheet(uploaded) -> list[list]:
    """All rows of the first sheet, as Python values (strings, numbers, dates, None)."""
    data = _excel_bytes(uploaded)
    return _calamine(
        lambda: (
            CalamineWorkbook.from_filelike(io.BytesIO(data))
            .get_sheet_by_index(0)
            .to_python(skip_empty_area=False)
        )
    )


def read_book(uploaded) -> dict[str, list[list]]:
    """Every worksheet by name, hidden ones too, each as ``read_sheet`` gives its rows.

    The same checks as ``read_sheet``: a CSV renamed .xlsx, a password, a damaged file each
    raise ``FileProblem``. Rows start at row 1 whatever is empty, so a row's position plus
    one is the number Excel shows.
    """
    data = _excel_bytes(uploaded)

    def read():
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {
            sheet.name: workbook.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
            for sheet in workbook.sheets_metadata
            if sheet.typ == SheetTypeEnum.WorkSheet
        }

    return _calamine(read)


def _excel_bytes(uploaded) -> bytes:
    """The upload's bytes, once they look like an Excel file without a password."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_EXCEL_BYTES:
        raise FileProblem(
            _("The file is larger than %(limit)d MB.") % {"limit": MAX_EXCEL_BYTES // 2**20}
        )
    data = uploaded.read()
    if data.startswith(OLE2_MAGIC) and "EncryptionInfo".encode("utf-16-le") in data:
        raise FileProblem(
            _("The file is protected by a password. Remove the password and upload it again.")
        )
    if not (data.startswith(ZIP_MAGIC) or data.startswith(OLE2_MAGIC)):
        raise FileProblem(
            _(
                "This is not an Excel file (.xlsx or .xls). A CSV or text file "
                "renamed .xlsx is not accepted: open it in Excel and save it as "
                "an Excel workbook."
            )
        )
    return data


def _calamine(read):
    """``read()``'s result, with calamine's errors told as ``FileProblem``."""
    try:
        return read()
    except PasswordError as error:
        raise FileProblem(
            _("The file is protected by a password. Remove the password and upload it again.")
        ) from error
    except Exception as error:  # calamine raises several error types for damaged files
        raise FileProblem(_("The file is damaged or is not an Excel workbook.")) from error


@lru_cache(maxsize=65_536)
def header_key(value) -> str:
    """Text compared without marks, case or stray spaces (headers, names, choices).

    Cached: a roster repeats the same communes, teams and choices thousands of times.
    """
    return fold(clean_name(str(value or ""))) or ""


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str):
    """A download of an .xlsx workbook under ``filename`` (ASCII, without the extension)."""
    from django.http import HttpResponse

    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def write_workbook(title: str, headers: list[str], rows, required: set[str] = frozenset()):
    """An .xlsx with a bold header row (required columns marked) and formula-safe cells."""
    return write_sheets([(title, headers, rows)], required)


def write_sheets(sheets, required: set[str] = frozenset()) -> bytes:
    """An .xlsx of several sheets, each given as (title, headers, rows)."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.freeze_panes = "A2"
        sheet.append([_header_cell(sheet, header, header in required) for header in headers])
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _header_cell(sheet, header, required):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=header)
    cell.font = Font(bold=True)
    if required:
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    return cell


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is written as text (DESIGN §6)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- Parsers: each takes a cell value (not None/blank) and returns the Python value. ---


def parse_text(value) -> str:
    if isinstance(value, int | float):  # bool is an int too
        raise CellProblem(_("a number was found where text (a name) belongs"))
    if isinstance(value, date | datetime):
        raise CellProblem(_("a date was found where text (a name) belongs"))
    return clean_name(str(value))


def parse_code_or_text(value) -> str:
    """GSO codes are often typed as numbers: 7201 means "07201"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_name(str(value))


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell without date formatting arrives as Excel's serial day number.
        if 1 <= value <= 80_000:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellProblem(_("not a date; write it as dd/mm/yyyy"))
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellProblem(_("“%(value)s” is not a date; write it as dd/mm/yyyy") % {"value": text})


def parse_year(value) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100:
        raise CellProblem(_("“%(value)s” is not a year") % {"value": value})
    return value


def parse_choice(options: dict[str, object]):
    """A parser accepting any of ``options``' keys, compared without marks or case."""
    folded = {header_key(key): result for key, result in options.items()}

    def parse(value):
        key = header_key(value)
        if key not in folded:
            # One-letter shorthands (F, M, x) are accepted but not advertised.
            shown = ", ".join(sorted({str(k) for k in options if len(k) > 1}))
            raise CellProblem(
                _("“%(value)s” is not recognised; use one of: %(options)s")
                % {"value": value, "options": shown}
            )
        return folded[key]

    return parse


YES_NO = {"Có": True, "x": True, "Không": False}
