"""Every admin page renders, in Vietnamese; scoping of the registry by district."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import User
from network.models import MediationTeam, Mediator
from plans.models import Task
from units.models import AdminUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def team_a(district_a):
    commune = district_a.children.first()
    team = MediationTeam.objects.create(commune=commune, name="Tổ dân phố số 1")
    Mediator.objects.create(
        team=team, full_name="Nguyễn Thị Mai", sex="F", recognised_on="2024-03-01", role="leader"
    )
    return team


@pytest.fixture
def team_b(district_b):
    commune = district_b.children.first()
    return MediationTeam.objects.create(commune=commune, name="Thôn Đồng Vàng")


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_change_list_and_form_renders(client, superuser, model, team_a):
    client.force_login(superuser)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    # Report lines, reports and progress change only through their pages: no "add" here.
    can_add = model._meta.label not in {
        "reports.CommuneYear",
        "reports.YearlyReport",
        "plans.Responsibility",  # expanded from the plan
        "plans.Activity",  # reported on the progress pages
        "accounts.DataExport",  # written by exports only
        # django-axes' records of login attempts: written by the login, never by hand.
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
    }
    assert client.get(admin_url(model, "add")).status_code == (200 if can_add else 403)
    obj = model._default_manager.first()
    if obj is not None:
        assert client.get(admin_url(model, "change", obj.pk)).status_code == 200
        assert client.get(admin_url(model, "history", obj.pk)).status_code == 200


def test_province_staff_reach_every_plan_and_registry_list(client, province_staff):
    client.force_login(province_staff)
    for model in admin.site._registry:
        # Accounts, groups, login lock-outs and API tokens are the administrator's (a
        # superuser).
        if model._meta.app_label in {"auth", "accounts", "axes", "api"}:
            continue
        assert client.get(admin_url(model, "changelist")).status_code == 200, model


def test_the_admin_speaks_vietnamese(client, superuser):
    client.force_login(superuser)
    page = client.get(admin_url(Task, "changelist")).content.decode()
    assert "Nhiệm vụ" in page
    assert "Cơ quan chủ trì" in page


def test_tasks_are_listed_in_reading_order(client, superuser):
    client.force_login(superuser)
    response = client.get(admin_url(Task, "changelist"))
    numbers = [task.number for task in response.context["cl"].result_list]
    assert numbers.index("2.3a") < numbers.index("2.4")
    assert numbers.index("9.2") < numbers.index("10.1")


def test_tasks_filter_by_agency(client, superuser):
    client.force_login(superuser)
    finance = Task.objects.get(number="6.1").leads[0]
    response = client.get(admin_url(Task, "changelist") + f"?lead={finance.pk}")
    assert [t.number for t in response.context["cl"].result_list] == ["6.1", "6.2"]


def test_a_district_lists_its_communes(client, superuser, district_b):
    client.force_login(superuser)
    response = client.get(admin_url(AdminUnit, "changelist") + f"?parent={district_b.pk}")
    listed = {unit.code for unit in response.context["cl"].result_list}
    assert listed == set(district_b.children.values_list("code", flat=True))
    change = client.get(admin_url(AdminUnit, "change", district_b.pk)).content.decode()
    assert district_b.children.first().name in change


def test_the_unit_form_refuses_a_commune_under_a_commune(client, superuser):
    client.force_login(superuser)
    commune = AdminUnit.objects.get(code="07201")
    response = client.post(
        admin_url(AdminUnit, "add"),
        {
            "code": "99999",
            "name": "Xã Thử",
            "level": "commune",
            "kind": "commune",
            "parent": commune.pk,
            "children-TOTAL_FORMS": 0,
            "children-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Không đơn vị nào được trực thuộc một đơn vị cấp xã." in response.content.decode()
    assert not AdminUnit.objects.filter(code="99999").exists()


def test_a_district_officer_sees_only_its_own_teams(client, officer_a, team_a, team_b):
    client.force_login(officer_a)
    response = client.get(admin_url(MediationTeam, "changelist"))
    assert list(response.context["cl"].result_list) == [team_a]


def test_another_districts_team_is_not_found_by_typed_url(client, officer_a, team_b):
    client.force_login(officer_a)
    for view in ["change", "delete", "history"]:
        assert client.get(admin_url(MediationTeam, view, team_b.pk)).status_code == 404
    version = team_b.history.latest().history_id
    url = admin_url(MediationTeam, "simple_history", team_b.pk, version)
    assert client.get(url).status_code == 404


def test_a_district_officers_dropdowns_hold_only_its_units(client, officer_a, district_a):
    client.force_login(officer_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "network",
            "model_name": "mediationteam",
            "field_name": "commune",
            "term": "",
        },
    )
    ids = {int(row["id"]) for row in response.json()["results"]}
    expected = set(district_a.children.values_list("pk", flat=True))
    assert ids and ids <= expected


def test_a_district_officer_cannot_create_a_team_in_another_district(client, officer_a, district_b):
    client.force_login(officer_a)
    other_commune = district_b.children.first()
    response = client.post(
        admin_url(MediationTeam, "add"),
        {
            "commune": other_commune.pk,
            "name": "Thôn Lạ",
        },
    )
    assert response.status_code == 200  # the form shows an error
    assert not MediationTeam.objects.filter(name="Thôn Lạ").exists()


def test_a_district_officer_reads_but_cannot_edit_the_plan(client, officer_a):
    client.force_login(officer_a)
    task = Task.objects.get(number="2.1")
    assert client.get(admin_url(Task, "change", task.pk)).status_code == 200
    response = client.post(admin_url(Task, "change", task.pk), {"text": "Sửa"})
    assert response.status_code == 403


def test_a_district_officer_sees_only_its_own_units(client, officer_a, district_a, district_b):
    client.force_login(officer_a)
    response = client.get(admin_url(AdminUnit, "changelist"))
    listed = {unit.code for unit in response.context["cl"].result_list}
    assert listed == set(AdminUnit.objects.within(district_a).values_list("code", flat=True))
    assert client.get(admin_url(AdminUnit, "change", district_b.pk)).status_code == 404
    assert client.get(admin_url(AdminUnit, "change", district_a.pk)).status_code == 200


def test_a_training_cannot_list_another_districts_mediator(client, officer_a, district_a, team_b):
    from network.models import Mediator, MediatorAttendance, Training

    outsider = Mediator.objects.create(
        team=team_b, full_name="Người Huyện Khác", sex="M", recognised_on="2024-01-01"
    )
    client.force_login(officer_a)
    response = client.post(
        admin_url(Training, "add"),
        {
            "title": "Lớp thử",
            "held_on": "05/03/2025",
            "organiser": district_a.pk,
            "level": "district",
            "audience": "mediators",
            "programme": "framework",
            "trainers-TOTAL_FORMS": 0,
            "trainers-INITIAL_FORMS": 0,
            "mediators-TOTAL_FORMS": 1,
            "mediators-INITIAL_FORMS": 0,
            "mediators-0-mediator": outsider.pk,
            "officials-TOTAL_FORMS": 0,
            "officials-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200  # the form is shown again with an error
    assert not MediatorAttendance.objects.exists()
    assert not Training.objects.filter(title="Lớp thử").exists()


def test_the_team_dropdown_lists_teams_by_commune_then_name(client, officer_a, district_a):
    # Counting the composition groups the rows, and a grouped query drops Meta.ordering:
    # without an explicit order the dropdown's pages would follow the database's whim.
    communes = list(district_a.children.order_by("code")[:2])
    for commune in reversed(communes):
        for name in ["Thôn Cầu", "Thôn Bến", "Thôn An"]:
            MediationTeam.objects.create(commune=commune, name=name)
    client.force_login(officer_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "network", "model_name": "mediator", "field_name": "team", "term": "Thôn"},
    )
    expected = [
        str(team)
        for team in MediationTeam.objects.filter(commune__in=communes).order_by(
            "commune__code", "name"
        )
    ]
    assert [row["text"] for row in response.json()["results"]] == expected
