"""The plan page read by every role."""

import pytest
from django.urls import reverse

from plans.models import Task

pytestmark = pytest.mark.django_db


def test_the_plan_page_shows_every_task_with_its_agencies(client, leader):
    client.force_login(leader)
    page = client.get(reverse("plan-overview")).content.decode()
    for number in Task.objects.values_list("number", flat=True):
        assert f">{number}</td>" in page
    assert "chủ trì tham mưu" in page
    assert "Tổng kết 2030" in page


def test_the_plan_page_takes_a_fixed_number_of_queries(
    client, leader, django_assert_max_num_queries
):
    client.force_login(leader)
    # session + user + groups, the menu's permission check (user and group permissions),
    # then plan, groups, tasks, agency links, milestones
    with django_assert_max_num_queries(10):
        assert client.get(reverse("plan-overview")).status_code == 200
