"""Evidence files are recognised by their content, not their name, and size-limited."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook

from plans.evidence import check, display_name, storage_name

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64  # a Windows program's first bytes
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["Hội nghị tập huấn", 45])
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("bien-ban.pdf", PDF, "pdf"),
        ("anh-hoi-nghi.png", PNG, "image"),
        ("anh-hoi-nghi.JPG", JPEG, "image"),
        ("bao-cao.docx", docx(), "word"),
        ("danh-sach.xlsx", xlsx(), "excel"),
    ],
)
def test_documents_are_accepted_by_their_content(name, data, kind):
    assert check(upload(name, data)) == kind


@pytest.mark.parametrize("data", [EXE, ELF], ids=["windows", "linux"])
def test_a_program_renamed_pdf_is_refused(data):
    with pytest.raises(ValidationError) as error:
        check(upload("bien-ban.pdf", data))
    assert "bien-ban.pdf" in error.value.messages[0]


def test_a_spreadsheet_renamed_pdf_is_refused():
    with pytest.raises(ValidationError):
        check(upload("bien-ban.pdf", xlsx()))


def test_an_other_zip_renamed_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("setup.exe", EXE)
    with pytest.raises(ValidationError):
        check(upload("bao-cao.docx", buffer.getvalue()))


def test_an_unlisted_extension_is_refused_with_the_list():
    with pytest.raises(ValidationError) as error:
        check(upload("cai-dat.exe", EXE))
    assert ".pdf" in error.value.messages[0]


@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_too_large_a_file_is_refused_with_its_size():
    with pytest.raises(ValidationError) as error:
        check(upload("bien-ban.pdf", PDF + b"0" * 2048))
    assert "1,0\xa0KB" in error.value.messages[0]  # the limit, as Vietnamese writes it


def test_a_long_name_is_cut_between_whole_characters_keeping_its_extension():
    shortened = display_name("Biên bản hội nghị " + "ệ" * 100 + ".PDF")
    assert shortened.endswith("ệ.PDF")
    assert len(shortened.encode()) <= 255
    assert shortened.encode().decode() == shortened  # no half character


def test_a_long_ascii_name_fits_the_field():
    assert display_name("a" * 300 + ".docx") == "a" * 195 + ".docx"


def test_a_decomposed_name_is_composed_before_it_is_cut():
    decomposed = "Ho\u0300a gia\u0309i.pdf"
    assert display_name(decomposed) == "Hòa giải.pdf"


def test_a_path_in_the_name_is_dropped():
    assert display_name("C:\\Users\\an\\bien-ban.pdf") == "bien-ban.pdf"


def test_the_stored_name_is_generated_with_the_extension():
    assert storage_name("Biên bản.PDF").endswith(".pdf")
    assert len(storage_name("x" * 250 + ".exe")) == 32
