"""Benchmark: the daily report-notice run sending 10,000 reminders, beside a floor.

    DJANGO_SETTINGS_MODULE=hoagiai.settings_test .venv/bin/python benchmarks/reminders.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoagiai ... (same) for PostgreSQL

It makes a throwaway test database with the plan and Bắc Giang's units, then a synthetic
province of 10,000 communes valid since 1/7/2025, each reporting straight to the province
with one commune officer who has an email address (bulk inserts: the world takes seconds,
not the national demo's minutes). The reminder logic takes its reporting units from one
function (``notices.run(units_for=…)``): here every commune valid at the cut-off whose
parent is a province, as the 10,000 national communes do since the reform.

It times ``notices.run`` — what ``send_report_notices`` does — seven days before the
deadline of the 2026 reports (10,000 reminders recorded, composed, sent one message at a
time to the locmem backend, which builds each message's MIME bytes, and marked sent),
counts its queries, and compares it with a floor: composing and sending the same 10,000
messages without any database. Goal: under 30 s.
"""

import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoagiai.settings_test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.mail.backends.locmem import EmailBackend  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import translation  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from network.dates import cutoff_date  # noqa: E402
from reports import notices, services  # noqa: E402
from reports.models import Notice  # noqa: E402
from units.models import AdminUnit  # noqa: E402

COMMUNES = 10_000
YEAR = 2026
TODAY = date(2027, 1, 8)  # seven days before the default deadline, 15/01/2027
GOAL_S = 30
REFORM = date(2025, 7, 1)


def communes_reporting_to_a_province(year):
    """Every commune valid at the year's cut-off whose parent is a province."""
    return AdminUnit.objects.valid_on(cutoff_date(year)).filter(
        level=AdminUnit.Level.COMMUNE, parent__level=AdminUnit.Level.PROVINCE
    )


def build_world():
    started = time.perf_counter()
    province = AdminUnit.objects.create(
        code="97",
        name="Tỉnh Thử Nghiệm",
        level=AdminUnit.Level.PROVINCE,
        kind=AdminUnit.Kind.PROVINCE,
        valid_from=REFORM,
        is_demo=True,
    )
    communes = AdminUnit.objects.bulk_create(
        [
            AdminUnit(
                code=f"{80000 + n}",
                name=f"Xã Thử Nghiệm {n + 1}",
                level=AdminUnit.Level.COMMUNE,
                kind=AdminUnit.Kind.COMMUNE,
                parent=province,
                valid_from=REFORM,
                is_demo=True,
            )
            for n in range(COMMUNES)
        ],
        batch_size=1000,
    )
    if communes[0].pk is None:  # databases that do not return the new ids
        communes = list(AdminUnit.objects.filter(parent=province).order_by("code"))
    users = User.objects.bulk_create(
        [
            User(
                username=f"xa{commune.code}",
                email=f"ubnd.{commune.code}@example.vn",
                unit_id=commune.pk,
                is_staff=True,
                password="!",
            )
            for commune in communes
        ],
        batch_size=1000,
    )
    if users[0].pk is None:
        users = list(User.objects.filter(username__startswith="xa8"))
    group = Group.objects.get(name=Role.COMMUNE_OFFICER.value)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users],
        batch_size=1000,
    )
    print(
        f"built {len(communes):,} communes reporting to a province, each with an officer, "
        f"in {time.perf_counter() - started:.1f} s"
    )


def floor(units):
    """The same 10,000 messages composed and handed to the locmem backend, no database."""
    backend = EmailBackend()
    due = services.deadline(YEAR)
    sender = notices.sender_address()
    started = time.perf_counter()
    with translation.override("vi"):
        for unit in units:
            notice = Notice(kind=Notice.Kind.DUE_IN_7, unit=unit, year=YEAR, due_on=due)
            subject, body = notices.compose(notice, None, due, TODAY)
            to = [f"ubnd.{unit.code}@example.vn"]
            message = notices.NoticeEmail(subject, body, sender, to)
            backend.send_messages([message])
    return time.perf_counter() - started


def main():
    setup_test_environment()  # the locmem email backend
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", "units_bac_giang", "plan", "targets", verbosity=0)
        build_world()
        units = list(communes_reporting_to_a_province(YEAR).order_by("code"))
        assert len(units) == COMMUNES, len(units)

        mail.outbox = []
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            outcome = notices.run(TODAY, units_for=communes_reporting_to_a_province)
        elapsed = time.perf_counter() - started
        assert outcome.sent == COMMUNES == len(mail.outbox), (outcome, len(mail.outbox))
        assert Notice.objects.filter(sent_at__isnull=False).count() == COMMUNES

        mail.outbox = []
        again = time.perf_counter()
        second = notices.run(TODAY, units_for=communes_reporting_to_a_province)
        again = time.perf_counter() - again
        assert second.sent == 0 and mail.outbox == []

        mail.outbox = []
        base = floor(units)
        print(f"database: {connection.vendor}")
        print(
            f"send_report_notices, {outcome.sent:,} reminders recorded and sent: "
            f"{elapsed:.1f} s (goal under {GOAL_S} s), {len(queries)} queries, "
            f"{elapsed / outcome.sent * 1000:.2f} ms per reminder"
        )
        print(f"floor, the same messages composed and sent without a database: {base:.1f} s")
        print(f"ratio: {elapsed / base:.1f}× the floor")
        print(f"second run the same day (nothing new to send): {again:.2f} s")
        if elapsed > GOAL_S:
            sys.exit(f"over the goal: {elapsed:.1f} s > {GOAL_S} s")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
