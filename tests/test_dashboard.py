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


def trend_of(code, values, **options):
    from targets.dashboard import build_trend
    from targets.models import Target

    return build_trend(Target.objects.get(code=code), values, **options)


def test_a_trend_chart_draws_the_axis_the_years_the_target_and_the_projection(db):
    from django.utils import translation

    values = {2024: 0.6, 2025: 0.65, 2026: 0.7, **dict.fromkeys(range(2027, 2031))}
    with translation.override("vi"):
        trend = trend_of("O8a", values, selected_year=2025, this_year=2026)  # ≥ 85% by 2030
        chart = trend.chart()
    assert chart.startswith('<svg viewBox="0 0 300 150" role="img"')
    assert 'aria-label="Diễn biến chỉ tiêu O8a qua các năm"' in chart
    # A y-axis with values, the years 2024 → 2030 along the bottom, the year shown marked.
    assert [f'class="value-tick">{text}</text>' in chart for text in ("0%", "50%", "100%")] == [
        True
    ] * 3
    assert [f">{year}</text>" in chart for year in range(2024, 2031)] == [True] * 7
    assert 'class="tick selected">2025</text>' in chart and 'class="selected-year"' in chart
    assert chart.count('class="point') == 3 and chart.count('class="point selected"') == 1
    # The target first, under the values: where the two coincide both stay visible.
    assert chart.index('class="target-line"') < chart.index('class="series"')
    # 60%, 65%, 70%: at this pace 90% in 2030.
    assert trend.projection == pytest.approx(0.9) and 'class="projection"' in chart


@pytest.mark.parametrize(
    ("code", "values", "expected"),
    [
        ("O6a", {2024: 0.4, 2025: 0.6, 2026: 0.8}, 1.0),  # not 160%: a rate stops at 100%
        ("O5", {2024: 0.3, 2025: 0.2, 2026: 0.1}, 0.0),  # nor below 0%
        ("O1", {2024: 1, 2025: 2, 2026: 3}, 3.0),  # 3 kinds of material is all there is
        ("O2b", {2024: 130.0, 2025: 120.0, 2026: 110.0}, 70.0),  # teams per trainer
    ],
)
def test_a_projection_stays_within_what_the_measure_can_be(db, code, values, expected):
    trend = trend_of(
        code, {**values, 2027: None}, this_year=2026, ceiling=3 if code == "O1" else None
    )
    assert (trend.projection, trend.no_projection) == (pytest.approx(expected), None)


def test_no_projection_from_too_few_years_past_the_deadline_or_to_nonsense(db):
    # Two years say too little about 2030.
    assert trend_of("O8a", {2024: 0.5, 2025: 0.6, 2026: None}, this_year=2026).no_projection == (
        "few"
    )
    # T3.1's deadline is 2026: in 2026 there is nothing left to project.
    t31 = trend_of("T3.1", {2024: 20, 2025: 22, 2026: 24}, this_year=2026)
    assert (t31.projection, t31.no_projection) == (None, "deadline")
    assert 'class="projection"' not in t31.chart()
    # Teams per trainer falling to 0 (or below) is no pace that can go on.
    o2b = trend_of("O2b", {2024: 120.0, 2025: 80.0, 2026: 40.0}, this_year=2026)
    assert (o2b.projection, o2b.no_projection) == (None, "range")


def test_the_card_says_why_there_is_no_projection(db):
    from types import SimpleNamespace

    from django.utils import translation

    from targets.render import CardWriter

    board = SimpleNamespace(
        unit=SimpleNamespace(code="24", level="province"), year=2026, by_districts=False
    )
    with translation.override("vi"):
        writer = CardWriter(board)
        captions = [
            writer.trend(trend_of("T3.1", {2024: 20, 2025: 22, 2026: 24}, this_year=2026)),
            writer.trend(trend_of("O2b", {2024: 120.0, 2025: 80.0, 2026: 40.0}, this_year=2026)),
            writer.trend(trend_of("O6a", {2024: 0.4, 2025: 0.6, 2026: 0.8}, this_year=2026)),
        ]
    assert "Đã đến thời hạn năm 2026: không dự báo." in captions[0]
    assert "vào năm 2026" not in captions[0]
    assert "Đà hiện nay không thể kéo dài đến năm 2030: không dự báo." in captions[1]
    assert "0,0 tổ" not in captions[1]
    assert "Theo đà hiện nay: 100,0% vào năm 2030." in captions[2]


def test_a_target_judged_district_by_district_says_its_figure_is_the_average(
    client, leader, district_a, district_b
):
    from network.models import Trainer

    from .test_kpi_fidelity import cards_html

    # 100 teams for one trainer in one district, 20 in the other: 60 on average (≤ 80), but
    # the first district falls short.
    for district, teams in ((district_a, 100), (district_b, 20)):
        CommuneYear.objects.create(
            commune=district.children.order_by("code").first(), year=2024, teams=teams
        )
        Trainer.objects.create(
            full_name=f"Tập huấn viên {district.code}",
            level="district",
            unit=district,
            active_from=date(2024, 1, 1),
        )
    client.force_login(leader)
    response = client.get(URL, {"year": 2024})
    o2a = cards_html(response.content.decode())["O2a"]
    assert '<span class="value">60,0 tổ/tập huấn viên</span>' in o2a
    assert "bình quân toàn tỉnh · <strong" in o2a and "1 đơn vị chưa đạt</strong>" in o2a
    assert "ở từng đơn vị" in o2a
    detail = client.get(reverse("target-detail", args=["O2a"]), {"year": 2024})
    assert "bình quân toàn tỉnh" in detail.content.decode()


def test_the_pages_write_every_number_the_vietnamese_way(client, leader):
    CommuneYear.objects.create(
        commune=factories.commune("07201"),
        year=2025,
        teams=1555,
        compliant_teams=1555,
        mediators=12345,
        trained=10000,
    )
    client.force_login(leader)
    page = client.get(URL, {"year": 2025}).content.decode()
    assert "10.000 / 12.345" in page and "1.555 / 1.555" in page
    assert "12345" not in page and "1555" not in page


def test_the_success_rate_page_names_no_setting(client, leader, lines):
    client.force_login(leader)
    page = client.get(reverse("target-detail", args=["O8a"]), {"year": 2025}).content.decode()
    assert "SUCCESS_RATE_BASIS" not in page


def test_the_cards_and_the_table_escape_what_people_typed(client, leader, lines, district_a):
    from targets.models import Target

    Target.objects.filter(code="O4").update(title='<b onclick="x()">Đủ</b> & thành phần')
    district_a.name = "Huyện <i>Yên</i> Dũng"
    district_a.save()
    client.force_login(leader)
    page = client.get(URL, {"year": 2025}).content.decode()
    assert "&lt;b onclick=&quot;x()&quot;&gt;Đủ&lt;/b&gt; &amp; thành phần" in page
    assert "Huyện &lt;i&gt;Yên&lt;/i&gt; Dũng" in page
    assert "<b onclick" not in page and "<i>Yên</i>" not in page


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
