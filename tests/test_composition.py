"""Team composition per Law 35/2013 Art. 12, computed by annotation."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from network.models import MediationTeam

from . import factories

pytestmark = pytest.mark.django_db
DAY = date(2025, 6, 30)


def annotated(team, day=DAY):
    return MediationTeam.objects.with_composition(day).get(pk=team.pk)


def gaps(team, day=DAY):
    with translation.override("vi"):
        return [str(gap) for gap in annotated(team, day).composition_gaps()]


def test_a_leader_three_mediators_and_a_woman_is_compliant():
    team = factories.full_team()
    assert annotated(team).is_compliant
    assert gaps(team) == []


def test_two_mediators_are_too_few():
    team = factories.team()
    factories.mediator(team, "Nguyễn Văn An", role="leader")
    factories.mediator(team, "Trần Thị Bình", sex="F")
    assert gaps(team) == ["dưới 03 hòa giải viên"]
    assert not annotated(team).is_compliant


def test_a_team_without_a_woman_is_incomplete():
    team = factories.team()
    factories.mediator(team, "Nguyễn Văn An", role="leader")
    factories.mediator(team, "Trần Văn Bình")
    factories.mediator(team, "Lê Văn Cường")
    assert gaps(team) == ["thiếu hòa giải viên nữ"]


def test_a_team_without_a_leader_is_incomplete():
    team = factories.team()
    for name, sex in [("Nguyễn Văn An", "M"), ("Trần Thị Bình", "F"), ("Lê Văn Cường", "M")]:
        factories.mediator(team, name, sex=sex)
    assert gaps(team) == ["thiếu tổ trưởng"]


def test_a_minority_area_needs_a_minority_mediator():
    team = factories.full_team(ethnic_minority_area=True)
    assert gaps(team) == ["thiếu hòa giải viên người dân tộc thiểu số"]
    factories.mediator(team, "Hoàng Thị Dung", sex="F", ethnicity="Tày")
    assert gaps(team) == []


def test_kinh_mediators_in_other_areas_are_fine():
    team = factories.full_team(ethnic_minority_area=False)
    assert annotated(team).minority_count == 0
    assert annotated(team).is_compliant


def test_a_mediator_who_left_no_longer_counts():
    team = factories.full_team()
    woman = team.mediators.get(sex="F")
    woman.left_on = date(2025, 3, 1)
    woman.save()
    assert "thiếu hòa giải viên nữ" in gaps(team)
    # Before she left, the team was complete.
    assert gaps(team, date(2025, 2, 28)) == []


def test_a_mediator_not_yet_recognised_does_not_count():
    team = factories.team()
    factories.mediator(team, "Nguyễn Văn An", role="leader")
    factories.mediator(team, "Trần Thị Bình", sex="F")
    factories.mediator(team, "Lê Văn Cường", recognised=date(2025, 7, 1))
    assert gaps(team) == ["dưới 03 hòa giải viên"]


def test_composition_is_one_query_for_any_number_of_teams(django_assert_num_queries):
    for index in range(30):
        factories.full_team(f"Thôn {index}")
    with django_assert_num_queries(1):
        teams = list(MediationTeam.objects.with_composition(DAY))
    assert len(teams) == 30
    assert MediationTeam.objects.with_composition(DAY).incomplete().count() == 0


def test_the_admin_filters_incomplete_teams_and_says_why(client, province_staff):
    complete = factories.full_team("Thôn Đủ")
    incomplete = factories.team("Thôn Thiếu")
    factories.mediator(incomplete, "Nguyễn Văn An", role="leader")
    client.force_login(province_staff)
    url = reverse("admin:network_mediationteam_changelist")
    response = client.get(url, {"composition": "incomplete"})
    listed = list(response.context["cl"].result_list)
    assert listed == [incomplete]
    page = response.content.decode()
    assert "Chưa đủ thành phần" in page
    assert "dưới 03 hòa giải viên" in page
    assert "thiếu hòa giải viên nữ" in page
    complete_list = client.get(url, {"composition": "complete"}).context["cl"].result_list
    assert list(complete_list) == [complete]
