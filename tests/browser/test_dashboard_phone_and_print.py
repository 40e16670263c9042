"""The targets dashboard on a phone (390 px) and printed, in a real browser.

On a phone nothing scrolls sideways: the table of units scrolls inside its own box, and the
"not met" words hidden for screen readers stay inside it. Printed, the lists of units short
of a target are open, the sorting hint is gone and the day printed is under the title.
"""

import pytest

from reports.models import CommuneYear

from .conftest import assert_no_sideways_scroll, vi

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium_executable fixture skips (fails in CI) and says why
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def figures(district_a, district_b):
    """Two communes' 2025 figures: one short of O6a and O8a, so that cells and cards say so."""
    for district, trained, successful in ((district_a, 36, 90), (district_b, 20, 60)):
        CommuneYear.objects.create(
            commune=district.children.order_by("code").first(),
            year=YEAR,
            teams=10,
            compliant_teams=9,
            supported_teams=1,
            mediators=40,
            trained=trained,
            with_material=38,
            cases_received=100,
            cases_successful=successful,
            cases_unsuccessful=100 - successful,
        )


def test_the_dashboard_and_a_target_do_not_scroll_sideways_on_a_phone(
    page, log_in, shot, leader, figures
):
    journey = "phone"
    page.set_viewport_size(PHONE)
    log_in(page, leader)

    page.goto(f"/chi-tieu/?year={YEAR}")
    table = page.locator("table.sortable")
    expect(table).to_be_visible()
    # The table has cells marked "not met" (hidden words, kept for screen readers).
    expect(table.locator("td.shortfall").first).to_contain_text(vi("not met"))
    assert_no_sideways_scroll(page)
    shot(page, journey, "01-dashboard-390")

    page.goto(f"/chi-tieu/O8a/?year={YEAR}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("O8a")
    assert_no_sideways_scroll(page)
    shot(page, journey, "02-target-o8a-390")
    assert page.problems == [], page.problems


def test_the_printed_dashboard_opens_its_lists_and_says_when_it_was_printed(
    page, log_in, shot, leader, figures
):
    log_in(page, leader)
    page.goto(f"/chi-tieu/?year={YEAR}")
    o6a = page.locator("article.kpi-card").filter(has=page.locator(".code", has_text="O6a"))
    shortfall = o6a.locator("details.short li").first
    sorting_hint = page.get_by_text(vi("Click a column to sort."))
    printed_on = page.locator(".printed-on")
    # On screen: the list folded, the sorting hint shown, no printing day.
    expect(shortfall).to_be_hidden()
    expect(sorting_hint).to_be_visible()
    expect(printed_on).to_be_hidden()

    page.emulate_media(media="print")
    expect(shortfall).to_be_visible()
    expect(shortfall).to_contain_text("Huyện Yên Thế")  # district_b: 20 of 40 trained
    expect(sorting_hint).to_be_hidden()
    expect(printed_on).to_be_visible()
    shot(page, "print", "01-dashboard-print-media")
    # And printed for real: A4 pages, the foot of each numbered (CSS @page).
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    assert page.problems == [], page.problems
