"""Benchmark: the accent-insensitive mediator search in the admin, at province scale.

    DJANGO_SETTINGS_MODULE=hoagiai.settings_test .venv/bin/python benchmarks/admin_search.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoagiai ... (same) for PostgreSQL

It makes a throwaway test database with the plan, Bắc Giang's units and the province-scale
demo (≈ 17,500 mediators), then times, as province staff with the Django test client (warm,
server side), the mediator list searched for a few terms typed without marks. The list
used to fold every mediator's name, team and commune in the database and group every
mediator with its courses for each of its four queries (2.2 s at this size); it now reads
the stored folded name (``Mediator.name_folded``; a trigram index on PostgreSQL) and
annotates only the page's rows.

For each term: the median of ``RUNS`` requests, the number of queries, the time in them,
and the ratio to a floor measured in the same run: the raw SQL of the count and of one
page of 100 rows on the folded column. The old way's count and page (the same search
through the ``unaccent`` transform, with the grouped annotation) are timed too, for scale.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoagiai.settings_test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from hoagiai.text import fold  # noqa: E402
from network.models import Mediator  # noqa: E402

RUNS = 15
GOAL_MS = 300
TERMS = ["nguyen", "nguyen van", "tran thi", "thon 3"]
URL = "/admin/network/mediator/"

FLOOR_COUNT = "SELECT COUNT(*) FROM network_mediator WHERE {where}"
FLOOR_PAGE = """
SELECT m.id, m.full_name, m.sex, m.role, m.recognised_on, m.left_on, t.name, u.name
FROM network_mediator m
JOIN network_mediationteam t ON t.id = m.team_id
JOIN units_adminunit u ON u.id = t.commune_id
WHERE {where}
ORDER BY u.code, t.name, m.full_name LIMIT 100
"""


def timed_sql(sql, params):
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        return time.perf_counter() - started


def floor(term):
    """The count and one page, each word on the folded name only (the index's work)."""
    words = fold(term).split()
    where = " AND ".join(["name_folded LIKE %s"] * len(words))
    params = [f"%{word}%" for word in words]
    count = FLOOR_COUNT.format(where=where)
    page = FLOOR_PAGE.format(where=where.replace("name_folded", "m.name_folded"))
    timed_sql(count, params)
    runs = (timed_sql(count, params) + timed_sql(page, params) for _ in range(RUNS))
    return statistics.median(runs)


def old_way(term):
    """The count and one page as the list ran them before: the ``unaccent`` transform on
    three columns, with every mediator grouped with its courses."""
    queryset = Mediator.objects.with_first_training()
    for word in term.split():
        queryset = queryset.filter(
            Q(full_name__unaccent__icontains=word)
            | Q(team__name__unaccent__icontains=word)
            | Q(team__commune__name__unaccent__icontains=word)
        )
    times = []
    for _ in range(3):
        started = time.perf_counter()
        queryset.count()
        list(queryset.select_related("team__commune")[:100])
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def median_request(client, term):
    client.get(URL, {"q": term})  # warm
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(URL, {"q": term})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": term})
    found = response.context["cl"].result_count
    sql = sum(float(query["time"]) for query in queries.captured_queries)
    return statistics.median(times), len(queries), sql, found


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", "units_bac_giang", "plan", "targets", verbosity=0)
        call_command("seed_demo", scale="province", seed=1, verbosity=0)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        staff = User.objects.create_user("bench-staff", is_staff=True)
        staff.groups.add(Group.objects.get(name=Role.PROVINCE_STAFF.value))
        client = Client()
        client.force_login(staff)
        print(
            f"database: {connection.vendor}; {Mediator.objects.count():,} mediators; "
            f"{RUNS} warm requests each, median"
        )
        for term in TERMS:
            floor_s = floor(term)
            median, queries, sql, found = median_request(client, term)
            before = old_way(term)
            verdict = "ok" if median * 1000 <= GOAL_MS else "OVER GOAL"
            print(
                f"'{term}' ({found:,} found): median {median * 1000:6.1f} ms "
                f"(goal ≤ {GOAL_MS}, {verdict}); {queries} queries taking {sql * 1000:.1f} ms; "
                f"floor (count + page, raw SQL) {floor_s * 1000:.1f} ms: request "
                f"{median / floor_s:.1f}× the floor; the old way's count + page alone "
                f"{before * 1000:.0f} ms"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
