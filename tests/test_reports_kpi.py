"""Approved reports feed the KPI engine: their frozen lines, labelled "approved"."""

import pytest
from django.urls import reverse

from reports import services
from reports.models import CommuneYear
from targets.kpi import Kpi

from . import factories
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

YEAR = 2025


def result(unit, code):
    return next(r for r in Kpi(YEAR, unit).results() if r.code == code)


@pytest.fixture
def approved(officer_a, province_staff, district_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        factories.full_team("Thôn Đông", "07201")
    report = services.open_report(district_a, YEAR)
    line = CommuneYear.objects.get(commune__code="07201", year=YEAR)
    values = {**line.figures(), "cases_received": 10, "cases_successful": 9}
    values["cases_unsuccessful"] = 1
    report = services.save_report(report, officer_a, report.version, {line.commune_id: values})
    services.submit(report, officer_a, acknowledged=True)
    return report


def test_an_approval_shows_on_the_next_dashboard_request(
    client, leader, province_staff, approved, district_a
):
    client.login(username=leader.username, password=PASSWORD)
    page = reverse("dashboard") + f"?unit={district_a.code}&year={YEAR}"
    before = client.get(page)
    assert before.context["board"].source == "provisional"
    assert result(district_a, "O8a").source == "provisional"

    services.approve(approved, province_staff)

    after = client.get(page)
    assert after.context["board"].source == "approved"
    o8a = result(district_a, "O8a")
    assert (o8a.source, o8a.numerator, o8a.denominator) == ("approved", 9, 10)
    # Trainer targets read the live register: never labelled approved.
    assert result(district_a, "O2a").source == "provisional"


def test_the_province_names_the_districts_not_yet_approved(
    client, leader, province_staff, approved, district_a
):
    services.approve(approved, province_staff)
    client.login(username=leader.username, password=PASSWORD)
    board = client.get(reverse("dashboard") + f"?year={YEAR}").context["board"]
    assert board.source == "provisional"
    assert board.approved_count == 1
    names = [name for _code, name in board.unapproved]
    assert district_a.name not in names and "Huyện Yên Thế" in names


def test_approved_figures_stay_frozen_when_the_registry_changes(
    province_staff, approved, district_a, django_capture_on_commit_callbacks
):
    services.approve(approved, province_staff)
    teams = result(district_a, "O4").denominator
    with django_capture_on_commit_callbacks(execute=True):
        factories.team("Thôn Mới", "07201")
    assert result(district_a, "O4").denominator == teams
