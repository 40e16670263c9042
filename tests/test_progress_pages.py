"""Plan progress pages: the timeline, reporting a cell, evidence, export, scoping by role."""

import io
from datetime import date
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Activity, Evidence, Responsibility

from .conftest import PASSWORD
from .test_evidence import EXE, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def cell_url(number="2.1", year=2025):
    return reverse("progress-cell", args=[number, year])


def row(number="2.1", year=2025, district=None):
    return Responsibility.objects.get(task__number=number, year=year, unit=district)


def activity(responsibility, files=(), **fields):
    data = {
        "action": "activity",
        "responsibility": responsibility.pk,
        f"r{responsibility.pk}-held_on": "15/03/2025",
        f"r{responsibility.pk}-description": "Họp chọn xã điểm, ban hành quyết định",
        f"r{responsibility.pk}-participants": 25,
        f"r{responsibility.pk}-budget": 3_500_000,
        f"r{responsibility.pk}-files": list(files),
    }
    data.update({f"r{responsibility.pk}-{name}": value for name, value in fields.items()})
    return data


def test_the_timeline_shows_each_task_and_year(client, leader):
    page = login(client, leader).get(reverse("progress"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "0/10" in text  # 2.1: ten districts, none done
    assert cell_url() in text
    assert "10.1" in text


def test_anonymous_visitors_log_in_first(client):
    assert client.get(reverse("progress")).status_code == 302


def test_an_officer_reports_its_districts_row_with_evidence(client, officer_a, district_a):
    mine = row(district=district_a)
    pdf = SimpleUploadedFile("bien-ban.pdf", PDF)
    response = login(client, officer_a).post(cell_url(), activity(mine, [pdf]))
    assert response.status_code == 302
    recorded = Activity.objects.get()
    assert (recorded.participants, recorded.budget, recorded.held_on) == (
        25,
        3_500_000,
        date(2025, 3, 15),
    )
    assert recorded.evidence.get().kind == "pdf"
    mine.refresh_from_db()
    assert mine.status == Responsibility.Status.IN_PROGRESS  # started by the activity

    client.post(cell_url(), {"action": "status", "responsibility": mine.pk, "status": "done"})
    mine.refresh_from_db()
    assert mine.status == "done" and mine.history.first().history_user == officer_a


def test_the_officer_sees_only_its_own_rows(client, officer_a, district_a, district_b):
    page = login(client, officer_a).get(cell_url()).content.decode()
    assert "activity-form" in page  # its own row takes reports
    assert f'id="r{row(district=district_a).pk}"' in page
    assert f'id="r{row(district=district_b).pk}"' not in page


def test_another_districts_row_is_not_found(client, officer_a, district_b):
    theirs = row(district=district_b)
    response = login(client, officer_a).post(cell_url(), activity(theirs))
    assert response.status_code == 404
    assert not Activity.objects.exists()


def test_province_staff_report_provincial_rows_not_districts(client, province_staff, district_a):
    provincial = row("3.1")  # Sở Tư pháp
    login(client, province_staff)
    assert client.post(cell_url("3.1"), activity(provincial)).status_code == 302
    response = client.post(cell_url(), activity(row(district=district_a)))
    assert response.status_code == 403
    assert Activity.objects.count() == 1


def test_leadership_reads_but_does_not_report(client, leader, district_a):
    response = login(client, leader).post(cell_url(), activity(row(district=district_a)))
    assert response.status_code == 403
    assert "activity-form" not in client.get(cell_url()).content.decode()


def test_a_program_renamed_pdf_is_refused_and_nothing_saved(client, officer_a, district_a):
    fake = SimpleUploadedFile("bien-ban.pdf", EXE)
    response = login(client, officer_a).post(cell_url(), activity(row(district=district_a), [fake]))
    assert response.status_code == 400
    assert "bien-ban.pdf" in response.content.decode()
    assert 'value="25"' in response.content.decode()  # the input is kept
    assert not Activity.objects.exists() and not Evidence.objects.exists()


@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_too_large_a_file_is_refused_with_a_message(client, officer_a, district_a):
    big = SimpleUploadedFile("bien-ban.pdf", PDF + b"0" * 4096)
    response = login(client, officer_a).post(cell_url(), activity(row(district=district_a), [big]))
    assert response.status_code == 400
    assert "1,0\xa0KB" in response.content.decode()
    assert not Activity.objects.exists()


def test_evidence_downloads_only_within_scope(client, officer_a, officer_b, district_a):
    pdf = SimpleUploadedFile("bien-ban.pdf", PDF)
    login(client, officer_a).post(cell_url(), activity(row(district=district_a), [pdf]))
    item = Evidence.objects.get()
    download = client.get(reverse("evidence-file", args=[item.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert login(client, officer_b).get(reverse("evidence-file", args=[item.pk])).status_code == 404


def test_a_file_name_too_long_for_a_disk_is_stored_and_downloads_under_its_name(
    client, officer_a, district_a, settings
):
    # On disk, as in production: a name of more than 255 UTF-8 bytes was "File name too long".
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    name = "Biên bản họp chọn xã điểm hòa giải ở cơ sở " * 5 + ".pdf"
    assert len(name) < 255 < len(name.encode())
    pdf = SimpleUploadedFile(name, PDF)
    response = login(client, officer_a).post(cell_url(), activity(row(district=district_a), [pdf]))
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert item.name.endswith(".pdf") and name.startswith(item.name.removesuffix(".pdf"))
    assert len(item.name.encode()) <= 255
    assert len(item.file.name.rsplit("/", 1)[-1]) < 40  # stored under a generated name
    assert item.name in client.get(cell_url()).content.decode()
    download = client.get(reverse("evidence-file", args=[item.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert quote(item.name) in download["Content-Disposition"]


def test_the_export_is_the_plans_assignment_table(client, leader, district_a):
    done = row(district=district_a)
    done.status = "done"
    done.save()
    response = login(client, leader).get(reverse("progress-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 6
    task_row = next(r for r in rows if r[0] == "2.1")
    assert "UBND cấp huyện" in task_row[2]
    assert "2025: 1/10" in task_row[5]


def test_the_leadership_dashboard_shows_plan_progress(client, leader):
    page = login(client, leader).get(reverse("dashboard"))
    assert page.status_code == 200
    assert page.context["progress"]
    assert reverse("progress") in page.content.decode()
