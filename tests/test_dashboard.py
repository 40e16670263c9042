"""The leadership dashboard: scope, year, export, and figures that follow the registry."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from reports.models import CommuneYear

from . import factories

pytestmark = pytest.mark.django_db
URL = reverse("dashboard")


@pytest.fixture
def lines(district_a, district_b):
    for district, successful, unsuccessful in ((district_a, 90, 5), (district_b, 70, 20)):
        CommuneYear.objects.create(
            commune=district.children.order_by("code").first(),
            year=2025,
            teams=10,
            compliant_teams=10,
            mediators=40,
            trained=36,
            cases_received=100,
            cases_successful=successful,
            cases_unsuccessful=unsuccessful,
            cases_in_progress=100 - successful - unsuccessful,
        )


def test_anonymous_visitors_log_in_first(client):
    assert client.get(URL)["Location"].startswith(reverse("login"))


def test_leadership_reads_the_province_with_words_not_only_colours(client, leader, lines):
    client.force_login(leader)
    response = client.get(URL, {"year": 2025})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kết quả thực hiện chỉ tiêu năm 2025" in page
    assert "Tỉnh Bắc Giang" in page
    assert "Số liệu tạm tính" in page
    assert "chưa đạt" in page and "đạt" in page
    assert "80,0%" in page  # O8a: 160 successful of 200 received
    assert "Theo huyện" in page and "Huyện Yên Thế" in page
    codes = [card.result.code for card in response.context["board"].cards]
    assert "O2b" in codes and "T3.1" in codes


def test_a_district_opens_its_communes(client, leader, lines, district_a):
    client.force_login(leader)
    response = client.get(URL, {"year": 2025, "unit": district_a.code})
    board = response.context["board"]
    assert board.unit == district_a
    assert {row["code"] for row in board.rows} == set(
        district_a.children.values_list("code", flat=True)
    )
    assert "O2b" not in [card.result.code for card in board.cards]  # province only


def test_a_district_officer_sees_its_own_district_only(
    client, officer_a, district_a, district_b, lines
):
    client.force_login(officer_a)
    assert client.get(URL).context["board"].unit == district_a
    assert client.get(URL, {"unit": district_b.code}).status_code == 404
    assert client.get(URL, {"unit": "24"}).status_code == 404
    assert client.get(reverse("dashboard-export"), {"unit": district_b.code}).status_code == 404


@pytest.mark.parametrize("year", ["2023", "2031", "abc"])
def test_a_year_outside_the_plan_is_not_found(client, leader, year):
    client.force_login(leader)
    assert client.get(URL, {"year": year}).status_code == 404


def test_a_future_year_says_no_data(client, leader, lines):
    client.force_login(leader)
    board = client.get(URL, {"year": 2030}).context["board"]
    assert all(card.result.met is None for card in board.cards)
    assert "chưa có số liệu" in client.get(URL, {"year": 2030}).content.decode()


def test_trends_say_plainly_when_they_cannot_project(client, leader, lines):
    client.force_login(leader)
    page = client.get(URL, {"year": 2025}).content.decode()
    assert "Chưa đủ số năm có số liệu để dự báo xu hướng." in page


def test_the_export_holds_what_is_on_screen(client, leader, lines):
    client.force_login(leader)
    response = client.get(reverse("dashboard-export"), {"year": 2025})
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["Chỉ tiêu năm 2025", "Theo đơn vị"]
    targets = book.get_sheet_by_name("Chỉ tiêu năm 2025").to_python()
    o8a = next(row for row in targets if row[0] == "O8a")
    assert o8a[2] == "80,0%" and o8a[-1] == "chưa đạt"
    units = book.get_sheet_by_name("Theo đơn vị").to_python()
    assert len(units) == 1 + 10


def test_a_new_mediator_shows_on_the_next_request(
    client, leader, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        team = factories.full_team()
    board = client.get(URL, {"year": 2025}).context["board"]
    o4 = next(card.result for card in board.cards if card.result.code == "O4")
    assert (o4.numerator, o4.denominator) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        woman = team.mediators.get(sex="F")
        woman.left_on = date(2025, 1, 1)
        woman.save()
    board = client.get(URL, {"year": 2025}).context["board"]
    o4 = next(card.result for card in board.cards if card.result.code == "O4")
    assert (o4.numerator, o4.denominator, o4.met) == (0, 1, False)


def test_the_success_rate_page_shows_both_bases(client, leader, lines):
    client.force_login(leader)
    response = client.get(reverse("target-detail", args=["O8a"]), {"year": 2025})
    assert response.status_code == 200
    [(received_basis, received), (concluded_basis, concluded)] = response.context["bases"]
    assert (received.numerator, received.denominator) == (160, 200)
    assert (concluded.numerator, concluded.denominator) == (160, 185)
    page = response.content.decode()
    assert "hòa giải thành ÷ số vụ việc tiếp nhận" in page
    assert "hòa giải thành ÷ số vụ việc đã kết thúc" in page


def test_an_unknown_target_is_not_found(client, leader):
    client.force_login(leader)
    assert client.get(reverse("target-detail", args=["X9"])).status_code == 404


def test_a_trend_chart_draws_the_years_the_target_and_the_projection(db):
    from django.utils import translation

    from targets.dashboard import build_trend
    from targets.models import Target

    o8a = Target.objects.get(code="O8a")  # ≥ 85% by 2030
    with translation.override("vi"):
        chart = build_trend(o8a, {2024: 0.6, 2025: 0.65, 2026: None}).chart()
    assert chart.startswith('<svg viewBox="0 0 300 140" role="img"')
    assert 'aria-label="Diễn biến chỉ tiêu O8a qua các năm"' in chart
    # 2024 → 2030 along the axis, one point per year with figures, the 85% line (y of 0.85
    # on a 0–1 scale: 12 + 104 × 0.15), the line through the points and on to 2030 (90%).
    assert [f">{year}</text>" in chart for year in range(2024, 2031)] == [True] * 7
    assert chart.count('class="point"') == 2
    assert '<circle cx="16.0" cy="53.6" r="3" class="point"/>' in chart  # 60% in 2024
    assert 'y1="27.6" x2="284" y2="27.6" class="target-line"' in chart
    assert 'class="series"' in chart and 'class="projection"' in chart

    only_one_year = build_trend(o8a, {2024: 0.5, 2025: None}).chart()
    assert 'class="projection"' not in only_one_year and chart.endswith("</svg>")


def test_the_queries_do_not_grow_with_the_figures(
    client, leader, settings, django_assert_num_queries
):
    """Every read from the database (no cache across requests): the commune-year figures
    are summed by the database, so the page costs the same queries for 3 communes' figures
    and for every commune's, with pilot communes among them."""
    from network.models import PilotCommune
    from units.models import AdminUnit

    settings.CACHE_ACROSS_REQUESTS = False
    communes = list(AdminUnit.objects.filter(level="commune").order_by("code"))
    client.force_login(leader)

    def add_figures(some):
        CommuneYear.objects.bulk_create(
            CommuneYear(
                commune=c, year=year, teams=4, mediators=20, cases_received=9, cases_successful=9
            )
            for c in some
            for year in (2024, 2025)
        )
        PilotCommune.objects.bulk_create(PilotCommune(commune=c) for c in some[:2])

    add_figures(communes[:3])
    client.get(URL, {"year": 2025})
    with CaptureQueriesContext(connection) as few:
        small = client.get(URL, {"year": 2025})
    add_figures(communes[3:])
    with django_assert_num_queries(len(few)):
        large = client.get(URL, {"year": 2025})

    def received(response, code):
        return next(c.result for c in response.context["board"].cards if c.result.code == code)

    assert received(small, "O8a").denominator == 9 * 3
    assert received(large, "O8a").denominator == 9 * len(communes)
    assert received(large, "O8b").denominator == 9 * 4  # the pilot communes' cases apart
