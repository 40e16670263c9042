"""Roles, demo accounts, login."""

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse

from accounts.demo import create_demo_accounts
from accounts.models import Role
from accounts.roles import permission_codenames

pytestmark = pytest.mark.django_db


def group_perms(role):
    group = Group.objects.get(name=role.value)
    return {(p.content_type.app_label, p.codename) for p in group.permissions.all()}


def test_the_migration_creates_the_three_role_groups_with_their_permissions():
    for role in Role:
        assert group_perms(role) == permission_codenames(role)


def test_province_staff_edit_the_plan_and_the_registry():
    perms = group_perms(Role.PROVINCE_STAFF)
    assert ("plans", "change_task") in perms
    assert ("network", "add_mediator") in perms
    assert ("targets", "change_target") in perms


def test_district_officers_edit_the_registry_but_only_read_the_plan():
    perms = group_perms(Role.DISTRICT_OFFICER)
    assert ("network", "change_mediationteam") in perms
    assert ("plans", "view_task") in perms
    assert ("plans", "change_task") not in perms
    assert ("network", "change_adminunit") not in perms


def test_leadership_sees_no_personal_data():
    perms = group_perms(Role.LEADERSHIP)
    assert ("network", "view_mediator") not in perms
    assert all(codename.startswith("view_") for _, codename in perms)


@pytest.mark.parametrize("role", list(Role))
def test_each_demo_account_logs_in_and_sees_its_role(client, role):
    accounts = {r: (username, password) for username, password, r in create_demo_accounts()}
    username, password = accounts[role]
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert str(role.label) in home.content.decode()


def test_a_wrong_password_gets_a_vietnamese_message(client):
    create_demo_accounts()
    response = client.post(reverse("login"), {"username": "sotuphap", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()


def test_the_demo_district_officer_acts_for_thanh_pho_bac_giang():
    create_demo_accounts()
    from accounts.models import User

    assert User.objects.get(username="phongtuphap").unit.code == "213"


@override_settings(DEBUG=False)
def test_demo_accounts_are_refused_with_debug_off():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("create_demo_accounts")


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for name in ["home", "plan-overview"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_full_names_put_the_family_name_first(province_staff):
    province_staff.first_name, province_staff.last_name = "Hoa", "Nguyễn Thị"
    assert province_staff.get_full_name() == "Nguyễn Thị Hoa"
