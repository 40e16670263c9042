"""Demo reports and plan progress: every state shown, marked demo, removed with --clear."""

from io import StringIO

import pytest
from django.core.management import call_command

from network import demo
from plans.models import Activity, Responsibility
from reports.models import CommuneYear, GroupResult, ReportEvent, YearlyReport
from reports.services import report_years

pytestmark = pytest.mark.django_db


def test_demo_reports_show_every_state_and_go_with_the_demo_data(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed_demo(demo.PROVINCE, 3, teams_per_commune=(1, 2))
        out = StringIO()
        call_command("seed_demo_reports", stdout=out)
    assert "Demo yearly reports created" in out.getvalue()

    reports = YearlyReport.objects.all()
    assert reports.exists() and not reports.filter(is_demo=False).exists()
    this_year = report_years()[-1]
    states = set(reports.filter(year=this_year).values_list("status", flat=True))
    assert states == {"draft", "submitted", "returned", "approved"}
    assert not reports.filter(year__lt=this_year).exclude(status="approved").exists()
    # Lines carry the demo's case figures, and the workflow left its trail.
    approved = reports.filter(status="approved").first()
    assert sum(line.cases_received for line in approved.lines()) > 0
    assert ReportEvent.objects.filter(action="return").exists()

    assert "nothing done" in _run("seed_demo_reports", if_empty=True)

    demo.clear_demo()
    assert not YearlyReport.objects.exists()
    assert not ReportEvent.objects.exists() and not GroupResult.objects.exists()
    assert not YearlyReport.history.exists()
    assert not CommuneYear.objects.filter(is_demo=True).exists()


def _run(name, **options):
    out = StringIO()
    call_command(name, stdout=out, **options)
    return out.getvalue()


def test_demo_progress_is_cleared_back_to_the_plan():
    out = _run("seed_demo_progress")
    assert "Demo plan progress created" in out
    assert Responsibility.objects.filter(status="done", status_is_demo=True).exists()
    assert Activity.objects.filter(is_demo=True).exists()
    assert "nothing done" in _run("seed_demo_progress")

    demo.clear_demo()
    assert not Activity.objects.exists()
    assert not Responsibility.objects.exclude(status="not_started").exists()
