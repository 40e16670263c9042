"""In a real browser (issue 19): the home page of each role on a desktop and a 390 px phone
(nothing scrolls sideways), the review grid at 1366 px with its flagged cell in view and its
commune column frozen, and an error page in the portal's look.

Screenshots: artifacts/screenshots/home-<role>-<width>.png, review-grid-1366.png,
error-403-leadership.png (conftest.py's ``shot``).
"""

import pytest
from django.utils import timezone

from reports import services
from reports.models import CommuneYear
from units.models import AdminUnit

from .conftest import assert_no_sideways_scroll, vi

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium_executable fixture skips (fails in CI) and says why
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def reports_to_review(officer_a, officer_b):
    """This year's reports of both districts, submitted: the staff have two to review."""
    year = timezone.localdate().year
    for officer, code in ((officer_a, "213"), (officer_b, "215")):
        unit = AdminUnit.objects.get(code=code, level=AdminUnit.Level.DISTRICT)
        report = services.open_report(unit, year)
        services.submit(report, officer, acknowledged=True, version=report.version)


@pytest.fixture
def commune_officer():
    """The commune officer of Phường Bắc Giang, after the 1/7/2025 arrangement."""
    from reports import reform

    from ..test_commune_officers import BAC_GIANG, SUCCESSORS
    from ..test_commune_officers import commune_officer as make

    reform.apply(SUCCESSORS)
    return make("xa", BAC_GIANG)


@pytest.mark.parametrize("persona", ["province_staff", "officer_a", "commune_officer", "leader"])
def test_the_home_page_of_each_role_fits_a_phone(persona, request, new_page, log_in, shot):
    if persona != "commune_officer":  # districts report no year after the arrangement
        request.getfixturevalue("reports_to_review")
    user = request.getfixturevalue(persona)
    page = new_page()
    log_in(page, user)
    page.goto("/")
    expect(page.get_by_role("heading", name=vi("What to do now"))).to_be_visible()
    page.set_viewport_size(DESKTOP)
    shot(page, "home", f"{persona}-1366")
    page.set_viewport_size(PHONE)
    page.goto("/")
    assert_no_sideways_scroll(page)
    shot(page, "home", f"{persona}-390")
    assert page.problems == [], page.problems


def test_staff_go_from_home_to_the_reports_waiting_for_review(
    page, log_in, province_staff, reports_to_review
):
    log_in(page, province_staff)
    page.get_by_role("link", name="Xem và duyệt").click()
    expect(page.locator("table.status-board tbody tr")).to_have_count(2)
    assert "status=submitted" in page.url


def test_the_review_grid_shows_the_flagged_cell_with_the_commune_frozen(
    page, log_in, shot, officer_a, province_staff, district_a
):
    year = 2025
    report = services.open_report(district_a, year)
    commune = district_a.children.get(code="07201")
    # A year earlier the ward received 30 cases; none now: a warning on "cases received".
    CommuneYear.objects.create(
        commune=commune, year=year - 1, cases_received=30, cases_successful=30
    )
    log_in(page, province_staff)
    page.set_viewport_size(DESKTOP)
    page.goto(f"/bao-cao/213/{year}/")
    assert report.status == "draft"
    cell = page.locator("#o-07201-cases_received")
    expect(cell).to_have_class("num group-start cell-warn")
    # Following the warning's link brings the flagged cell into view beside the commune.
    page.locator(".callout-warn a[href='#o-07201-cases_received']").click()
    box, viewport = cell.bounding_box(), page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    commune_cell = page.locator("table.grid tbody th.sticky").first
    assert commune_cell.evaluate("e => getComputedStyle(e).position") == "sticky"
    # The headers: two rows, none of their texts on more than three lines (six before).
    lines = page.locator("table.grid thead tr:nth-child(2) th").evaluate_all(
        """cells => cells.map(c => {
            const range = document.createRange();
            range.selectNodeContents(c);
            const line = parseFloat(getComputedStyle(c).lineHeight);
            return range.getBoundingClientRect().height / line;
        })"""
    )
    texts = page.locator("table.grid thead tr:nth-child(2) th").all_inner_texts()
    assert max(lines) <= 3.2, str(list(zip(texts, lines, strict=True)))
    assert_no_sideways_scroll(page)
    page.locator("table.grid").scroll_into_view_if_needed()
    shot(page, "review-grid", "1366")
    assert page.problems == [], page.problems


def test_an_error_page_is_vietnamese_in_the_portals_look(page, log_in, shot, leader):
    log_in(page, leader)
    response = page.goto("/hoa-giai-vien/han-tap-huan/")
    assert response.status == 403
    expect(page.get_by_role("heading", name=vi("Access denied"))).to_be_visible()
    expect(page.get_by_role("link", name=vi("Back to the home page"))).to_be_visible()
    expect(page.locator(".site-header")).to_be_visible()
    shot(page, "error-403", "leadership")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
