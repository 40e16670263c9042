"""Backup and restore: the archive restores every row, its history and the evidence files."""

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from network.models import Mediator
from plans import progress
from plans.models import Evidence, Responsibility
from reports import services
from reports.models import CommuneYear, YearlyReport
from units.models import AdminUnit

from . import factories
from .test_evidence import PDF

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "units": AdminUnit.objects.count(),
        "mediators": list(Mediator.objects.values_list("full_name", "ethnicity", "team__name")),
        "mediator history": Mediator.history.count(),
        "lines": list(
            CommuneYear.objects.order_by("commune__code", "year").values_list(
                "commune__code", "year", "teams", "cases_received", "corrected_fields"
            )
        ),
        "reports": list(YearlyReport.objects.values_list("unit__code", "year", "status")),
        "report events": YearlyReport.objects.get().events.count(),
        "users": sorted(User.objects.values_list("username", "unit__code")),
        "groups": sorted(
            (user.username, sorted(user.groups.values_list("name", flat=True)))
            for user in User.objects.all()
        ),
        "statuses": list(
            Responsibility.objects.exclude(status="not_started").values_list("pk", "status")
        ),
    }


def test_a_backup_restores_into_an_empty_database(
    tmp_path, officer_a, district_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        team = factories.full_team("Thôn Đông", "07201")
        factories.mediator(team, "Hoàng Thị Hà", sex="F", ethnicity="Tày")
    report = services.open_report(district_a, 2025)
    line = CommuneYear.objects.get(commune__code="07201", year=2025)
    values = {**line.figures(), "cases_received": 7, "cases_successful": 7, "teams": 2}
    report = services.save_report(report, officer_a, report.version, {line.commune_id: values})
    services.submit(report, officer_a, acknowledged=True)
    row = Responsibility.objects.get(task__number="2.1", year=2025, unit=district_a)
    fields = {"held_on": date(2025, 3, 1), "description": "Chọn xã điểm", "participants": 12}
    progress.add_activity(
        row, officer_a, {**fields, "budget": 0}, [SimpleUploadedFile("qd.pdf", PDF)], ["pdf"]
    )
    evidence_name = Evidence.objects.get().file.name
    before = snapshot()

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    if connection.vendor == "postgresql":
        # Inside the test's transaction: run the deferred foreign-key checks now, or
        # PostgreSQL refuses to TRUNCATE tables with pending checks.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    default_storage.delete(evidence_name)
    assert not AdminUnit.objects.exists() and not default_storage.exists(evidence_name)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("restore", str(archive), verbosity=0)

    assert snapshot() == before
    with default_storage.open(evidence_name, "rb") as restored:
        assert restored.read() == PDF
    # The restored accounts still log in with their passwords.
    assert User.objects.get(username="an").check_password("mật-khẩu-thử-nghiệm-1")


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    with pytest.raises(Exception, match="not empty"):
        call_command("restore", str(archive), verbosity=0)
