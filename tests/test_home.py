"""The home page tells each role what to do now (issue 19, item 7).

Hoa (province staff): the reports waiting for review, with a link to the board's filter;
the units that have not submitted; the provincial agencies' overdue tasks. An (officer of
district 213): the state and deadline of the unit's report for this year, with a link.
Lan (leadership): the dashboard's headline for the year, with a link.
"""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Responsibility
from reports import services
from reports.models import YearlyReport
from targets.kpi import Kpi
from units.models import AdminUnit

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def this_year() -> int:
    return timezone.localdate().year


def submitted(unit_code, officer=None):
    unit = AdminUnit.objects.get(code=unit_code, level=AdminUnit.Level.DISTRICT)
    report = services.open_report(unit, this_year())
    return services.step(
        report, officer, "submit", [YearlyReport.Status.DRAFT], YearlyReport.Status.SUBMITTED
    )


def test_staff_see_the_reports_waiting_for_review_with_a_link_to_the_boards_filter(
    client, province_staff
):
    year = this_year()
    submitted("213")
    submitted("215")
    page = home(client, province_staff)
    assert f"2</strong> báo cáo năm {year} đang chờ anh/chị duyệt" in page
    link = f"/bao-cao/?year={year}&status=submitted"
    assert f'href="{link}"' in page
    board = client.get(link).content.decode()
    # The board opens on its "submitted" filter, listing those two districts only.
    assert 'status=submitted" aria-current="true"' in board
    assert board.count('class="status report-submitted"') == 2


def test_staff_see_how_many_units_have_not_submitted(client, province_staff):
    year = this_year()
    units = services.reporting_units(year).count()
    submitted("213")
    page = home(client, province_staff)
    assert f"{units - 1}</strong> đơn vị chưa nộp báo cáo năm {year}" in page
    assert f"/bao-cao/?year={year}&status=not_submitted" in page


def test_with_nothing_to_review_staff_are_told_so(client, province_staff):
    assert "Không có báo cáo nào đang chờ duyệt." in home(client, province_staff)


def test_staff_see_the_provincial_agencies_overdue_tasks(client, province_staff):
    rows = Responsibility.objects.filter(unit__isnull=True, in_plan=True, year__lt=this_year())
    overdue = rows.exclude(status=Responsibility.Status.DONE).count()
    assert overdue  # the plan's provincial tasks of past years, none reported done
    page = home(client, province_staff)
    assert f"{overdue}</strong> nhiệm vụ của các cơ quan cấp tỉnh bị quá hạn" in page
    rows.update(status=Responsibility.Status.DONE)
    assert "Không có nhiệm vụ nào của kế hoạch bị quá hạn." in home(client, province_staff)


def test_an_officer_sees_its_reports_state_and_deadline_with_a_link(client, officer_a):
    year = this_year()
    due = services.deadline(year)
    days = (due - timezone.localdate()).days
    page = home(client, officer_a)
    report_url = reverse("reports:report", args=["213", year])
    assert f"Báo cáo năm {year}: chưa lập — hạn nộp {due:%d/%m/%Y}, còn {days} ngày." in page
    assert f'href="{report_url}"' in page and "Nhập số liệu và nộp" in page
    submitted("213", officer_a)
    assert f"Báo cáo năm {year}: đã nộp." in home(client, officer_a)


def test_an_officer_is_told_when_its_report_was_returned(client, officer_a, province_staff):
    report = submitted("213", officer_a)
    services.return_report(report, province_staff, "Thiếu số vụ việc")
    page = home(client, officer_a)
    assert f"Báo cáo năm {this_year()}: bị trả lại để chỉnh sửa" in page
    assert "Sửa và nộp lại" in page


def test_an_officer_does_not_see_another_units_report(client, officer_b):
    submitted("213")
    page = home(client, officer_b)
    assert reverse("reports:report", args=["215", this_year()]) in page
    assert reverse("reports:report", args=["213", this_year()]) not in page


def test_leadership_see_the_dashboards_headline_with_a_link(client, leader):
    year = this_year()
    province = AdminUnit.objects.root_province()
    results = [r for r in Kpi(year, province).results() if r.applies]
    met = sum(r.met is True for r in results)
    not_met = sum(r.met is False for r in results)
    no_data = sum(r.met is None for r in results)
    page = home(client, leader)
    assert f"Chỉ tiêu năm {year} — {province.name}" in page
    assert f"<strong>{met}</strong> đạt" in page
    assert f"<strong>{not_met}</strong> chưa đạt" in page
    assert f"<strong>{no_data}</strong> chưa có số liệu" in page
    assert f'href="/chi-tieu/?year={year}"' in page
    # Leadership review nothing: no review item.
    assert "chờ anh/chị duyệt" not in page


def test_the_home_page_no_longer_lists_every_target(client, officer_a):
    # The static table of the plan's targets gave no one anything to do.
    assert "Đạt khi" not in home(client, officer_a)


def test_a_commune_officer_sees_its_communes_report_and_deadline(client):
    from reports import reform

    from .test_commune_officers import BAC_GIANG, SUCCESSORS, commune_officer

    reform.apply(SUCCESSORS)
    officer = commune_officer("xa", BAC_GIANG)
    year = this_year()
    page = home(client, officer)
    assert f"Báo cáo năm {year}: chưa lập — hạn nộp" in page
    assert f'href="{reverse("reports:report", args=[BAC_GIANG, year])}"' in page
