"""The six-month rule for newly recognised mediators (target O6b)."""

from datetime import date

import pytest

from network.dates import add_months
from network.models import Mediator, MediatorAttendance, TrainingStatus, training_status

from . import factories


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2025, 8, 31), date(2026, 2, 28)),
        (date(2023, 8, 31), date(2024, 2, 29)),
        (date(2025, 1, 15), date(2025, 7, 15)),
        (date(2025, 7, 31), date(2026, 1, 31)),
    ],
)
def test_six_months_clamp_to_the_end_of_the_month(start, expected):
    assert add_months(start, 6) == expected


RECOGNISED = date(2025, 1, 15)  # deadline 15/07/2025


def status(trained_on=None, day=date(2025, 12, 31), left_on=None):
    return training_status(RECOGNISED, left_on, trained_on, day)


def test_trained_exactly_on_the_deadline_is_in_time():
    assert status(trained_on=date(2025, 7, 15)) == TrainingStatus.IN_TIME


def test_trained_the_day_after_the_deadline_is_late():
    assert status(trained_on=date(2025, 7, 16)) == TrainingStatus.LATE


def test_untrained_at_the_close_of_the_deadline_day_is_overdue():
    # A deadline on the day itself is due (network.dates.is_due, DESIGN §4).
    assert status(day=date(2025, 7, 15)) == TrainingStatus.OVERDUE


def test_untrained_the_day_before_the_deadline_is_still_pending():
    assert status(day=date(2025, 7, 14)) == TrainingStatus.PENDING


def test_untrained_the_day_after_the_deadline_is_overdue():
    assert status(day=date(2025, 7, 16)) == TrainingStatus.OVERDUE


def test_a_training_after_the_as_of_date_does_not_count_yet():
    assert status(trained_on=date(2025, 6, 1), day=date(2025, 5, 1)) == TrainingStatus.PENDING


def test_left_before_the_deadline_untrained_is_left_out():
    assert status(left_on=date(2025, 5, 1)) == TrainingStatus.LEFT


def test_left_after_the_deadline_untrained_was_overdue():
    assert status(left_on=date(2025, 9, 1)) == TrainingStatus.OVERDUE


@pytest.mark.django_db
def test_first_training_since_recognition_is_annotated():
    team = factories.team()
    person = factories.mediator(team, recognised=RECOGNISED)
    before = factories.training(date(2024, 11, 1))
    first = factories.training(date(2025, 3, 1))
    later = factories.training(date(2025, 9, 1))
    for course in (before, first, later):
        MediatorAttendance.objects.create(training=course, mediator=person)
    annotated = Mediator.objects.with_first_training().get(pk=person.pk)
    assert annotated.first_trained_on == date(2025, 3, 1)
    assert annotated.training_status(date(2025, 12, 31)) == TrainingStatus.IN_TIME
