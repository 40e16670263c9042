"""The page of mediators whose six-month training deadline is near or past."""

from datetime import date

import pytest
from django.urls import reverse

from network.models import Mediator, MediatorAttendance, TrainingStatus
from network.services import mediators_due

from . import factories

pytestmark = pytest.mark.django_db
TODAY = date(2025, 7, 1)


@pytest.fixture
def people(district_a, district_b):
    team_a = factories.team("Thôn A", district_a.children.first().code)
    team_b = factories.team("Thôn B", district_b.children.first().code)
    return {
        # deadline 01/04/2025: overdue
        "overdue": factories.mediator(team_a, "Nguyễn Văn Quá", recognised=date(2024, 10, 1)),
        # deadline 15/07/2025: due in 14 days
        "soon": factories.mediator(team_a, "Trần Thị Sắp", sex="F", recognised=date(2025, 1, 15)),
        # deadline 01/12/2025: not listed yet
        "later": factories.mediator(team_a, "Lê Văn Sau", recognised=date(2025, 6, 1)),
        # trained in time: not listed
        "trained": factories.mediator(team_a, "Phạm Văn Đã", recognised=date(2024, 10, 1)),
        # left before the deadline: not listed
        "left": factories.mediator(
            team_a, "Vũ Văn Thôi", recognised=date(2024, 10, 1), left_on=date(2025, 2, 1)
        ),
        "other_district": factories.mediator(team_b, "Đỗ Văn Khác", recognised=date(2024, 10, 1)),
    }


@pytest.fixture
def trained(people):
    course = factories.training(date(2025, 1, 10))
    MediatorAttendance.objects.create(training=course, mediator=people["trained"])


def test_it_lists_overdue_and_soon_due_mediators(people, trained):
    rows = mediators_due(Mediator.objects.all(), TODAY)
    by_name = {row.mediator.full_name: row for row in rows}
    assert set(by_name) == {"Nguyễn Văn Quá", "Trần Thị Sắp", "Đỗ Văn Khác"}
    assert by_name["Nguyễn Văn Quá"].status == TrainingStatus.OVERDUE
    assert by_name["Nguyễn Văn Quá"].days_overdue == 91
    assert by_name["Trần Thị Sắp"].status == TrainingStatus.PENDING
    assert by_name["Trần Thị Sắp"].days_left == 14


def test_a_district_officer_sees_only_its_district(client, officer_a, people, trained):
    client.force_login(officer_a)
    page = client.get(reverse("training-due")).content.decode()
    assert "Nguyễn Văn Quá" in page
    assert "Đỗ Văn Khác" not in page


def test_province_staff_see_every_district_and_can_filter(
    client, province_staff, people, district_b
):
    client.force_login(province_staff)
    page = client.get(reverse("training-due")).content.decode()
    assert "Nguyễn Văn Quá" in page and "Đỗ Văn Khác" in page
    filtered = client.get(reverse("training-due"), {"district": district_b.pk}).content.decode()
    assert "Đỗ Văn Khác" in filtered and "Nguyễn Văn Quá" not in filtered


def test_leadership_cannot_read_mediators_names(client, leader):
    client.force_login(leader)
    assert client.get(reverse("training-due")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("training-due"))
    assert response.status_code == 302
