"""On SQLite two saves at once: the second waits for the first, never "database is locked".

A report save reads, then writes, in one transaction. Two of them at once on SQLite's default
(deferred) transactions deadlock, and SQLite fails one at once. The configured database (a file,
as in production, with the settings' OPTIONS) must make the second wait instead.
"""

import contextlib
import threading
import time

import pytest
from django.conf import settings
from django.db import connections, transaction

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's locking only",
)


def save(alias, both_read, errors, hold=0.0):
    """Read the total, then write it back plus one: what a report save does to its lines."""
    connection = connections[alias]  # this thread's own connection, made from the settings
    try:
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SELECT total FROM report")
            (total,) = cursor.fetchone()
            # With deferred transactions both get here; with IMMEDIATE the other waits at
            # BEGIN (it cannot read before this one commits) and the barrier breaks.
            with contextlib.suppress(threading.BrokenBarrierError):
                both_read.wait(timeout=1)
            cursor.execute("UPDATE report SET total = %s", [total + 1])
            time.sleep(hold)
    except Exception as error:  # noqa: BLE001 (the test reports what the loser saw)
        errors.append(error)
    finally:
        connection.close()


def test_two_simultaneous_saves_wait_for_each_other(tmp_path, monkeypatch, django_db_blocker):
    # Two more databases, configured as the site's own but on one file, as in production.
    for alias in ("first", "second"):
        monkeypatch.setitem(
            connections.settings,
            alias,
            {**settings.DATABASES["default"], "NAME": str(tmp_path / "db.sqlite3")},
        )
    both_read, errors = threading.Barrier(2), []
    with django_db_blocker.unblock():
        with connections["first"].cursor() as cursor:
            cursor.execute("CREATE TABLE report (total integer)")
            cursor.execute("INSERT INTO report VALUES (0)")
        threads = [
            threading.Thread(target=save, args=("first", both_read, errors, 0.3)),
            threading.Thread(target=save, args=("second", both_read, errors)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with connections["first"].cursor() as cursor:
            cursor.execute("SELECT total FROM report")
            total = cursor.fetchone()
        connections["first"].close()

    assert not errors, errors  # was: OperationalError('database is locked')
    assert total == (2,)  # neither save lost
