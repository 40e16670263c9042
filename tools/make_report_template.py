"""Write the Word template of the Sở's yearly report: targets/docx/bao-cao-nam.docx.

Run once; the file is committed, and from then on it is the template's source: staff open
it in Word and change the wording, the styles or the layout, keeping the ``{{ … }}`` and
``{%p … %}`` / ``{%tr … %}`` tags (docxtpl's Jinja tags). Running this again overwrites
their changes — only do so to start over:

    .venv/bin/python tools/make_report_template.py

The layout is Nghị định 30/2020/NĐ-CP, Phụ lục I (văn bản có tên loại): A4, margins
20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman for every script (ascii,
hAnsi, eastAsia, cs: without eastAsia and cs Word picks another font for some Vietnamese
text); the header as a borderless two-column table; body 14 pt, justified, first line
indented 1.27 cm, 6 pt after each paragraph; page numbers at the top centre from page 2;
the appendices in landscape sections.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

OUT = Path(__file__).resolve().parent.parent / "targets" / "docx" / "bao-cao-nam.docx"
FONT = "Times New Roman"
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}


def set_fonts(rpr_parent):
    """Times New Roman on every script of a style or of the document defaults; the theme
    attributes go, since Word prefers them to the named font."""
    rpr = rpr_parent.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_parent.append(rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for name in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{name}"), None)
    for name in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{name}"), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")


def paragraph_style(document, name, style_id, size, align, indent=None, after=0, bold=False):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), style_id)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(size)
    style.font.bold = bold
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = indent if indent is not None else Cm(0)
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(0)
    return style


def setup_styles(document):
    defaults = document.styles.element.find(qn("w:docDefaults"))
    set_fonts(defaults.find(qn("w:rPrDefault")))
    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE):
            fonts = (
                style.element.rPr.find(qn("w:rFonts")) if style.element.rPr is not None else None
            )
            if fonts is not None:
                set_fonts(style.element)
    normal = document.styles["Normal"]
    set_fonts(normal.element)
    normal.font.size = Pt(14)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.1
    fmt.widow_control = True
    centred = WD_ALIGN_PARAGRAPH.CENTER
    paragraph_style(document, "Đầu văn bản", "ReportHeader", 13, centred)
    heading = paragraph_style(
        document, "Đề mục", "ReportHeading", 14, WD_ALIGN_PARAGRAPH.JUSTIFY, Cm(1.27), 6, True
    )
    heading.paragraph_format.keep_with_next = True
    paragraph_style(document, "Tên loại", "ReportTitle", 14, centred, bold=True)
    paragraph_style(document, "Ô bảng", "ReportTable", 10, centred)
    paragraph_style(document, "Ô bảng trái", "ReportTableLeft", 10, WD_ALIGN_PARAGRAPH.LEFT)
    paragraph_style(document, "Nơi nhận", "ReportRecipients", 11, WD_ALIGN_PARAGRAPH.LEFT)
    paragraph_style(document, "Dự thảo", "ReportDraft", 14, centred, after=6, bold=True)


def no_borders(table):
    """A layout table: no borders anywhere (the header and the signature block)."""
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    props.append(borders)


def grid_borders(table):
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "4")
        edge.set(qn("w:space"), "0")
        edge.set(qn("w:color"), "000000")
        borders.append(edge)
    props.append(borders)


def rule_under(container, left, right):
    """The short rule under the agency name, the motto and the subject: a tiny empty line
    with a bottom border, narrowed by indents (a drawn line would float away when staff
    edit the text)."""
    paragraph = container.add_paragraph(style="Đầu văn bản")
    paragraph.add_run().font.size = Pt(2)
    paragraph.paragraph_format.line_spacing = Pt(2)
    paragraph.paragraph_format.left_indent = left
    paragraph.paragraph_format.right_indent = right
    props = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    border.append(bottom)
    props.append(border)


def add(container, text="", style=None, bold=None, italic=None, size=None):
    paragraph = container.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    return paragraph


def cell_text(cell, text, style="Đầu văn bản", bold=None, italic=None, size=None):
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return paragraph


def page_number_header(section):
    """Page numbers at the top centre, none on page 1 (a different first-page header)."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.style = "Đầu văn bản"
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    section.first_page_header.is_linked_to_previous = False
    section.first_page_header.paragraphs[0].style = "Đầu văn bản"


def set_margins(section):
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def header_block(document):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    no_borders(table)
    left, right = table.rows[0].cells
    set_widths(table, [Cm(6.5), Cm(9.5)])
    cell_text(left, "{{ issuer_parent }}", size=13)
    agency = left.add_paragraph(style="Đầu văn bản")
    agency.add_run("{{ issuer }}").bold = True
    rule_under(left, Cm(2.2), Cm(2.2))
    number = left.add_paragraph(style="Đầu văn bản")
    number.paragraph_format.space_before = Pt(6)
    number.add_run("Số: {{ number }}/BC-STP")
    cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    motto = right.add_paragraph(style="Đầu văn bản")
    run = motto.add_run("Độc lập - Tự do - Hạnh phúc")
    run.bold, run.font.size = True, Pt(13)
    rule_under(right, Cm(2.1), Cm(2.1))
    place = right.add_paragraph(style="Đầu văn bản")
    place.paragraph_format.space_before = Pt(6)
    place.add_run(
        "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ issued_year }}"
    ).italic = True


def body(document):
    add(document, "{%p if draft %}", style="Dự thảo")
    add(document, "DỰ THẢO", style="Dự thảo")
    add(document, "{{ draft_note }}", style="Đầu văn bản", italic=True, size=12)
    add(document, "{%p endif %}", style="Dự thảo")
    header_block(document)
    title = add(document, "BÁO CÁO", style="Tên loại")
    title.paragraph_format.space_before = Pt(18)
    add(document, "{{ subject }}", style="Tên loại")
    rule_under(document, Cm(6.5), Cm(6.5))
    document.paragraphs[-1].paragraph_format.space_after = Pt(12)
    add(document, "{%p for line in addressees %}", style="Đầu văn bản")
    add(document, "{{ line }}", style="Đầu văn bản", size=14)
    add(document, "{%p endfor %}", style="Đầu văn bản")
    add(document, "")
    add(document, "{{ opening }}")

    add(document, "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI", style="Đề mục")
    paragraphs(document, "direction")

    add(document, "II. KẾT QUẢ THỰC HIỆN", style="Đề mục")
    add(document, "1. Kết quả thực hiện các nhiệm vụ của Kế hoạch", style="Đề mục")
    add(document, "{%p for group in groups %}")
    add(document, "{{ group.heading }}", style="Đề mục")
    add(document, "{{ group.progress }}")
    add(document, "{%p for line in group.lines %}")
    add(document, "{{ line }}")
    add(document, "{%p endfor %}")
    add(document, "{%p endfor %}")
    add(document, "2. Kết quả thực hiện các chỉ tiêu", style="Đề mục")
    add(document, "{{ targets_intro }}")
    add(document, "{%p for target in targets %}")
    add(document, "{{ target.sentence }}")
    add(document, "{%p endfor %}")
    add(document, "3. Tình hình báo cáo của các đơn vị", style="Đề mục")
    add(document, "{{ approval_sentence }}")
    add(document, "{%p if unapproved_sentence %}")
    add(document, "{{ unapproved_sentence }}")
    add(document, "{%p endif %}")

    add(document, "III. KHÓ KHĂN, VƯỚNG MẮC", style="Đề mục")
    paragraphs(document, "difficulties")
    add(document, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {{ next_year }}", style="Đề mục")
    paragraphs(document, "outlook")
    add(document, "V. KIẾN NGHỊ, ĐỀ XUẤT", style="Đề mục")
    paragraphs(document, "proposals")
    add(document, "{{ closing }}")
    signature(document)


def paragraphs(document, name):
    add(document, f"{{%p for text in {name} %}}")
    add(document, "{{ text }}")
    add(document, "{%p endfor %}")


def signature(document):
    add(document, "")
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    no_borders(table)
    left, right = table.rows[0].cells
    set_widths(table, [Cm(7.5), Cm(8.5)])
    received = left.paragraphs[0]
    received.style = "Nơi nhận"
    run = received.add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    left.add_paragraph("{%p for line in recipients %}", style="Nơi nhận")
    left.add_paragraph("- {{ line }}", style="Nơi nhận")
    left.add_paragraph("{%p endfor %}", style="Nơi nhận")
    left.add_paragraph("- Lưu: {{ archive }}.", style="Nơi nhận")
    cell_text(right, "{%p for line in signer_titles %}", size=14)
    title = right.add_paragraph(style="Đầu văn bản")
    run = title.add_run("{{ line }}")
    run.bold, run.font.size = True, Pt(14)
    right.add_paragraph("{%p endfor %}", style="Đầu văn bản")
    for _ in range(4):
        right.add_paragraph("", style="Đầu văn bản")
    name = right.add_paragraph(style="Đầu văn bản")
    run = name.add_run("{{ signer_name }}")
    run.bold, run.font.size = True, Pt(14)


def landscape_section(document):
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    set_margins(section)
    # Page numbers on every page of an appendix: the header of the body, no first page apart.
    section.different_first_page_header_footer = False
    section.header.is_linked_to_previous = True
    return section


def table_row(table, values, style="Ô bảng", bold=False):
    row = table.add_row()
    for cell, value in zip(row.cells, values, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.style = style
        if value:
            paragraph.add_run(value).bold = bold
    return row


UNIT_COLUMNS = [
    ("STT", None),
    ("{{ unit_label }}", None),
    ("Số tổ hòa giải", "teams"),
    ("Tổ đủ thành phần", "compliant_teams"),
    ("Tổ được hỗ trợ pháp lý", "supported_teams"),
    ("Số hòa giải viên", "mediators"),
    ("Nữ", "women"),
    ("Dân tộc thiểu số", "minority"),
    ("Mới công nhận, đến hạn 6 tháng", "new_due"),
    ("Trong đó tập huấn đúng hạn", "new_trained_in_time"),
    ("Tập huấn trong năm", "trained_in_year"),
    ("Đã được tập huấn", "trained"),
    ("Có bộ tài liệu", "with_material"),
    ("Vụ việc tiếp nhận", "cases_received"),
    ("Hòa giải thành", "cases_successful"),
    ("Hòa giải không thành", "cases_unsuccessful"),
    ("Đang giải quyết", "cases_in_progress"),
]

TARGET_COLUMNS = [
    "Mã",
    "Chỉ tiêu",
    "Yêu cầu",
    "Kết quả",
    "Tử số / mẫu số",
    "Đánh giá",
    "Nguồn số liệu",
]


def appendices(document):
    landscape_section(document)
    add(document, "Phụ lục I{{ draft_suffix }}", style="Tên loại")
    add(document, "{{ appendix_units_title }}", style="Tên loại")
    add(document, "{{ appendix_units_note }}", style="Đầu văn bản", italic=True, size=12)
    table = document.add_table(rows=0, cols=len(UNIT_COLUMNS))
    grid_borders(table)
    header = table_row(table, [label for label, _ in UNIT_COLUMNS], bold=True)
    mark_header(header)
    table_row(table, ["{%tr for row in unit_rows %}"] + [""] * (len(UNIT_COLUMNS) - 1))
    values = ["{{ row.number }}", "{{ row.name }}"] + [
        f"{{{{ row.cells.{field} }}}}" for _label, field in UNIT_COLUMNS[2:]
    ]
    row = table_row(table, values)
    row.cells[1].paragraphs[0].style = "Ô bảng trái"
    keep_together(row)
    table_row(table, ["{%tr endfor %}"] + [""] * (len(UNIT_COLUMNS) - 1))
    total = table_row(
        table,
        ["", "{{ totals.name }}"]
        + [f"{{{{ totals.cells.{field} }}}}" for _label, field in UNIT_COLUMNS[2:]],
        bold=True,
    )
    total.cells[1].paragraphs[0].style = "Ô bảng trái"
    widths = [Cm(1.2)] + [Cm(3.5)] + [Cm(1.36)] * (len(UNIT_COLUMNS) - 2)
    set_widths(table, widths)

    landscape_section(document)
    add(document, "Phụ lục II{{ draft_suffix }}", style="Tên loại")
    add(document, "{{ appendix_targets_title }}", style="Tên loại")
    add(document, "{{ appendix_targets_note }}", style="Đầu văn bản", italic=True, size=12)
    table = document.add_table(rows=0, cols=len(TARGET_COLUMNS))
    grid_borders(table)
    mark_header(table_row(table, TARGET_COLUMNS, bold=True))
    table_row(table, ["{%tr for target in targets %}"] + [""] * (len(TARGET_COLUMNS) - 1))
    row = table_row(
        table,
        [
            "{{ target.code }}",
            "{{ target.title }}",
            "{{ target.requirement }}",
            "{{ target.value }}",
            "{{ target.fraction }}",
            "{{ target.verdict }}",
            "{{ target.source }}",
        ],
    )
    row.cells[1].paragraphs[0].style = "Ô bảng trái"
    keep_together(row)
    table_row(table, ["{%tr endfor %}"] + [""] * (len(TARGET_COLUMNS) - 1))
    set_widths(table, [Cm(1.4), Cm(8.6), Cm(3), Cm(3.2), Cm(3.2), Cm(3.2), Cm(2.6)])


def keep_together(row):
    """A unit's row is never split across two pages."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def mark_header(row):
    """Repeat the header row on every page of a long table."""
    props = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    props.append(repeat)


def set_widths(table, widths):
    """The grid's widths (what LibreOffice reads) and each cell's (what Word reads)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def main():
    document = Document()
    setup_styles(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    set_margins(section)
    page_number_header(section)
    # python-docx's blank document opens with no paragraph; the body starts here.
    body(document)
    appendices(document)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    document.core_properties.title = "Báo cáo kết quả thực hiện Kế hoạch hòa giải ở cơ sở"
    document.core_properties.author = "Sở Tư pháp"
    document.save(OUT)
    print(f"Wrote {OUT}")


if __name__ == "__main__":
    main()
