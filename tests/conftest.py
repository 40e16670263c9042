"""Shared test set-up: the plan, units and targets loaded once; named personas.

Personas (as in healthchecks' tests): Hoa of Sở Tư pháp (province staff), An the district
officer of Thành phố Bắc Giang (213), Bình the district officer of Huyện Yên Thế (215),
Lan of the leadership, and an anonymous visitor.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.models import Role, User
from network.models import AdminUnit

PASSWORD = "mật-khẩu-thử-nghiệm-1"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("loaddata", "units_bac_giang", "plan", "targets", verbosity=0)


def make_user(username, role, unit_code=None, is_staff=True):
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=is_staff)
    if unit_code:
        user.unit = AdminUnit.objects.get(code=unit_code)
        user.save()
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def province_staff(db):
    return make_user("hoa", Role.PROVINCE_STAFF, "24")


@pytest.fixture
def officer_a(db):
    return make_user("an", Role.DISTRICT_OFFICER, "213")


@pytest.fixture
def officer_b(db):
    return make_user("binh", Role.DISTRICT_OFFICER, "215")


@pytest.fixture
def leader(db):
    return make_user("lan", Role.LEADERSHIP, is_staff=False)


@pytest.fixture
def district_a(db):
    return AdminUnit.objects.get(code="213")


@pytest.fixture
def district_b(db):
    return AdminUnit.objects.get(code="215")
