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


def test_each_agency_is_an_item_of_its_own(client, leader):
    import re

    client.force_login(leader)
    page = client.get(reverse("plan-overview")).content.decode()
    task = Task.objects.get(number="2.1")  # UBND cấp huyện leads; several partners
    partners = [link.agency.name for link in task.agency_links.all() if link.role == "partner"]
    row = page.split('task-number">2.1</td>')[1].split("</tr>")[0]
    lists = re.findall(r'<ul class="agencies">(.*?)</ul>', row)
    assert len(lists) == 2
    assert re.findall(r"<li>([^<]+)</li>", lists[1]) == partners and len(partners) > 1


def test_a_task_cut_short_ends_on_a_whole_syllable():
    for task in Task.objects.all():
        short = task.short_text
        if short.endswith("…"):
            head = short[:-1]
            whole = " ".join(task.text.split())
            assert whole.startswith(head), task.number
            assert whole[len(head)] in " ,;:", (task.number, short)  # not inside a syllable
