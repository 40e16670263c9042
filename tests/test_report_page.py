"""The report page as the reviewer reads it (issue 19, items 5 and 6).

The grid: fifteen figures under five group headings (two header rows), short labels with
the full name as a tooltip, the cells a warning points at marked and linked from the
warning, numbers grouped (1.555). A resubmitted report: the header gives the latest
submission, and the page lists what the unit changed since the report was returned.
"""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import CommuneYear, YearlyReport

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

YEAR = 2025
COMMUNE = "07201"  # Phường Thọ Xương, of Thành phố Bắc Giang (213)


def page(client, user) -> str:
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("reports:report", args=["213", YEAR]))
    assert response.status_code == 200
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def line(code=COMMUNE):
    return CommuneYear.objects.get(commune__code=code, year=YEAR)


@pytest.fixture
def report(district_a):
    return services.open_report(district_a, YEAR)


def save(report, user, commune=COMMUNE, header=None, **figures):
    report.refresh_from_db()
    row = line(commune)
    values = {**row.figures(), **figures}
    return services.save_report(
        report, user, report.version, {row.commune_id: values}, header=header
    )


def test_the_grid_groups_its_columns_under_two_header_rows(client, report, province_staff):
    text = page(client, province_staff)
    for heading, span in [
        ("Tổ hòa giải", 3),
        ("Hòa giải viên", 3),
        ("Mới công nhận", 2),
        ("Tập huấn, tài liệu", 3),
        ("Vụ việc", 4),
    ]:
        assert f'colspan="{span}" class="group">{heading}</th>' in text
    assert 'rowspan="2" class="sticky">Xã</th>' in text
    # Short labels; the field's full name is the tooltip.
    assert 'title="Số vụ việc tiếp nhận">Tiếp nhận</th>' in text
    assert 'title="Trong đó nữ">Nữ</th>' in text


def test_the_cells_a_warning_points_at_are_marked_and_linked(
    client, report, officer_a, province_staff
):
    # A year earlier the ward received 30 cases; now none: a warning on "cases received".
    CommuneYear.objects.create(
        commune=line().commune, year=YEAR - 1, cases_received=30, cases_successful=30
    )
    text = page(client, province_staff)
    cell = f"o-{COMMUNE}-cases_received"
    assert f'<td id="{cell}" class="num group-start cell-warn"' in text
    assert f'<a href="#{cell}">Số vụ việc tiếp nhận</a>: số vụ việc tiếp nhận thay đổi' in text
    assert 'col-warn" title="Số vụ việc tiếp nhận"' in text
    # Only that cell: its neighbour is plain.
    assert f'<td id="o-{COMMUNE}-cases_successful" class="num"' in text


def test_the_read_only_grid_groups_thousands(client, report, officer_a, province_staff):
    save(report, officer_a, cases_received=1555, cases_successful=1555)
    text = page(client, province_staff)
    assert re.search(rf'id="o-{COMMUNE}-cases_received"[^>]*> 1\.555', text)
    assert ">1555<" not in text and " 1555 " not in text


def returned_and_resubmitted(report, officer, staff, **figures):
    report.refresh_from_db()
    services.submit(report, officer, acknowledged=True, version=report.version)
    report.refresh_from_db()
    services.return_report(report, staff, "Số vụ việc chưa khớp sổ theo dõi")
    if figures:
        save(report, officer, header={"trainings_held": 4}, **figures)
    report.refresh_from_db()
    services.submit(report, officer, acknowledged=True, version=report.version)
    report.refresh_from_db()
    return report


def test_a_resubmitted_report_shows_its_latest_submission(
    client, report, officer_a, province_staff
):
    report = returned_and_resubmitted(
        report, officer_a, province_staff, cases_received=5, cases_successful=5
    )
    first, last = report.events.filter(action="submit").order_by("at")
    assert report.submitted_at < last.at  # the first submission stays the deadline's
    text = page(client, province_staff)
    shown = timezone.localtime(last.at).strftime("%H:%M %d/%m/%Y")
    first_day = timezone.localtime(first.at).strftime("%d/%m/%Y")
    assert f"nộp lại lúc {shown} (lần nộp thứ 2; nộp lần đầu ngày {first_day})" in text


def test_the_reviewer_sees_what_changed_since_the_return_line_by_line(
    client, report, officer_a, province_staff
):
    report = returned_and_resubmitted(
        report,
        officer_a,
        province_staff,
        cases_received=5,
        cases_successful=4,
        cases_unsuccessful=1,
    )
    text = page(client, province_staff)
    assert "Những thay đổi từ khi báo cáo bị trả lại lúc" in text
    assert (
        "<strong>Phường Thọ Xương</strong>: Số vụ việc tiếp nhận 0 → 5; Hòa giải thành 0 → 4; "
        "Hòa giải không thành 0 → 1</li>"
    ) in text
    assert "<strong>Số lớp tập huấn đã tổ chức</strong>: 0 → 4" in text
    # Only the ward that changed is listed.
    other = (
        CommuneYear.objects.filter(year=YEAR, commune__parent__code="213")
        .exclude(commune__code=COMMUNE)
        .first()
    )
    assert f"<strong>{other.commune.name}</strong>:" not in text


def test_a_report_resubmitted_unchanged_says_so(client, report, officer_a, province_staff):
    returned_and_resubmitted(report, officer_a, province_staff)
    text = page(client, province_staff)
    assert "Chưa có số liệu nào thay đổi từ khi báo cáo bị trả lại." in text


def test_a_report_never_returned_has_no_changes_section(client, report, officer_a, province_staff):
    report.refresh_from_db()
    services.submit(report, officer_a, acknowledged=True, version=report.version)
    assert YearlyReport.objects.get(pk=report.pk).status == "submitted"
    text = page(client, province_staff)
    assert "Những thay đổi từ khi" not in text and "nộp lại" not in text


def test_a_return_recorded_before_the_figures_were_kept_reads_them_from_the_history(
    client, report, officer_a, province_staff
):
    report = returned_and_resubmitted(report, officer_a, province_staff, cases_received=5,
                                      cases_successful=5)  # fmt: skip
    returned = report.events.get(action="return")
    returned.figures = {}  # as a step stored before ReportEvent.figures existed
    returned.save()
    text = page(client, province_staff)
    assert "<strong>Số lớp tập huấn đã tổ chức</strong>: 0 → 4" in text
