"""Benchmark: the dashboard at national scale beside two floors measured in the same run.

    DJANGO_SETTINGS_MODULE=hoagiai.settings_test .venv/bin/python benchmarks/dashboard.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoagiai ... (same) for PostgreSQL
    CACHE_URL=redis://127.0.0.1:6379/15 ... (same) with the shared cache production uses

It makes a throwaway test database with ``seed_demo --scale national`` (≈ 87,000 teams,
≈ 550,000 mediators), then times, with the Django test client (server side):

- the dashboard overview (the province: every target, trends, the table of districts);
- a district's dashboard (its table of communes);

beside two floors, each the median of 7 runs: the same per-district aggregates as raw SQL
over the raw mediator and team rows (starting from the province's units), and as raw SQL
over the commune-year figures the engine reads. The whole request (server side) is printed
against both floors, and its queries' time beside it. The reads kept in
the cache across requests (hoagiai/caching.py) are warm, as for every request after the first;
the time spent in the cache is printed beside the time spent in queries.
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

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from accounts.models import User  # noqa: E402
from benchmarks.national import national_demo  # noqa: E402
from units.models import AdminUnit  # noqa: E402

YEAR = 2025  # the trends read 2024–2026 (the years up to today)
RUNS = 7
GOAL_MS = 200
# The warm overview's whole request (view, engine, page) against the figures floor.
WHOLE_REQUEST_GOAL = 5

# The raw-rows floor starts from the province's units, as any hand-written report would: its
# communes, their teams, their mediators active on the cut-off; the framework-trained ones
# are one join over those mediators' attendance (not an EXISTS per mediator), and the teams'
# composition sums only the province's mediators (not the country's before filtering).
PROVINCE_MEDIATORS = """
WITH communes AS (
  SELECT c.id, c.parent_id AS district
  FROM units_adminunit d JOIN units_adminunit c ON c.parent_id = d.id
  WHERE d.parent_id = %(province)s
), teams AS (
  SELECT t.id, t.ethnic_minority_area, communes.district
  FROM network_mediationteam t JOIN communes ON communes.id = t.commune_id
  WHERE t.dissolved_on IS NULL OR t.dissolved_on > %(day)s
), active AS (
  SELECT m.id, m.team_id, m.role, m.sex, m.ethnicity, m.material_access_on, teams.district
  FROM network_mediator m JOIN teams ON teams.id = m.team_id
  WHERE m.recognised_on <= %(day)s AND (m.left_on IS NULL OR m.left_on > %(day)s)
)
"""
RAW_SQL = (
    PROVINCE_MEDIATORS
    + """, trained AS (
  SELECT DISTINCT a.mediator_id
  FROM network_mediatorattendance a
  JOIN active ON active.id = a.mediator_id
  JOIN network_training t ON t.id = a.training_id
  WHERE t.held_on <= %(day)s AND t.audience = 'mediators' AND t.programme = 'framework'
)
SELECT active.district,
       COUNT(*),
       SUM(CASE WHEN active.sex = 'F' THEN 1 ELSE 0 END),
       SUM(CASE WHEN active.ethnicity NOT IN ('', 'Kinh') THEN 1 ELSE 0 END),
       SUM(CASE WHEN active.material_access_on <= %(day)s THEN 1 ELSE 0 END),
       COUNT(trained.mediator_id)
FROM active LEFT JOIN trained ON trained.mediator_id = active.id
GROUP BY active.district
"""
)
TEAMS_SQL = (
    PROVINCE_MEDIATORS
    + """
SELECT per_team.district, COUNT(*),
       SUM(CASE WHEN leaders > 0 AND members >= 3 AND women > 0
                 AND (NOT per_team.ethnic_minority_area OR minority > 0) THEN 1 ELSE 0 END)
FROM (
  SELECT active.team_id, teams.district, teams.ethnic_minority_area,
         SUM(CASE WHEN active.role = 'leader' THEN 1 ELSE 0 END) AS leaders,
         COUNT(*) AS members,
         SUM(CASE WHEN active.sex = 'F' THEN 1 ELSE 0 END) AS women,
         SUM(CASE WHEN active.ethnicity NOT IN ('', 'Kinh') THEN 1 ELSE 0 END) AS minority
  FROM active JOIN teams ON teams.id = active.team_id
  GROUP BY active.team_id, teams.district, teams.ethnic_minority_area
) per_team
GROUP BY per_team.district
"""
)
# The figures the overview reads: its year and the years of its trend, for its province.
LINES_SQL = """
SELECT l.year, c.parent_id, SUM(l.teams), SUM(l.compliant_teams), SUM(l.supported_teams),
       SUM(l.mediators), SUM(l.trained), SUM(l.with_material), SUM(l.new_due),
       SUM(l.new_trained_in_time), SUM(l.cases_received), SUM(l.cases_successful)
FROM reports_communeyear l JOIN units_adminunit c ON c.id = l.commune_id
WHERE l.year IN (2024, 2025, 2026)
  AND c.parent_id IN (SELECT id FROM units_adminunit WHERE parent_id = %(province)s)
GROUP BY l.year, c.parent_id
"""


def timed_sql(sql, params):
    """The median of ``RUNS`` executions, every row fetched."""
    times = []
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


class QueryTimer:
    """Times every query precisely (CaptureQueriesContext rounds to whole milliseconds).

    On PostgreSQL (psycopg2's client-side cursors) a query's rows have all arrived when
    ``execute`` returns. SQLite produces the rows while they are fetched, after ``execute``:
    there the time leaves the fetching out and flatters the ratio; the floors fetch all.
    """

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql))


class CacheTimer:
    """Times every call to the cache (the shared cache of hoagiai/caching.py and sessions)."""

    METHODS = ("get", "get_many", "set", "add", "incr", "delete")

    def __init__(self):
        self.calls = []
        self.backend = caches["default"]
        for name in self.METHODS:
            setattr(self.backend, name, self._timed(getattr(self.backend, name)))

    def _timed(self, method):
        def call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                key = args[0] if args else ""
                self.calls.append((time.perf_counter() - started, method.__name__, str(key)))

        return call


def median_request(client, url, cache_timer):
    client.get(url)  # warm caches (templates, translations, the reads kept across requests)
    times, query_times, cache_times, timer = [], [], [], None
    for _ in range(RUNS):
        timer = QueryTimer()
        cache_timer.calls = []
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        query_times.append(sum(seconds for seconds, _ in timer.queries))
        cache_times.append(sum(seconds for seconds, _, _ in cache_timer.calls))
    if os.environ.get("BENCH_VERBOSE"):
        print(f"  {url}")
        for seconds, sql in timer.queries:
            print(f"    {seconds * 1000:6.2f} ms  {sql[:110]}")
        for seconds, method, key in cache_timer.calls:
            print(f"    {seconds * 1000:6.2f} ms  cache.{method}({key[:90]})")
    return (
        statistics.median(times),
        len(timer.queries),
        statistics.median(query_times),
        len(cache_timer.calls),
        statistics.median(cache_times),
    )


def main():
    with national_demo():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics after the bulk load, as in production
        leader = User.objects.create_user("bench-leader")
        leader.groups.add(Group.objects.get(name="leadership"))
        client = Client()
        client.force_login(leader)
        # The province the overview opens on (the first by code), and the same scope and
        # years (the year and its trend) for both floors.
        province = AdminUnit.objects.filter(level="province", parent=None).order_by("code")[0]
        district = AdminUnit.objects.filter(parent=province, level="district").first()

        day, scope = f"{YEAR}-12-31", {"province": province.pk}
        raw = timed_sql(RAW_SQL, {"day": day, **scope}) + timed_sql(
            TEAMS_SQL, {"day": day, **scope}
        )
        lines = timed_sql(LINES_SQL, scope)
        cache_timer = CacheTimer()
        cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(f"database: {connection.vendor}; cache: {cache}; overview of {province.name}")
        print(
            f"floor, raw rows of {YEAR} by district (from the province's units): "
            f"{raw * 1000:,.1f} ms (median of {RUNS})"
        )
        print(
            f"floor, commune-year figures 2024–2026 by district: "
            f"{lines * 1000:,.1f} ms (median of {RUNS})"
        )
        # Both ways in the same run: every read from the database, then the rarely changing
        # ones kept in the cache across requests (as production runs with CACHE_URL).
        for across in (False, True):
            with override_settings(CACHE_ACROSS_REQUESTS=across):
                overview = median_request(client, f"/chi-tieu/?year={YEAR}", cache_timer)
                table = median_request(
                    client, f"/chi-tieu/?year={YEAR}&unit={district.code}", cache_timer
                )
            print(f"-- reads kept in the cache across requests: {'on' if across else 'off'}")
            for name, (total, count, sql, calls, cached) in (
                ("overview (province)", overview),
                ("district table", table),
            ):
                print(
                    f"{name}: whole request median {total * 1000:,.0f} ms (goal ≤ {GOAL_MS}) "
                    f"= {total / lines:.1f}× the figures floor (overview goal ≤ "
                    f"{WHOLE_REQUEST_GOAL}×), {total / raw:.2f}× the raw-rows floor; "
                    f"{count} queries taking {sql * 1000:,.2f} ms "
                    f"({sql / lines:.1f}× the figures floor, {sql / raw:.2f}× the raw-rows "
                    f"floor); {calls} cache calls taking {cached * 1000:,.2f} ms"
                )


if __name__ == "__main__":
    main()
