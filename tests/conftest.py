"""Shared test set-up: the plan, units and targets loaded once; named personas.

Personas (as in healthchecks' tests): Hoa of Sở Tư pháp (province staff), An the district
officer of Thành phố Bắc Giang (213), Bình the district officer of Huyện Yên Thế (215),
Lan of the leadership, and an anonymous visitor.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from hoagiai import caching
from units.models import AdminUnit

PASSWORD = "mật-khẩu-thử-nghiệm-1"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rows a test cached are rolled back or flushed
    without the signals that would drop them (hoagiai/caching.py)."""
    caching.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("loaddata", "units_bac_giang", "plan", "targets", verbosity=0)


def make_user(username, role, unit_code=None, is_staff=True):
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=is_staff)
    if unit_code:
        # The unit with the code today (codes are reused across the 1/7/2025 reform).
        user.unit = AdminUnit.objects.by_code(unit_code, timezone.localdate())
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


# --- Tests that commit (live_server, the cache across requests) ---
#
# A transactional test's writes are committed, and pytest-django flushes every table when it
# ends: the rows the session set up (units, plan, targets) and those the migrations wrote
# (the role groups) go too. The database as it stood before is kept (serialized, as Django's
# serialized rollback does) and put back.


def _is_set_up() -> bool:
    """The session's rows are there (a flush empties the units and the role groups)."""
    from django.contrib.auth.models import Group

    return AdminUnit.objects.exists() and Group.objects.exists()


def _restore(snapshot: str):
    """Empty every table, reload the snapshot, set the sequences after the reloaded ids."""
    # No post_migrate: it would recreate content types and permissions under new ids,
    # which the snapshot's own rows (and the in-process content-type cache) then clash with.
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    connection.creation.deserialize_db_from_string(snapshot)
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:  # PostgreSQL; SQLite's AUTOINCREMENT follows the largest id by itself
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def session_rows(django_db_setup, django_db_blocker):
    """The database as the session set it up, taken before any browser test flushed it."""
    with django_db_blocker.unblock():
        assert _is_set_up(), "the session's fixtures should be loaded (tests/conftest.py)"
        return connection.creation.serialize_db_to_string()


@pytest.fixture
def committed_db(transactional_db, session_rows, django_db_blocker):
    """A database whose writes commit, with the session's rows before and after the test."""
    if not _is_set_up():
        _restore(session_rows)
    yield
    with django_db_blocker.unblock():
        if not _is_set_up():
            _restore(session_rows)
