"""The training materials library (/tai-lieu/): anyone finds the published materials,
typed with or without accents, by audience and year; files are downloaded safely; staff
manage the materials in the admin, where a file is checked as evidence files are."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from network.admin import MaterialForm
from network.models import Material
from units.models import AdminUnit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

LIBRARY = reverse("library")


@pytest.fixture
def province(db):
    return AdminUnit.objects.get(code="24")


def material(province, title, kind=Material.Kind.FOR_MEDIATORS, published=date(2025, 3, 1), **f):
    f.setdefault("link", "" if "file" in f else "https://example.org/" + str(abs(hash(title))))
    return Material.objects.create(
        title=title, kind=kind, published_on=published, publisher=province, **f
    )


def titles(response):
    return [m.title for m in response.context["page"]]


@pytest.fixture
def shelf(province):
    return {
        "handbook": material(province, "Sổ tay hòa giải viên ở cơ sở"),
        "land": material(
            province,
            "Kỹ năng hòa giải",
            published=date(2024, 9, 8),
            description="Tranh chấp đất đai ở thôn, tổ dân phố.",
        ),
        "leaflet": material(
            province, "Tờ gấp: Luật Hòa giải ở cơ sở", Material.Kind.DISSEMINATION, date(2024, 4, 2)
        ),
        "trainers": material(
            province, "Bài giảng cho tập huấn viên", Material.Kind.FOR_TRAINERS, date(2025, 5, 1)
        ),
        "draft": material(province, "Sổ tay (dự thảo)", published=None),
        "future": material(
            province, "Sổ tay tái bản", published=timezone.localdate() + timedelta(days=3)
        ),
    }


def test_anyone_sees_the_published_materials_newest_first(client, shelf):
    response = client.get(LIBRARY)
    assert response.status_code == 200
    assert titles(response) == [
        "Bài giảng cho tập huấn viên",
        "Sổ tay hòa giải viên ở cơ sở",
        "Kỹ năng hòa giải",
        "Tờ gấp: Luật Hòa giải ở cơ sở",
    ]  # not the draft, not the one published in three days


@pytest.mark.parametrize(
    "typed, found",
    [
        ("so tay hoa giai", ["Sổ tay hòa giải viên ở cơ sở"]),
        ("SỔ TAY", ["Sổ tay hòa giải viên ở cơ sở"]),
        ("dat dai", ["Kỹ năng hòa giải"]),  # in the description; đ typed as d
        ("Đất Đai", ["Kỹ năng hòa giải"]),
        ("luat hoa giai", ["Tờ gấp: Luật Hòa giải ở cơ sở"]),
        ("so tay tai ban", []),  # not published yet
        ("100%_", []),  # LIKE's wildcards are searched as text
    ],
)
def test_search_finds_titles_and_descriptions_with_or_without_accents(client, shelf, typed, found):
    assert titles(client.get(LIBRARY, {"q": typed})) == found


def test_filters_by_audience_and_year(client, shelf):
    assert titles(client.get(LIBRARY, {"audience": "dissemination"})) == [
        "Tờ gấp: Luật Hòa giải ở cơ sở"
    ]
    assert titles(client.get(LIBRARY, {"audience": "for_mediators", "year": "2024"})) == [
        "Kỹ năng hòa giải"
    ]
    assert client.get(LIBRARY).context["years"] == [2025, 2024]
    # A filter that is not one is ignored, never a 500.
    for junk in ({"audience": "x"}, {"year": "20x5"}, {"year": "99999"}, {"page": "-1"}):
        assert client.get(LIBRARY, junk).status_code == 200


def test_the_mediators_view_shows_their_materials_only(client, shelf):
    response = client.get(reverse("library-mediators"))
    assert titles(response) == ["Sổ tay hòa giải viên ở cơ sở", "Kỹ năng hòa giải"]
    # Its own filter cannot be widened from the query string.
    assert titles(client.get(reverse("library-mediators"), {"audience": "dissemination"})) == (
        titles(response)
    )


def test_twenty_a_page_and_the_pager_keeps_the_filters(client, province):
    for number in range(25):
        material(province, f"Tài liệu số {number:02}", published=date(2025, 1, 1 + number))
    first = client.get(LIBRARY, {"q": "tai lieu", "year": "2025"})
    assert len(titles(first)) == 20
    page = first.content.decode()
    assert 'href="?q=tai+lieu&amp;year=2025&amp;page=2"' in page
    second = client.get(LIBRARY, {"q": "tai lieu", "year": "2025", "page": "2"})
    assert titles(second) == [f"Tài liệu số {n:02}" for n in range(4, -1, -1)]


# --- Files ---


def upload_through_the_admin_form(province, name, data, **fields):
    form = MaterialForm(
        data={
            "title": "Sổ tay",
            "kind": "for_mediators",
            "publisher": province.pk,
            "published_on": "01/03/2025",
            **fields,
        },
        files={"file": SimpleUploadedFile(name, data)},
    )
    return form


def test_a_file_is_downloaded_under_its_own_name_never_a_path(client, province):
    form = upload_through_the_admin_form(province, "../../etc/Sổ tay hòa giải.pdf", PDF)
    assert form.is_valid(), form.errors
    saved = form.save()
    assert saved.file.name.startswith("materials/") and ".." not in saved.file.name
    assert saved.file_name == "Sổ tay hòa giải.pdf"
    response = client.get(reverse("material-file", args=[saved.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''S%E1%BB%95%20tay%20h%C3%B2a%20gi%E1%BA%A3i.pdf" in disposition
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    # The list links to it through the portal, never to a media path.
    page = client.get(LIBRARY).content.decode()
    assert reverse("material-file", args=[saved.pk]) in page and "/media/" not in page


def test_no_file_for_a_draft_a_link_or_a_typed_path(client, province, shelf):
    draft = material(province, "Dự thảo", published=None, file=SimpleUploadedFile("a.pdf", PDF))
    for pk in (draft.pk, shelf["handbook"].pk, 999999):
        assert client.get(reverse("material-file", args=[pk])).status_code == 404
    for path in ("/tai-lieu/..%2F..%2Fetc%2Fpasswd/tep/", "/tai-lieu/1/../../settings.py"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "name, data, fields, message",
    [
        ("so-tay.pdf", EXE, {}, "không phải"),  # a program renamed .pdf
        ("so-tay.exe", EXE, {}, "Không chấp nhận"),
        ("so-tay.pdf", PDF, {"link": "https://example.org/so-tay"}, "không nhập cả hai"),
    ],
    ids=["a program named .pdf", "an .exe", "a file and a link"],
)
def test_the_admin_refuses_a_wrong_file_or_both_file_and_link(
    province, name, data, fields, message
):
    form = upload_through_the_admin_form(province, name, data, **fields)
    assert not form.is_valid()
    assert message in str(form.errors), form.errors
    assert not Material.objects.exists()


def test_the_admin_refuses_a_material_with_neither_file_nor_link(province):
    form = MaterialForm(data={"title": "Sổ tay", "kind": "for_mediators", "publisher": province.pk})
    assert not form.is_valid()
    assert "đính kèm tệp tài liệu hoặc nhập đường dẫn" in str(form.errors)


@override_settings(MATERIAL_MAX_BYTES=1000)
def test_the_admin_refuses_a_file_over_the_limit(province):
    form = upload_through_the_admin_form(province, "so-tay.pdf", PDF + b"\0" * 1000)
    assert not form.is_valid()
    assert "tối đa 1000" in str(form.errors), form.errors


def test_staff_edit_materials_in_the_admin_with_history(client, province_staff, province):
    client.force_login(province_staff)
    response = client.post(
        reverse("admin:network_material_add"),
        {
            "title": "Sổ tay hòa giải viên",
            "kind": "for_mediators",
            "description": "Trình tự hòa giải.",
            "link": "https://example.org/so-tay",
            "published_on": "12/06/2024",
            "publisher": province.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = Material.objects.get()
    assert saved.published_on == date(2024, 6, 12)
    assert saved.history.get().history_user == province_staff
    page = client.get(reverse("admin:network_material_change", args=[saved.pk])).content.decode()
    assert "Đối tượng" in page and "Mô tả" in page
