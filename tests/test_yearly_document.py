"""The Sở's yearly report as a Word document (targets.yearly_document): opened with python-docx
and checked as the Department would — the page, the fonts, the header, the figures against
``kpi --json``, the draft marking — and once rendered by LibreOffice to look at."""

import json
import shutil
import subprocess
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from hoagiai import caching
from reports import services
from reports.models import CommuneYear, ProvinceReportText, YearlyReport
from targets import yearly_document as document
from targets.templatetags.kpi import kpi_number, kpi_value
from units.models import AdminUnit

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

YEAR = 2024
FONT = "Times New Roman"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "yearly-report"


def mm(length) -> int:
    """Lengths in whole millimetres (Word stores twentieths of a point)."""
    return round(length.mm)


def open_reports(year=YEAR):
    """Every district's report for the year, opened (lines prefilled from the registry)."""
    districts = services.reporting_units(year)
    return [services.open_report(unit, year) for unit in districts]


def set_cases(district_code, received, successful, unsuccessful, year=YEAR):
    line = CommuneYear.objects.filter(commune__parent__code=district_code, year=year).first()
    CommuneYear.objects.filter(pk=line.pk).update(
        cases_received=received,
        cases_successful=successful,
        cases_unsuccessful=unsuccessful,
        cases_in_progress=received - successful - unsuccessful,
        teams=12,
        mediators=60,
        compliant_teams=9,
    )


def approve(*codes, year=YEAR):
    """Mark reports approved (the workflow itself is tested in test_reports.py)."""
    reports = YearlyReport.objects.filter(year=year)
    if codes:
        reports = reports.filter(unit__code__in=codes)
    reports.update(status=YearlyReport.Status.APPROVED)
    caching.clear()  # an update sends no signal to drop the cached approvals


def docx(year=YEAR):
    content, built = document.render(year)
    return Document(BytesIO(content)), content, built


def all_paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def full_text(doc) -> str:
    parts = [paragraph.text for paragraph in all_paragraphs(doc)]
    for section in doc.sections:
        for header in (section.header, section.first_page_header):
            parts += [paragraph.text for paragraph in header.paragraphs]
    return "\n".join(parts)


def table_rows(table):
    return [[cell.text.strip() for cell in row.cells] for row in table.rows]


@pytest.fixture
def approved_year(django_capture_on_commit_callbacks):
    open_reports()
    set_cases("213", 10, 9, 1)
    set_cases("215", 100, 50, 40)
    approve()


def test_the_page_is_a4_with_the_decree_margins_and_landscape_appendices(approved_year):
    doc, _content, _built = docx()
    body, *appendices = doc.sections
    assert (mm(body.page_width), mm(body.page_height)) == (210, 297)
    assert len(appendices) == 2
    for section in doc.sections:
        assert 20 <= mm(section.top_margin) <= 25
        assert 20 <= mm(section.bottom_margin) <= 25
        assert 30 <= mm(section.left_margin) <= 35
        assert 15 <= mm(section.right_margin) <= 20
    for section in appendices:
        assert (mm(section.page_width), mm(section.page_height)) == (297, 210)
        assert section.orientation == 1  # landscape


def test_page_numbers_are_at_the_top_centre_but_not_on_page_one(approved_year):
    doc, _content, _built = docx()
    body = doc.sections[0]
    assert body.different_first_page_header_footer
    header = body.header._element.xml
    assert 'w:instr="PAGE"' in header
    number = body.header.paragraphs[0]
    assert (number.alignment or number.style.paragraph_format.alignment) == 1  # centre
    assert "PAGE" not in body.first_page_header._element.xml
    # The appendices show the number on every page: no first page apart, the body's header.
    for section in doc.sections[1:]:
        assert not section.different_first_page_header_footer
        assert section.header.is_linked_to_previous


def test_the_body_is_times_new_roman_14pt_justified_with_an_indent(approved_year):
    doc, _content, _built = docx()
    normal = doc.styles["Normal"]
    assert normal.font.size.pt in (13, 14)
    fmt = normal.paragraph_format
    assert fmt.alignment == 3  # justify
    assert 1.0 <= fmt.first_line_indent.cm <= 1.27
    assert fmt.space_after.pt >= 6


def _fonts_ok(fonts, where):
    if fonts is None:
        return
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        assert fonts.get(qn(f"w:{theme}")) is None, f"{where}: a theme font ({theme})"
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        value = fonts.get(qn(f"w:{script}"))
        assert value in (None, FONT), f"{where}: {script} is {value}"


def test_every_script_of_every_run_is_times_new_roman(approved_year):
    doc, _content, _built = docx()
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    # The defaults name the font for each script, East Asian and complex script included.
    assert {
        script: fonts.get(qn(f"w:{script}")) for script in ("ascii", "hAnsi", "eastAsia", "cs")
    } == dict.fromkeys(("ascii", "hAnsi", "eastAsia", "cs"), FONT)
    _fonts_ok(fonts, "defaults")
    for style in doc.styles.element.findall(qn("w:style")):
        rpr = style.find(qn("w:rPr"))
        _fonts_ok(None if rpr is None else rpr.find(qn("w:rFonts")), style.get(qn("w:styleId")))
    runs = list(doc.element.body.iter(qn("w:r")))
    for section in doc.sections:
        runs += list(section.header._element.iter(qn("w:r")))
    assert runs
    for run in runs:
        rpr = run.find(qn("w:rPr"))
        _fonts_ok(None if rpr is None else rpr.find(qn("w:rFonts")), "a run")


def test_the_header_is_a_borderless_two_column_table(approved_year):
    doc, _content, _built = docx()
    header = doc.tables[0]
    assert len(header.columns) == 2
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "SỞ TƯ PHÁP" in left
    assert "/BC-STP" in left and left.count("Số:") == 1
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
    motto = next(p for p in header.rows[0].cells[1].paragraphs if "Độc lập" in p.text)
    assert all(run.bold for run in motto.runs if run.text.strip())
    place = next(p for p in header.rows[0].cells[1].paragraphs if "ngày" in p.text)
    # Signed by the Department of today's province (as the admin header names it).
    today = AdminUnit.objects.root_province()
    assert place.text.startswith(today.name.removeprefix("Tỉnh ") + ", ngày ")
    assert f"năm {document.timezone.localdate().year}" in place.text
    assert all(run.italic for run in place.runs if run.text.strip())
    text = full_text(doc)
    assert "BÁO CÁO" in text
    assert "Nơi nhận:" in text and "- Lưu: VT, PBGDPL." in text


def test_the_targets_read_as_kpi_json_says_when_every_report_is_approved(approved_year):
    doc, _content, built = docx()
    assert not built.is_draft
    assert "DỰ THẢO" not in full_text(doc)
    out = StringIO()
    call_command("kpi", "--year", str(YEAR), "--json", stdout=out)
    expected = {row["code"]: row for row in json.loads(out.getvalue())["targets"]}
    kinds = {result.code: result.target.value_kind for result in built.results}
    appendix = table_rows(doc.tables[-1])
    rows = {}
    for row in appendix[1:]:
        rows.setdefault(row[0], row)  # the first row of a code: the settings' basis
    assert set(rows) == set(expected)
    for code, target in expected.items():
        row = rows[code]
        if target["applies"]:
            assert row[3].startswith(kpi_value(target["value"], kinds[code])), code
        if target["applies"] and target["numerator"] is not None:
            assert row[4].startswith(kpi_number(target["numerator"])), code
            if target["denominator"] is not None:
                assert row[4].endswith(kpi_number(target["denominator"])), code
    # O8a: (9 + 50) / (10 + 100) cases received, as kpi counts them.
    assert (expected["O8a"]["numerator"], expected["O8a"]["denominator"]) == (59, 110)
    # Both success-rate bases where they differ: 59 / 100 cases concluded beside it.
    o8a = [row for row in appendix if row[0] == "O8a"]
    assert len(o8a) == 2 and o8a[1][4] == "59 / 100"
    body = full_text(doc)
    assert kpi_value(59 / 100, "rate") in body
    # The figures table of Appendix I adds up to what kpi counts.
    units = table_rows(doc.tables[-2])
    totals = units[-1]
    assert totals[2] == kpi_number(expected["O4"]["denominator"])  # teams
    assert totals[13] == kpi_number(110)  # cases received


def test_a_unit_not_approved_is_named_left_out_and_the_file_is_a_draft(
    django_capture_on_commit_callbacks,
):
    open_reports()
    set_cases("213", 10, 9, 1)
    set_cases("215", 100, 50, 40)
    approve(*[u.code for u in services.reporting_units(YEAR) if u.code != "215"])
    doc, _content, built = docx()
    assert built.is_draft
    text = full_text(doc)
    assert doc.paragraphs[0].text == "" or "DỰ THẢO" in text
    assert "DỰ THẢO" in [p.text for p in doc.paragraphs[:3]]
    assert "Huyện Yên Thế" in text  # 215, named as not approved
    appendices = [p.text for p in doc.paragraphs if p.text.startswith("Phụ lục")]
    assert appendices == ["Phụ lục I — DỰ THẢO", "Phụ lục II — DỰ THẢO"]
    # Only 213's cases count: 9 / 10.
    o8a = next(row for row in table_rows(doc.tables[-1]) if row[0] == "O8a")
    assert o8a[3].startswith(kpi_value(0.9, "rate")) and o8a[4] == "9 / 10"
    units = table_rows(doc.tables[-2])
    yen_the = next(row for row in units if "(215)" in row[1])
    # Its figures are not shown; its state is.
    assert set(yen_the[2:]) == {"—"} and "chưa được duyệt" in yen_the[1]
    assert units[-1][13] == "10"


def test_a_year_with_nothing_approved_still_makes_a_complete_draft():
    doc, _content, built = docx(2025)
    assert built.is_draft
    assert not built.approved_ids
    text = full_text(doc)
    assert "DỰ THẢO" in text
    for name in ("Thành phố Bắc Giang", "Huyện Yên Thế"):
        assert name in text
    units = table_rows(doc.tables[-2])
    assert units[-1][2] == "0"


@pytest.mark.parametrize("year", [2024, 2025])
def test_no_none_and_no_unfilled_tag(year):
    if year == 2024:
        open_reports()
        approve()
    doc, content, _built = docx(year)
    text = full_text(doc)
    for bad in ("None", "{{", "}}", "{%", "%}", "nan"):
        assert bad not in text, bad
    # Every heading has something under it.
    paragraphs = [p.text.strip() for p in doc.paragraphs]
    for index, paragraph in enumerate(paragraphs):
        if paragraph[:3] in ("I. ", "II.", "III", "IV.", "V. "):
            assert paragraphs[index + 1], paragraph
    assert b"{{" not in content


def test_the_staff_text_is_saved_with_history_and_goes_into_the_file(client, province_staff):
    client.login(username=province_staff.username, password=PASSWORD)
    page = reverse("yearly-document-text", args=[YEAR])
    form = client.get(page).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        number="12",
        difficulties="Kinh phí hỗ trợ còn hạn chế.\nĐịa bàn rộng.",
        signer_name="Nguyễn Văn Giám",
        issued_on="2025-01-20",
    )
    response = client.post(page, data)
    assert response.status_code == 302
    data["difficulties"] = "Kinh phí hỗ trợ còn hạn chế."
    response = client.post(page, {**data, "download": "1"})
    assert response.url == reverse("yearly-document", args=[YEAR])
    text = ProvinceReportText.objects.get(year=YEAR)
    assert [record.history_user for record in text.history.all()] == [province_staff] * 2
    assert text.history.earliest().difficulties.endswith("Địa bàn rộng.")
    download = client.get(response.url)
    assert download["Content-Type"] == document.CONTENT_TYPE
    assert "du-thao" in download["Content-Disposition"]
    doc = Document(BytesIO(download.content))
    body = full_text(doc)
    assert "Kinh phí hỗ trợ còn hạn chế." in body and "Địa bàn rộng." not in body
    assert "Số: 12/BC-STP" in body and "Nguyễn Văn Giám" in body
    assert ", ngày 20 tháng 01 năm 2025" in body


def test_a_bad_date_saves_nothing_and_says_which_field(client, province_staff):
    client.login(username=province_staff.username, password=PASSWORD)
    page = reverse("yearly-document-text", args=[YEAR])
    form = client.get(page).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    response = client.post(page, {**data, "issued_on": "31/02/2025"})
    assert response.status_code == 400
    assert "issued_on" in response.context["form"].errors
    assert not ProvinceReportText.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer_a", 404), ("leader", 403), ("province_staff", 200)],
)
def test_only_province_staff_get_the_file(client, request, persona, status):
    user = request.getfixturevalue(persona)
    client.login(username=user.username, password=PASSWORD)
    for name in ("yearly-document", "yearly-document-text"):
        assert client.get(reverse(name, args=[YEAR])).status_code == status, name
    assert client.get(reverse("yearly-document", args=[2019])).status_code in (404, status)


def test_the_command_writes_the_file_and_refuses_a_year_outside_the_plan(tmp_path, capsys):
    out = tmp_path / "bao-cao.docx"
    call_command("yearly_report", "--year", str(YEAR), "--out", str(out))
    assert mm(Document(str(out)).sections[0].page_width) == 210
    with pytest.raises(SystemExit) as exit_info:
        call_command("yearly_report", "--year", "2019", "--out", str(out))
    assert exit_info.value.code == 2
    assert "2019" in capsys.readouterr().err


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)",
)
def test_libreoffice_renders_it_page_numbers_from_page_two(approved_year, tmp_path):
    _doc, content, _built = docx()
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(content)
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "bao-cao.pdf"
    assert pdf.exists()
    if shutil.which("pdftotext"):
        first = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        second = subprocess.run(
            ["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert "BÁO CÁO" in first and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
        assert first.strip().splitlines()[0].strip() != "1"
        assert second.strip().splitlines()[0].strip() == "2"
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-f", "1", "-l", "1", "-r", "80", "-png", "-singlefile", str(pdf),
             str(ARTIFACTS / "test-page-1")],
            check=True,
        )  # fmt: skip
        assert (ARTIFACTS / "test-page-1.png").stat().st_size > 10_000


def test_each_task_group_says_its_progress_and_names_its_latest_activities(approved_year):
    from datetime import date

    from plans.models import Activity, Responsibility

    row = Responsibility.objects.filter(year=YEAR, task__group__number=2, in_plan=True).first()
    Responsibility.objects.filter(pk=row.pk).update(status=Responsibility.Status.DONE)
    for day in range(1, 8):
        Activity.objects.create(
            responsibility=row,
            held_on=date(YEAR, 3, day),
            description=f"Hội nghị tập huấn số {day}",
            participants=10,
            budget=1_000_000,
        )
    doc, _content, _built = docx()
    text = [paragraph.text for paragraph in doc.paragraphs]
    start = next(i for i, line in enumerate(text) if line.startswith("1.2. "))
    group = text[start : next(i for i in range(start + 1, len(text)) if text[i][:2] == "1.")]
    progress = group[1]
    assert "7 hoạt động" in progress and "70 lượt người" in progress
    assert "7.000.000 đồng" in progress
    named = [line for line in group if "Hội nghị tập huấn số" in line]
    assert [line.rsplit(" ", 1)[1] for line in named] == ["3", "4", "5", "6", "7"]
    assert named[0].startswith(f"- 03/03/{YEAR}, ")
    assert "- và 2 hoạt động khác được ghi nhận trên Cổng." in group


def test_after_the_reform_the_department_of_bac_ninh_reports_2024_for_former_bac_giang():
    from reports import reform

    reform.apply({"07693": "07682", "07732": "07681", "07744": "07738"})
    caching.clear()
    doc, _content, built = docx(2024)
    left, right = (cell.text for cell in doc.tables[0].rows[0].cells)
    # Issued today by the Sở of Tỉnh Bắc Ninh (as the admin header names the province) …
    assert "UBND TỈNH BẮC NINH" in left and "Bắc Ninh, ngày" in right
    # … about the units of 2024: former Bắc Giang and its ten districts.
    assert "trên địa bàn tỉnh Bắc Giang (cũ)" in full_text(doc)
    units = table_rows(doc.tables[-2])
    assert units[0][1] == "Đơn vị cấp huyện" and len(units) == 1 + 10 + 1
    # 2025: the communes of the plan area report straight to the Sở.
    doc, _content, built = docx(2025)
    units = table_rows(doc.tables[-2])
    assert units[0][1] == "Xã, phường" and len(units) == 1 + 58 + 1
    assert "trên địa bàn tỉnh Bắc Ninh (" in full_text(doc)


def test_the_signature_block_is_borderless_with_the_title_and_recipients(approved_year):
    doc, _content, _built = docx()
    signature = doc.tables[1]
    borders = signature._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    left, right = (cell.text for cell in signature.rows[0].cells)
    assert left.startswith("Nơi nhận:\n- Như trên;")
    assert left.endswith("- Lưu: VT, PBGDPL.")
    assert right.startswith("GIÁM ĐỐC")


def test_the_national_motto_and_slogan_have_their_sizes(approved_year):
    doc, _content, _built = docx()
    cell = doc.tables[0].rows[0].cells[1]
    motto, slogan = cell.paragraphs[0], cell.paragraphs[1]
    assert motto.text == motto.text.upper() and 12 <= motto.runs[0].font.size.pt <= 13
    assert slogan.text == "Độc lập - Tự do - Hạnh phúc"
    assert 13 <= slogan.runs[0].font.size.pt <= 14 and slogan.runs[0].bold
