"""Accent-insensitive admin search on SQLite and PostgreSQL."""

import unicodedata

import pytest
from django.urls import reverse

from hoagiai.text import clean_name, fold

from . import factories

pytestmark = pytest.mark.django_db


def search(client, term):
    response = client.get(reverse("admin:network_mediator_changelist"), {"q": term})
    return {m.full_name for m in response.context["cl"].result_list}


@pytest.fixture
def people():
    team = factories.team()
    factories.mediator(team, "Nguyễn Thị Đào", sex="F")
    factories.mediator(team, "Trần Văn Hùng")


@pytest.mark.parametrize("term", ["Nguyen", "nguyen thi dao", "NGUYỄN", "Đào", "dao"])
def test_nguyen_finds_nguyen_with_marks(client, province_staff, people, term):
    client.force_login(province_staff)
    assert search(client, term) == {"Nguyễn Thị Đào"}


def test_search_by_team_name_without_marks(client, province_staff, people):
    client.force_login(province_staff)
    assert len(search(client, "thon dong")) == 2


def test_fold_and_clean_name():
    assert fold("Đỗ Thị Hương") == "do thi huong"
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Văn  An ")
    assert clean_name(decomposed) == "Nguyễn Văn An"
