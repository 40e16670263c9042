"""Benchmark: the yearly reports' status board at the demo's size and at national scale.

    DJANGO_SETTINGS_MODULE=hoagiai.settings_test .venv/bin/python -m benchmarks.status_board
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoagiai ... (same) for PostgreSQL

It makes a throwaway test database with the plan and Bắc Giang's units, applies the
1/7/2025 arrangement, and gives every reporting commune a 2025 report in a mix of states
(not started, draft, submitted with and without warnings, returned, approved; some late).
Then it times, with the Django test client as province staff (server side, warm):

(a) the board of the new province's 99 communes (the plan widened to all of them; the demo's
    plan area is 58 of them);
(b) 10,000 more communes under the same province, made with ``bulk_create``: the board of
    10,099 reporting communes (the national scale: every commune of Vietnam reporting
    straight to one Sở would be ≈ 10,000).

For each: the median of ``RUNS`` requests of the first page, a filtered page and a search,
the number of queries (the same at both sizes), and the ratio against a floor: the raw SQL
of the counts and of one page of rows, timed in the same run.
"""

import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoagiai.settings_test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from hoagiai import caching  # noqa: E402
from plans.models import Plan  # noqa: E402
from reports import reform, services  # noqa: E402
from reports.models import ReportEvent, YearlyReport  # noqa: E402
from units.models import AdminUnit  # noqa: E402

YEAR = 2025
RUNS = 20
GOAL_MS = 200
EXTRA_COMMUNES = 10_000
SEARCH = "thu nghiem 12"  # 111 of the communes made at national scale
SUCCESSORS = {"07693": "07682", "07732": "07681", "07744": "07738"}  # as scripts/run.sh
Status = YearlyReport.Status
# One in eight of each state; None: not started.
MIX = [
    None,
    Status.DRAFT,
    Status.SUBMITTED,
    Status.SUBMITTED,
    Status.SUBMITTED,
    Status.RETURNED,
    Status.APPROVED,
    Status.APPROVED,
]

FLOOR_COUNTS = """
SELECT COUNT(*),
       SUM(CASE WHEN r.id IS NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.status = 'draft' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.status = 'submitted' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.status = 'returned' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.submitted_at >= %(late)s OR r.submitted_at IS NULL THEN 1 ELSE 0 END)
FROM units_adminunit u
LEFT JOIN reports_yearlyreport r ON r.unit_id = u.id AND r.year = %(year)s
WHERE u.parent_id = %(province)s AND u.level = 'commune'
  AND (u.valid_from IS NULL OR u.valid_from <= %(day)s)
  AND (u.valid_to IS NULL OR u.valid_to >= %(day)s) {search}
"""
FLOOR_PAGE = """
SELECT u.id, u.code, u.name, r.id, r.status, r.submitted_at,
       (SELECT e.at FROM reports_reportevent e WHERE e.report_id = r.id AND e.action = 'submit'
        ORDER BY e.at DESC, e.id DESC LIMIT 1),
       (SELECT e.warnings FROM reports_reportevent e
        WHERE e.report_id = r.id AND e.action = 'submit'
        ORDER BY e.at DESC, e.id DESC LIMIT 1)
FROM units_adminunit u
LEFT JOIN reports_yearlyreport r ON r.unit_id = u.id AND r.year = %(year)s
WHERE u.parent_id = %(province)s AND u.level = 'commune'
  AND (u.valid_from IS NULL OR u.valid_from <= %(day)s)
  AND (u.valid_to IS NULL OR u.valid_to >= %(day)s) {search}
ORDER BY u.code, u.id LIMIT 100
"""


def give_reports(units):
    """A report per unit in the ``MIX`` of states, with a submit event for those submitted
    once (a warning on every other one); a few submitted after the 15/01 deadline."""
    reports, events = [], []
    start = timezone.make_aware(datetime(2026, 1, 2, 9))
    for index, unit in enumerate(units):
        status = MIX[index % len(MIX)]
        if status is None:
            continue
        submitted = None
        if status != Status.DRAFT:
            submitted = start + timedelta(days=index % 20)
        reports.append(YearlyReport(unit=unit, year=YEAR, status=status, submitted_at=submitted))
    created = YearlyReport.objects.bulk_create(reports, batch_size=2000)
    for index, report in enumerate(created):
        if report.submitted_at:
            events.append(
                ReportEvent(
                    report=report,
                    action=ReportEvent.Action.SUBMIT,
                    from_status=Status.DRAFT,
                    to_status=Status.SUBMITTED,
                    warnings=["Số vụ việc giảm hơn 50% so với năm trước"] if index % 2 else [],
                )
            )
    ReportEvent.objects.bulk_create(events, batch_size=2000)
    return len(created)


def add_communes(province, count):
    units = [
        AdminUnit(
            code=f"{80000 + number:05d}",
            name=f"Xã Thử Nghiệm {number + 1}",
            level=AdminUnit.Level.COMMUNE,
            kind=AdminUnit.Kind.COMMUNE,
            parent=province,
            valid_from=date(2025, 7, 1),
            is_demo=True,
        )
        for number in range(count)
    ]
    return AdminUnit.objects.bulk_create(units, batch_size=2000)


def timed_sql(sql, params):
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        return time.perf_counter() - started


def floor(province, search=""):
    """The raw SQL of the counts and of one page, with the search's condition if any."""
    day = date(YEAR, 12, 31)
    late = timezone.make_aware(datetime(YEAR + 1, 1, 16))
    params = {"year": YEAR, "province": province.pk, "day": day, "late": late}
    condition = ""
    if search:
        folded = (
            "LOWER(UNACCENT(u.name))"
            if connection.vendor == "postgresql"
            else ("hoagiai_fold(u.name)")
        )
        condition = f"AND (u.code LIKE %(code)s OR {folded} LIKE %(name)s)"
        params.update(code=f"{search}%", name=f"%{search}%")
    counts = FLOOR_COUNTS.replace("{search}", condition)
    page = FLOOR_PAGE.replace("{search}", condition)
    timed_sql(counts, params)  # warm
    return statistics.median(
        timed_sql(counts, params) + timed_sql(page, params) for _ in range(RUNS)
    )


class QueryTimer:
    """The wall time spent in the database during a request (precise, unlike
    CaptureQueriesContext's whole milliseconds)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def median_request(client, query):
    """Medians of the request's wall time, of the time in queries, and of this process's
    CPU time (Python: views, template; less disturbed than wall time on a busy machine)."""
    client.get("/bao-cao/", query)  # warm: templates, translations, cached units and plan
    times, sql, cpu = [], [], []
    for _ in range(RUNS):
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/bao-cao/", query)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        sql.append(timer.seconds)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get("/bao-cao/", query)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(client.get, "/bao-cao/", query)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    if os.environ.get("BENCH_VERBOSE"):
        for each in queries.captured_queries:
            print(f"    {float(each['time']) * 1000:7.1f} ms  {each['sql'][:300]}")
    return statistics.median(times), len(queries), statistics.median(sql), statistics.median(cpu)


def measure(client, label, province):
    units = services.reporting_units(YEAR).count()
    base = floor(province)
    searched = floor(province, SEARCH)
    print(f"-- {label}: {units:,} reporting communes; floor (counts + one page, raw SQL) "
          f"{base * 1000:.1f} ms, with the search {searched * 1000:.1f} ms")  # fmt: skip
    counts = []
    for name, query in (
        ("first page", {"year": YEAR}),
        ("late, page 2", {"year": YEAR, "status": "late", "page": 2}),
        (f"search '{SEARCH}'", {"year": YEAR, "q": SEARCH}),
    ):
        floor_ms = searched if "q" in query else base
        median, queries, sql, cpu = median_request(client, query)
        counts.append(queries)
        verdict = "ok" if median * 1000 <= GOAL_MS else "OVER GOAL"
        print(
            f"{name:>24}: median {median * 1000:6.1f} ms (goal ≤ {GOAL_MS}, {verdict}); "
            f"{queries} queries taking {sql * 1000:.1f} ms = {sql / floor_ms:.1f}× the floor; "
            f"Python CPU {cpu * 1000:.1f} ms; whole request {median / floor_ms:.1f}× the floor"
        )
    return counts


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", "units_bac_giang", "plan", "targets", verbosity=0)
        reform.apply(SUCCESSORS)
        staff = User.objects.create_user("bench-staff")
        staff.groups.add(Group.objects.get(name=Role.PROVINCE_STAFF.value))
        client = Client()
        client.force_login(staff)
        province = AdminUnit.objects.root_province(date(YEAR, 12, 31))
        print(f"database: {connection.vendor}; {RUNS} warm requests each, median")

        # The plan widened to the whole province (99 communes) at both sizes, so the
        # queries that decide the plan area are the same in both.
        Plan.objects.update(whole_province_from=date(2025, 1, 1))
        caching.clear()  # a bulk update sends no signal to drop the cached plan
        give_reports(services.reporting_units(YEAR))
        small = measure(client, "the province (plan widened)", province)

        started = time.perf_counter()
        before = set(YearlyReport.objects.values_list("unit_id", flat=True))
        add_communes(province, EXTRA_COMMUNES)
        give_reports([u for u in services.reporting_units(YEAR) if u.pk not in before])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"(made {EXTRA_COMMUNES:,} communes and their reports in "
              f"{time.perf_counter() - started:.1f} s)")  # fmt: skip
        large = measure(client, "national scale", province)
        same = "the same" if small == large else "DIFFERENT"
        print(f"queries per request at both sizes: {small} vs {large}: {same}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
