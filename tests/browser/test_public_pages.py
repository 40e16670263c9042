"""Anyone, without logging in, on a phone (390 px) and a desktop: the public figures of the
year and the materials library, nothing sticking out sideways, figures from the approved
reports only."""

from datetime import date

import pytest

from network.models import Material
from reports import services
from units.models import AdminUnit

from .. import factories
from ..test_public_page import APPROVED_CASES, district_commune, report_with_cases
from .conftest import assert_no_sideways_scroll, vi

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def published(officer_a, province_staff, district_a):
    """District A's 2025 report approved; a few materials in the library."""
    factories.full_team(commune_code=district_commune(district_a).code)
    report = report_with_cases(district_a, officer_a, APPROVED_CASES)
    services.approve(report, province_staff)
    province = AdminUnit.objects.get(code="24")
    shelf = [
        (Material.Kind.FOR_MEDIATORS, "Sổ tay hòa giải viên ở cơ sở", date(2024, 6, 12)),
        (Material.Kind.FOR_MEDIATORS, "Kỹ năng hòa giải tranh chấp đất đai", date(2025, 9, 8)),
        (Material.Kind.DISSEMINATION, "Tờ gấp: Luật Hòa giải ở cơ sở năm 2013", date(2024, 4, 2)),
        (Material.Kind.FOR_TRAINERS, "Bộ bài giảng mẫu theo Chương trình khung", date(2025, 3, 10)),
    ]  # fmt: skip
    for kind, title, day in shelf:
        Material.objects.create(
            title=title,
            kind=kind,
            # A long unbroken word must wrap on a phone, not widen the page.
            description="Xem thêm: https://demo.example/tai-lieu/24/2025/"
            "bai-giang-mau-chuong-trinh-khung-boi-duong-hoa-giai-vien-o-co-so",
            link="https://demo.example/tai-lieu/24/" + str(day.year),
            published_on=day,
            publisher=province,
        )


def test_anyone_reads_the_year_s_figures_on_a_phone_and_a_desktop(page, published, shot):
    page.set_viewport_size(PHONE)
    page.goto("/dang-nhap/")
    page.get_by_role("link", name=vi("Public figures")).first.click()
    page.wait_for_url("**/cong-khai/")
    assert "601 / 678" in page.content()  # O8a from the approved report
    assert_no_sideways_scroll(page)
    shot(page, "public", "figures-390")
    page.get_by_role("link", name="2024", exact=True).click()
    page.wait_for_url("**/cong-khai/2024/")
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)
    page.goto("/cong-khai/2025/")
    assert_no_sideways_scroll(page)
    shot(page, "public", "figures-1366")
    page.emulate_media(media="print")
    assert page.locator(".year-switch").is_hidden()  # the switcher is not printed
    assert not page.problems


def test_a_mediator_finds_a_material_on_a_phone(page, published, shot):
    page.set_viewport_size(PHONE)
    page.goto("/tai-lieu/")
    assert_no_sideways_scroll(page)
    shot(page, "library", "all-390")
    page.get_by_role("link", name=vi("Materials for mediators")).first.click()
    page.wait_for_url("**/tai-lieu/hoa-giai-vien/")
    page.get_by_label(vi("Search (accents optional)")).fill("dat dai")
    page.get_by_role("button", name=vi("Search")).click()
    items = page.locator(".material h2")
    assert items.all_inner_texts() == ["Kỹ năng hòa giải tranh chấp đất đai"]
    assert_no_sideways_scroll(page)
    shot(page, "library", "search-390")
    assert not page.problems
