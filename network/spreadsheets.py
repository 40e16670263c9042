"""Reading and writing the registry's Excel lists.

Reading goes through python-calamine (≈15× faster than openpyxl on a 17,000-row roster; it
also reads old .xls files). Writing goes through openpyxl. Every problem is reported in
Vietnamese with the row and the column, and nothing is written by the caller when any
problem is found.
"""

import io
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import olefile
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from hoagiai.text import FORBIDDEN_MESSAGE, clean_name, fold, forbidden_character, strip_forbidden

from .dates import too_early

MAX_EXCEL_BYTES = 20 * 1024 * 1024  # every Excel upload: registry lists, report templates
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an encrypted .xlsx
EXCEL_EPOCH = date(1899, 12, 30)
FORMULA_STARTS = ("=", "+", "-", "@")

# What a list may hold (issue 13): a roster has fewer than 100,000 rows and 30 columns. The
# reader allocates every cell from A1 to the last one holding a value, so a single value at
# XFD1048576 would ask for 512 GB: the extent is read from the file itself before calamine.
MAX_ROWS = 99_999
MAX_COLUMNS = 29
# Calamine keeps every cell of the grid from A1 to the last value (32 bytes each, values
# and their Python copies on top): 600,000 cells of text read in ≈ 200 MB, so 99,999 rows
# of 6 columns, or 50,000 of a mediator roster's 12, are the most a list may span.
MAX_CELLS = 600_000
# Decompressed size of the parts read (sheets, shared strings, styles …) in one workbook:
# a full 99,999 × 29 roster is ≈ 110 MB; a zip bomb stops here instead of filling memory.
MAX_UNPACKED_BYTES = 160 * 1024 * 1024


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
    check_extent(data, first_only=True)
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
    check_extent(data, first_only=False)

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


class _BeyondLimits(Exception):
    """A value lies outside what a list may hold; raised to stop a scan early."""

    def __init__(self, sheet: str, row: int, column: int):
        self.sheet, self.row, self.column = sheet, row, column


class _Extent:
    """The last row and column holding a value in one sheet, checked as the scan goes."""

    def __init__(self, sheet, rows, columns):
        self.sheet, self.rows, self.columns = sheet, rows, columns
        self.last_row = self.last_column = self.values = 0

    def add(self, row: int, column: int):
        self.values += 1
        self.last_row, self.last_column = max(self.last_row, row), max(self.last_column, column)
        if (
            row > self.rows
            or column > self.columns
            or self.last_row * self.last_column > MAX_CELLS
            or self.values > MAX_CELLS
        ):
            raise _BeyondLimits(self.sheet, row, column)

    def add_all(self, references: list[tuple[bytes, bytes]]):
        """``add`` for many (column letters, row digits) at once; rows repeat their column
        letters, so the sets are small."""
        if not references:
            return
        last_row = max(self.last_row, *map(int, {digits for _, digits in references}))
        last_column = max(
            self.last_column, *(_column_number(letters) for letters in {c for c, _ in references})
        )
        if (
            last_row > self.rows
            or last_column > self.columns
            or last_row * last_column > MAX_CELLS
            or self.values + len(references) > MAX_CELLS
        ):
            for letters, digits in references:  # raises at the first cell beyond
                self.add(int(digits), _column_number(letters))
        self.values += len(references)
        self.last_row, self.last_column = last_row, last_column


def check_extent(data: bytes, first_only: bool, rows=MAX_ROWS, columns=MAX_COLUMNS) -> None:
    """Refuse (``FileProblem``) a workbook with a value beyond ``rows`` × ``columns``.

    Reads the cells actually present (the declared dimension can lie either way) as
    calamine will, without keeping them: a streaming XML scan for .xlsx, a record scan for
    .xls. Also refuses what is not .xlsx or .xls, and parts too large once decompressed.
    """
    try:
        if data.startswith(OLE2_MAGIC):
            _scan_xls(data, first_only, rows, columns)
        else:
            _scan_xlsx(data, first_only, rows, columns)
    except _BeyondLimits as beyond:
        raise FileProblem(
            _(
                "The sheet “%(sheet)s” has a value in cell %(cell)s, beyond what a list may "
                "span: %(rows)s rows, %(columns)s columns and %(cells)s cells in all. Delete "
                "the cells outside the list (or split the list into several files) and upload "
                "it again."
            )
            % {
                "sheet": beyond.sheet,
                "cell": f"{get_column_letter(min(max(beyond.column, 1), 16_384))}{beyond.row}",
                "rows": _thousands(rows),
                "columns": columns,
                "cells": _thousands(MAX_CELLS),
            }
        ) from None
    except FileProblem:
        raise
    except Exception as error:  # a damaged zip, XML or OLE2 container
        raise FileProblem(_("The file is damaged or is not an Excel workbook.")) from error


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def _column_number(letters: str | bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + (letter if isinstance(letter, int) else ord(letter)) - 64
    return number


# The fast scan, for cells written as Excel, openpyxl and LibreOffice write them: position
# first, no prefix. A cell holding a value is not self-closing (an empty styled cell is
# written <c r="B2" s="1"/> and calamine skips it). Any other shape falls back to the parser.
_XML_VALUE_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>/]*>')
_XML_EMPTY_CELL = re.compile(rb"<c [^>]*/>")
_LONGEST_TAG = 65_536


def _scan_xlsx(data: bytes, first_only: bool, rows: int, columns: int) -> None:
    from xml.parsers import expat

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:  # .xlsb, .ods and other zips calamine would read
            raise FileProblem(
                _(
                    "Only Excel workbooks (.xlsx or .xls) are accepted: open the file in "
                    "Excel and save it as an Excel workbook (.xlsx)."
                )
            )
        budget = [MAX_UNPACKED_BYTES]
        sheets = _xlsx_sheets(archive, budget)
        if first_only:
            sheets = sheets[:1]
        scanned = set()
        for name, part in sheets:
            if part in names:
                scanned.add(part)
                _scan_xlsx_sheet(archive, part, name, rows, columns, budget, expat)
        # Every other part calamine may read (shared strings above all) counts too, read
        # through zipfile, which checks each part's size and checksum as it goes.
        for info in archive.infolist():
            if info.filename not in scanned:
                with archive.open(info) as stream:
                    while chunk := stream.read(1 << 20):
                        _spend(budget, len(chunk))


def _spend(budget: list[int], size: int) -> None:
    budget[0] -= size
    if budget[0] < 0:
        raise FileProblem(
            _(
                "The file holds more data than a list may have once unpacked (more than "
                "%(limit)d MB). Split the list into several files and upload them one by one."
            )
            % {"limit": MAX_UNPACKED_BYTES // 2**20}
        )


def _xlsx_sheets(archive, budget) -> list[tuple[str, str]]:
    """(name, zip part) of every sheet, in the workbook's order (calamine's indexes)."""
    from xml.etree import ElementTree

    def parsed(part):
        info = archive.getinfo(part)
        _spend(budget, info.file_size)
        return ElementTree.fromstring(archive.read(info))

    targets = {}
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        for element in parsed("xl/_rels/workbook.xml.rels").iter():
            if element.tag.rpartition("}")[2] == "Relationship":
                target = element.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                targets[element.get("Id")] = path
    sheets = []
    for element in parsed("xl/workbook.xml").iter():
        if element.tag.rpartition("}")[2] == "sheet":
            relation = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            if relation in targets:
                sheets.append((element.get("name", ""), targets[relation]))
    return sheets


def _scan_xlsx_sheet(archive, part, name, rows, columns, budget, expat) -> None:
    """Stream one sheet's XML: the position of every cell holding a value, none kept.

    Regular expressions over the XML when every cell names its position (Excel, openpyxl,
    LibreOffice), ≈ 10× faster than an XML parser; the parser otherwise.
    """
    spent = budget[0]
    if _scan_cell_references(archive, part, name, rows, columns, budget):
        return
    budget[0] = spent  # read again below: counted once
    _parse_xlsx_sheet(archive, part, name, rows, columns, budget, expat)


def _scan_cell_references(archive, part, name, rows, columns, budget) -> bool:
    """The fast scan; False when some cell holding a value leaves out its position."""
    extent = _Extent(name, rows, columns)
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 22):
            _spend(budget, len(chunk))
            data = tail + chunk
            end = data.rfind(b">") + 1
            tail = data[end:]
            tail = tail[tail.find(b"<") :] if b"<" in tail else b""  # text is not kept
            if len(tail) > _LONGEST_TAG:
                raise FileProblem(_("The file is damaged or is not an Excel workbook."))
            data = data[:end]
            references = _XML_VALUE_CELL.findall(data)
            every = data.count(b"<c ") + data.count(b"<c>")
            prefixed = b":c " in data or b":c>" in data
            if prefixed or every != len(references) + len(_XML_EMPTY_CELL.findall(data)):
                return False
            extent.add_all(references)
    return True


def _parse_xlsx_sheet(archive, part, name, rows, columns, budget, expat) -> None:
    """The same scan through an XML parser, for cells without their position."""
    state = {"row": 0, "column": 0, "pending": False}
    extent = _Extent(name, rows, columns)

    def start(tag, attributes):
        local = tag.rpartition(" ")[2]
        if local == "c":
            reference = _CELL_REF.fullmatch(attributes.get("r", ""))
            if reference:
                state["column"] = _column_number(reference[1])
                state["row"] = int(reference[2])
            else:  # positions may be left out: the next cell on the row
                state["column"] += 1
            state["pending"] = True
        elif local == "row":
            number = attributes.get("r", "")
            state["row"] = int(number) if number.isdigit() else state["row"] + 1
            state["column"] = 0
        elif state["pending"] and local in ("v", "is", "f"):
            state["pending"] = False  # a value: calamine keeps this cell
            extent.add(state["row"], state["column"])

    def end(tag):
        if tag.endswith("c") and tag.rpartition(" ")[2] == "c":
            state["pending"] = False

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            _spend(budget, len(chunk))
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


# BIFF cell records (row, column first), and the two that span columns to a last one.
_XLS_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x00D6, 0x0406}
_XLS_SPANS = {0x00BD}  # MULRK: row, first column … last column (blank cells are not kept)
_XLS_BOF, _XLS_EOF, _XLS_SHEET = 0x0809, 0x000A, 0x0085


def _scan_xls(data: bytes, first_only: bool, rows: int, columns: int) -> None:
    """Walk the .xls Workbook stream's records: every value cell's row and column."""
    with olefile.OleFileIO(data) as container:
        stream = next((name for name in ("Workbook", "Book") if container.exists(name)), None)
        if stream is None:
            raise FileProblem(_("The file is damaged or is not an Excel workbook."))
        workbook = container.openstream(stream).read()
    names = []  # BOUNDSHEET records, in order: the sheets' names
    sheet, depth, position = -1, 0, 0
    extent = None
    while position + 4 <= len(workbook):
        kind, size = struct.unpack_from("<HH", workbook, position)
        body = workbook[position + 4 : position + 4 + size]
        position += 4 + size
        if kind == _XLS_SHEET and len(body) >= 8:
            wide = body[7] & 1  # BIFF8: UTF-16 when the flag is set, else one byte a letter
            raw = body[8 : 8 + body[6] * (2 if wide else 1)]
            names.append(raw.decode("utf-16-le" if wide else "latin-1", errors="replace"))
        elif kind == _XLS_BOF:
            depth += 1
            if depth == 1:
                sheet += 1  # the globals substream is -1 + 1 = 0; sheets follow from 1
                extent = _Extent(_xls_sheet_name(names, sheet), rows, columns)
            if first_only and sheet > 1:
                return
        elif kind == _XLS_EOF:
            depth = max(depth - 1, 0)
        elif (kind in _XLS_CELLS or kind in _XLS_SPANS) and len(body) >= 6:
            row, column = struct.unpack_from("<HH", body)
            if kind in _XLS_SPANS:
                column = struct.unpack_from("<H", body, size - 2)[0]
            if extent is not None:
                extent.add(row + 1, column + 1)


def _xls_sheet_name(names: list[str], sheet: int) -> str:
    return names[sheet - 1] if 1 <= sheet <= len(names) else "?"


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


@dataclass
class TemplateColumn:
    header: str
    required: bool = False
    # The values a dropdown offers (a coded column: sex, role, level …); with ``strict``
    # off, anything else may still be typed (a commune's code where its name is offered).
    choices: tuple = ()
    strict: bool = True
    example: object = None


TEMPLATE_ROWS = 5000  # the rows of the first sheet that carry the dropdowns


def write_template(title: str, columns: list[TemplateColumn]) -> bytes:
    """An empty list to fill in: the header on the first sheet (read by the import) with
    a dropdown on each coded column, one filled-in example row on a second sheet, and the
    dropdowns' values on a third, hidden sheet."""
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    example = workbook.create_sheet(_("Example")[:31])
    lists = workbook.create_sheet(_("Lists")[:31])
    lists.sheet_state = "hidden"
    for target in (sheet, example):
        target.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            cell = target.cell(row=1, column=index, value=column.header)
            cell.font = Font(bold=True)
            if column.required:
                cell.fill = PatternFill("solid", fgColor="FFF2CC")
            target.column_dimensions[get_column_letter(index)].width = max(
                14, min(40, len(column.header) + 2)
            )
    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        value = safe_cell(column.example)
        cell = example.cell(row=2, column=index, value=value)
        if isinstance(value, date):
            cell.number_format = "DD/MM/YYYY"
        if not column.choices:
            continue
        list_column += 1
        list_letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=column.header)
        for row, choice in enumerate(column.choices, start=2):
            lists.cell(row=row, column=list_column, value=safe_cell(choice))
        last = len(column.choices) + 1
        validation = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${list_letter}$2:${list_letter}${last}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if column.strict else "warning",
            errorTitle=column.header[:32],
            error=(
                _("Choose a value from the list.")
                if column.strict
                else _("Choose from the list, or type the GSO code.")
            ),
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        sheet.add_data_validation(validation)
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
    """Text that a spreadsheet would run as a formula is written as text (DESIGN §6), and
    without control characters (openpyxl refuses them: rows stored before issue 13)."""
    if isinstance(value, str):
        value = strip_forbidden(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def plain_text(value: str) -> str:
    """``value`` cleaned as a name, or ``CellProblem`` if it holds a control character."""
    if found := forbidden_character(value):
        raise CellProblem(FORBIDDEN_MESSAGE % {"character": found})
    return clean_name(value)


# --- Parsers: each takes a cell value (not None/blank) and returns the Python value. ---


def parse_text(value) -> str:
    if isinstance(value, int | float):  # bool is an int too
        raise CellProblem(_("a number was found where text (a name) belongs"))
    if isinstance(value, date | datetime):
        raise CellProblem(_("a date was found where text (a name) belongs"))
    return plain_text(str(value))


def parse_code_or_text(value) -> str:
    """GSO codes are often typed as numbers: 7201 means "07201"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return plain_text(str(value))


def parse_date(value) -> date:
    """A date cell, refused (``CellProblem``) when it is too early to be a registry date."""
    day = _date(value)
    if problem := too_early(day):
        raise CellProblem(problem)
    return day


def _date(value) -> date:
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
