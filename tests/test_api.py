"""The public API: units over time, the targets as ``kpi --json`` prints them, the figures
of approved reports only; bad parameters get a Vietnamese message and a 4xx."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from reports import reform
from reports.models import CommuneYear, YearlyReport
from units.models import AdminUnit

from . import factories

pytestmark = pytest.mark.django_db

SUCCESSORS = {"07693": "07682", "07732": "07681", "07744": "07738"}  # as scripts/run.sh


def kpi_json(year, *args):
    out = StringIO()
    call_command("kpi", "--year", str(year), *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def line(commune, year, received, successful, **fields):
    row, _ = CommuneYear.objects.update_or_create(
        commune=commune,
        year=year,
        defaults={
            "cases_received": received,
            "cases_successful": successful,
            "cases_unsuccessful": received - successful,
            "cases_in_progress": 0,
            **fields,
        },
    )
    return row


@pytest.mark.parametrize(
    ("year", "unit"), [(2024, None), (2024, "213"), (2025, "07201"), (2026, None)]
)
def test_the_targets_are_what_the_kpi_command_prints(client, year, unit):
    factories.full_team("Thôn Đông", "07201")
    args = ["--unit", unit] if unit else []
    url = f"/api/v1/targets?year={year}" + (f"&unit={unit}" if unit else "")
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == kpi_json(year, *args)


def test_units_across_the_1_7_2025_reform(client):
    reform.apply(SUCCESSORS)
    before = client.get("/api/v1/units/07210?date=2025-06-30").json()
    after = client.get("/api/v1/units/07210?date=2025-07-01").json()
    assert before["name"] == "Phường Hoàng Văn Thụ" and before["valid_to"] == "2025-06-30"
    assert before["parent"]["code"] == "213"
    assert [unit["name"] for unit in before["successors"]] == ["Phường Bắc Giang"]
    assert after["name"] == "Phường Bắc Giang" and after["valid_from"] == "2025-07-01"
    assert after["parent"] == {
        "code": "24",
        "name": "Tỉnh Bắc Ninh",
        "level": "province",
        "valid_from": "2025-07-01",
        "valid_to": None,
    }
    assert "Phường Hoàng Văn Thụ" in [unit["name"] for unit in after["predecessors"]]
    province = client.get("/api/v1/units/24?date=2025-07-01").json()
    assert "Tỉnh Bắc Giang" in [unit["name"] for unit in province["predecessors"]]
    # No districts since 1/7/2025; ten on its eve.
    assert client.get("/api/v1/units?date=2025-07-01&level=district").json()["items"] == []
    districts = client.get("/api/v1/units?date=2025-06-30&level=district").json()["items"]
    assert len(districts) == 10
    # The targets of the new province are those kpi prints for it.
    assert client.get("/api/v1/targets?year=2025").json() == kpi_json(2025)


def test_unit_pages_cover_every_unit_once(client):
    codes, after = [], None
    while True:
        url = "/api/v1/units?date=2025-01-01&limit=50" + (f"&after={after}" if after else "")
        page = client.get(url).json()
        codes += [unit["code"] for unit in page["items"]]
        after = page["next_after"]
        if after is None:
            break
    assert codes == sorted(AdminUnit.objects.values_list("code", flat=True))
    assert len(codes) == 1 + 10 + 195


def test_the_figures_count_only_approved_reports(client):
    a, b = AdminUnit.objects.get(code="213"), AdminUnit.objects.get(code="215")
    commune_a = AdminUnit.objects.filter(parent=a).order_by("code").first()
    commune_b = AdminUnit.objects.filter(parent=b).order_by("code").first()
    line(commune_a, 2024, 10, 9, teams=4, mediators=20)
    line(commune_b, 2024, 30, 20, teams=7, mediators=35)
    YearlyReport.objects.create(unit=a, year=2024, status=YearlyReport.Status.APPROVED)
    YearlyReport.objects.create(unit=b, year=2024, status=YearlyReport.Status.SUBMITTED)
    data = client.get("/api/v1/figures?year=2024").json()
    assert (data["reports_approved"], data["reports_expected"]) == (1, 10)
    rows = {row["code"]: row for row in data["units"]}
    assert rows["213"]["approved"] and rows["213"]["figures"]["cases_received"] == 10
    assert not rows["215"]["approved"] and rows["215"]["figures"] is None
    assert data["totals"]["cases_received"] == 10 and data["totals"]["teams"] == 4
    # A district's communes, under its approved report; nothing under 215's submitted one.
    communes = client.get("/api/v1/figures?year=2024&unit=213").json()["units"]
    assert {row["code"]: row["figures"] for row in communes}[commune_a.code]["mediators"] == 20
    below_b = client.get("/api/v1/figures?year=2024&unit=215").json()
    assert below_b["totals"] is None
    assert all(row["figures"] is None for row in below_b["units"])
    # A year not reported yet: nothing.
    assert client.get("/api/v1/figures?year=2025").json()["totals"] is None


# fmt: off
BAD = [
    # request                                 status  message
    ("/api/v1/targets",                       400, "Thiếu tham số “year”."),
    ("/api/v1/targets?year=abc",              400, "Tham số “year” phải là số nguyên."),
    ("/api/v1/targets?year=99999999999",      400, "Tham số “year” không được lớn hơn 2100."),
    ("/api/v1/targets?year=2040",             404, "Năm 2040 nằm ngoài thời gian của kế hoạch"),
    ("/api/v1/targets?year=2025&unit=99999",  404, "Năm 2025 không có đơn vị nào mang mã “99999”."),
    ("/api/v1/targets?year=2025&unit=2%3B1",  400, "Tham số “unit” không đúng dạng."),
    ("/api/v1/units?date=2025-02-30",         400, "Tham số “date” phải là một ngày"),
    ("/api/v1/units?date=0",                  400, "Tham số “date” không đúng dạng."),
    ("/api/v1/units?date=1800-01-01",         400, "từ 02/09/1945 đến 31/12/2100"),
    ("/api/v1/units?limit=0",                 400, "Tham số “limit” không được nhỏ hơn 1."),
    ("/api/v1/units?level=huyen",             400, "'province', 'district', 'commune'."),
    ("/api/v1/units/99?date=2025-01-01",      404, "Không có đơn vị nào mang mã “99” vào ngày"),
    ("/api/v1/plan/tasks/11.9",               404, "Kế hoạch không có nhiệm vụ 11.9."),
    ("/api/v1/targets?yaer=2025&year=2025",   400, "API không có tham số “yaer”."),
    ("/api/v1/khong-co",                      404, "API không có địa chỉ này"),
    ("/api/v1/units?level=%00",               400, "ký tự"),
]
# fmt: on


@pytest.mark.parametrize(("url", "status", "message"), BAD)
def test_bad_parameters_get_a_4xx_and_a_vietnamese_message(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert message in response.json()["detail"]


def test_the_docs_page_is_served_from_this_site(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
