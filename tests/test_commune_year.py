"""Commune-year case figures: four numbers that must add up."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from reports.models import CommuneYear

from . import factories

pytestmark = pytest.mark.django_db


def test_received_must_equal_the_three_outcomes():
    figures = CommuneYear(
        commune=factories.commune(),
        year=2025,
        cases_received=10,
        cases_successful=7,
        cases_unsuccessful=1,
        cases_in_progress=1,
    )
    with translation.override("vi"), pytest.raises(ValidationError) as info:
        figures.full_clean()
    assert "phải bằng" in info.value.message_dict["cases_received"][0]


def test_the_database_refuses_figures_that_do_not_add_up():
    with pytest.raises(IntegrityError), transaction.atomic():
        CommuneYear.objects.create(
            commune=factories.commune(), year=2025, cases_received=10, cases_successful=9
        )


def test_success_rate():
    figures = CommuneYear(
        cases_received=20, cases_successful=17, cases_unsuccessful=2, cases_in_progress=1
    )
    assert figures.success_rate == pytest.approx(0.85)
    assert CommuneYear(cases_received=0).success_rate is None
