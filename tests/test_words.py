"""Words and numbers on the pages (issue 19, item 11): task names are never cut inside a
word, and counts are written with their thousands grouped (1.555)."""

import re

import pytest
from django.urls import reverse

from plans.models import Task
from reports import services

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_long_task_name_is_cut_between_words():
    cut = 0
    for task in Task.objects.all():
        text = " ".join(task.text.split())
        short = task.short_text
        if short == text:
            continue
        cut += 1
        kept = short.removesuffix("…")
        assert short.endswith("…") and text.startswith(kept), short
        # What follows the kept part in the full text starts a new word.
        assert text[len(kept)] in " ,;:.-–", (kept, text[len(kept) : len(kept) + 10])
        assert len(short) <= 92
    assert cut  # the plan has tasks longer than a line


def test_the_progress_timeline_shows_no_word_cut(client, province_staff):
    client.login(username=province_staff.username, password=PASSWORD)
    page = client.get(reverse("progress")).content.decode()
    for task in Task.objects.all():
        assert task.short_text in page


def test_the_report_page_groups_the_thousands_of_its_own_figures(
    client, officer_a, province_staff, district_a
):
    report = services.open_report(district_a, 2025)
    services.save_report(report, officer_a, report.version, {}, header={"participants": 1555})
    client.login(username=province_staff.username, password=PASSWORD)
    page = client.get(reverse("reports:report", args=["213", 2025])).content.decode()
    assert re.search(r"<dd>1\.555</dd>", page)
    assert "1555" not in page
