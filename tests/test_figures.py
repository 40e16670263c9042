"""Commune-year registry figures: counted by hand here, kept current on every change."""

from datetime import date

import pytest
from django.test import override_settings

from network.dates import last_recognition_due_by
from network.figures import commune_figures
from network.models import LegalSupport, Mediator, MediatorAttendance
from reports import figures
from reports.models import CommuneYear

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return factories.commune("07201")


def line(commune, year=2025):
    return CommuneYear.objects.get(commune=commune, year=year)


def test_figures_as_of_the_cutoff(commune):
    complete = factories.full_team("Thôn Đủ")  # 3 mediators recognised 2023, 1 woman
    LegalSupport.objects.create(team=complete, kind="lawyer", start_on=date(2025, 1, 1))
    short = factories.team("Thôn Thiếu")
    factories.mediator(
        short, "Hoàng Thị Hà", sex="F", ethnicity="Tày", material_access_on=date(2025, 5, 1)
    )
    # Recognised 15/03/2025, trained 01/06/2025: in time. Recognised 01/09/2025: pending.
    new = factories.mediator(short, "Vi Văn Mới", recognised=date(2025, 3, 15))
    factories.mediator(short, "Lý Văn Chờ", recognised=date(2025, 9, 1))
    course = factories.training(date(2025, 6, 1))
    MediatorAttendance.objects.create(training=course, mediator=new)

    figures = commune_figures(2025)[commune.pk]
    assert figures == {
        "teams": 2,
        "compliant_teams": 1,
        "supported_teams": 1,
        "mediators": 6,
        "women": 2,
        "minority": 1,
        "trained": 1,
        "trained_in_year": 1,
        "with_material": 1,
        "new_due": 1,
        "new_trained_in_time": 1,
        "new_pending": 1,
    }
    # As of 2024's cut-off the 2025 recognitions do not exist yet, nor the support.
    earlier = commune_figures(2024)[commune.pk]
    assert (earlier["mediators"], earlier["supported_teams"], earlier["new_due"]) == (4, 0, 0)


def test_trained_in_the_year_leaves_out_earlier_courses(commune):
    team = factories.full_team("Thôn Đủ")
    veteran, newcomer, _untrained = team.mediators.order_by("pk")
    MediatorAttendance.objects.create(
        training=factories.training(date(2024, 5, 1)), mediator=veteran
    )
    MediatorAttendance.objects.create(
        training=factories.training(date(2025, 5, 1)), mediator=newcomer
    )
    figures = commune_figures(2025)[commune.pk]
    assert (figures["trained"], figures["trained_in_year"]) == (2, 1)
    assert commune_figures(2024)[commune.pk]["trained_in_year"] == 1


@override_settings(REPORT_CUTOFF_DAY=14)
def test_the_cutoff_is_a_setting(commune):
    team = factories.team()
    factories.mediator(team, recognised=date(2025, 12, 20))
    assert commune_figures(2025).get(commune.pk, {}).get("mediators", 0) == 0


def test_month_end_clamping_of_the_due_date():
    assert last_recognition_due_by(date(2025, 12, 31)) == date(2025, 6, 30)
    assert last_recognition_due_by(date(2026, 2, 28)) == date(2025, 8, 31)
    assert last_recognition_due_by(date(2025, 12, 14)) == date(2025, 6, 14)


def test_a_new_mediator_shows_in_the_stored_figures(commune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        team = factories.full_team()
    assert line(commune).mediators == 3
    with django_capture_on_commit_callbacks(execute=True):
        factories.mediator(team, "Đinh Thị Mới", sex="F", recognised=date(2025, 2, 1))
    assert (line(commune).mediators, line(commune).women) == (4, 2)
    assert line(commune, 2024).mediators == 3


def test_a_mediator_who_leaves_drops_out(commune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        team = factories.full_team()
    woman = Mediator.objects.get(team=team, sex="F")
    with django_capture_on_commit_callbacks(execute=True):
        woman.left_on = date(2025, 3, 1)
        woman.save()
    assert (line(commune).mediators, line(commune).compliant_teams) == (2, 0)
    assert line(commune, 2024).compliant_teams == 1


def test_one_transaction_recounts_once(commune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        team = factories.team()
        for index in range(5):
            factories.mediator(team, f"Người {index}")
    recounts = [batch for batch in callbacks if getattr(batch, "handle", None) is figures.refresh]
    assert len(recounts) == 1


def test_an_excel_import_shows_in_the_stored_figures(
    client, province_staff, commune, django_capture_on_commit_callbacks
):
    from .test_excel_import import confirm, row, upload, xlsx

    with django_capture_on_commit_callbacks(execute=True):
        factories.team("Tổ dân phố số 1", "07201")
    client.force_login(province_staff)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, upload(client, xlsx([row()])))
    assert (line(commune).mediators, line(commune).women) == (1, 1)
