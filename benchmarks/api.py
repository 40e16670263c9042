"""Benchmark: the JSON API at national scale, beside the dashboard measured in the same run.

    DJANGO_SETTINGS_MODULE=hoagiai.settings_test .venv/bin/python benchmarks/api.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoagiai ... (same) for PostgreSQL

It makes a throwaway test database with ``seed_demo --scale national`` (≈ 87,000 teams,
≈ 550,000 mediators; benchmarks/national.py), then times, with the Django test client
(server side, warm, the median of several requests):

1. ``/api/v1/targets`` for the province and for a district beside the dashboard for the
   same unit and year (the overview and the district's table): the API's queries as a
   ratio of the dashboard's own query time (goal ≤ 2×), the whole requests likewise (goal
   ≤ 2×), and the API request over the dashboard's query time (for information: a warm
   request spends most of its time in Python, not in the database);
2. the registry lists (``/api/v1/mediators``, ``/api/v1/teams``) with province staff's token:
   the first page and a late page (keyset: ``after`` near the end of the table), then the
   same with the mediator table cut to a tenth (``DELETE`` of the rest, ``ANALYZE``). A list
   that reads O(page) costs the same on a late page and at both sizes (goal: ratios ≈ 1,
   ≤ 2); an OFFSET or a COUNT would grow with the table.
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from accounts.scoping import scope_for  # noqa: E402
from api.models import ApiToken  # noqa: E402
from benchmarks.dashboard import QueryTimer  # noqa: E402
from benchmarks.national import national_demo  # noqa: E402
from network.models import MediationTeam, Mediator  # noqa: E402
from units.models import AdminUnit  # noqa: E402

YEAR = 2025
RUNS = 9
PAGE = 100


def median_request(client, url, headers=None):
    """(median seconds, queries, median query seconds) of ``RUNS`` warm requests."""
    headers = headers or {}
    assert client.get(url, **headers).status_code == 200, url  # warm
    times, query_times, count = [], [], 0
    for _ in range(RUNS):
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(url, **headers)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        query_times.append(sum(seconds for seconds, _sql in timer.queries))
        count = len(timer.queries)
    return statistics.median(times), count, statistics.median(query_times)


def token_header(user):
    token = ApiToken(user=user, name="benchmark")
    secret = token.issue()
    token.save()
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def ms(seconds):
    return f"{seconds * 1000:,.1f} ms"


def compare_targets(leader_client, public, province, district):
    print(f"-- /api/v1/targets beside the dashboard ({YEAR}, national scale)")
    for across in (False, True):
        with override_settings(CACHE_ACROSS_REQUESTS=across):
            for name, unit_query, board_query in (
                ("province", "", ""),
                (f"district {district.code}", f"&unit={district.code}", f"&unit={district.code}"),
            ):
                board = median_request(leader_client, f"/chi-tieu/?year={YEAR}{board_query}")
                api = median_request(public, f"/api/v1/targets?year={YEAR}{unit_query}")
                print(
                    f"cache across requests {'on ' if across else 'off'} | {name}: "
                    f"dashboard {ms(board[0])} ({board[1]} queries, {ms(board[2])}); "
                    f"API {ms(api[0])} ({api[1]} queries, {ms(api[2])}) | "
                    f"API queries ÷ dashboard queries = {api[2] / board[2]:.2f}× (goal ≤ 2); "
                    f"API request ÷ dashboard request = {api[0] / board[0]:.2f}× (goal ≤ 2); "
                    f"API request ÷ dashboard queries = {api[0] / board[2]:.1f}× (the "
                    f"request's Python: routing, the engine, JSON)"
                )


def list_pages(client, user, headers, label):
    """First and late page (the fourth last of the user's scope) of the mediators and teams
    lists; returns their medians."""
    results = {}
    scope = scope_for(user)
    for path, model in (("/api/v1/mediators", Mediator), ("/api/v1/teams", MediationTeam)):
        rows = scope.filter(model.objects.all(), model.scope_path)
        count = rows.count()  # for the printout only, outside the timed requests
        late_after = rows.order_by("-pk").values_list("pk", flat=True)[PAGE * 3]
        first = median_request(client, f"{path}?limit={PAGE}", headers)
        late = median_request(client, f"{path}?limit={PAGE}&after={late_after}", headers)
        results[path] = (first, late)
        print(
            f"{label} {path} ({count:,} rows in scope): first page {ms(first[0])} "
            f"({first[1]} queries), late page {ms(late[0])} ({late[1]} queries); late ÷ first = "
            f"{late[0] / first[0]:.2f}× (goal ≤ 2)"
        )
    return results


def shrink_mediators(keep_fraction=10):
    """Cut the mediator table to a tenth (the first ids), as fast as the database allows."""
    ids = Mediator.objects.order_by("pk").values_list("pk", flat=True)
    cut = ids[Mediator.objects.count() // keep_fraction]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM network_mediatorattendance WHERE mediator_id >= %s", [cut])
        cursor.execute("DELETE FROM network_mediator WHERE id >= %s", [cut])
        cursor.execute("ANALYZE")


def main():
    with national_demo():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        leader = User.objects.create_user("bench-leader")
        leader.groups.add(Group.objects.get(name=Role.LEADERSHIP.value))
        staff = User.objects.create_user("bench-staff")
        staff.groups.add(Group.objects.get(name=Role.PROVINCE_STAFF.value))
        province = AdminUnit.objects.filter(level="province", parent=None).order_by("code")[0]
        district = AdminUnit.objects.filter(parent=province, level="district").first()
        officer = User.objects.create_user("bench-officer", unit=district)
        officer.groups.add(Group.objects.get(name=Role.DISTRICT_OFFICER.value))
        leader_client, public = Client(), Client()
        leader_client.force_login(leader)
        print(f"database: {connection.vendor}")

        compare_targets(leader_client, public, province, district)

        print("-- registry lists, keyset pages of 100")
        staff_headers, officer_headers = token_header(staff), token_header(officer)
        big = list_pages(public, staff, staff_headers, "staff")
        list_pages(public, officer, officer_headers, f"officer of {district.code}")
        shrink_mediators()
        small = list_pages(public, staff, staff_headers, "staff, mediators cut to a tenth:")
        first_big, first_small = big["/api/v1/mediators"][0][0], small["/api/v1/mediators"][0][0]
        late_big, late_small = big["/api/v1/mediators"][1][0], small["/api/v1/mediators"][1][0]
        print(
            f"mediators at 10× the rows ÷ at 1×: first page {first_big / first_small:.2f}×, "
            f"late page {late_big / late_small:.2f}× (goal ≤ 2: O(page), not O(table))"
        )


if __name__ == "__main__":
    main()
