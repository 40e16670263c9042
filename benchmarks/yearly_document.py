"""Benchmark: the Sở's yearly report as a Word document, at the province's scale.

    DJANGO_SETTINGS_MODULE=hoagiai.settings_test .venv/bin/python benchmarks/yearly_document.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoagiai ... (same) for PostgreSQL

It makes a throwaway test database as ``scripts/run.sh`` does: the plan, Bắc Giang's units
and the targets, ``seed_demo --scale province`` (≈ 2,500 teams, 17,000 mediators), the
1/7/2025 arrangement, the demo's yearly reports (past years approved, this year in every
state) and plan progress (statuses and activities). Then it times ``targets.yearly_document.render``
— the figures, the plan progress, the narrative and docxtpl filling the committed template —
for 2024 (10 districts), 2025 (58 communes, all approved) and this year (a draft), each from
an empty cache (as the first request after any change), median of ``RUNS``.

The floor, measured in the same run and from an empty cache too: the same figures alone —
the KPI engine over the approved reports on both success-rate bases and the per-unit sums of
the appendix — without plan progress, text or Word. Goal: under 2 s.
"""

import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoagiai.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from hoagiai import caching  # noqa: E402
from reports.models import YearlyReport  # noqa: E402
from targets import yearly_document as document  # noqa: E402

GOAL_S = 2.0
RUNS = 5
SUCCESSORS = ["07693=07682", "07732=07681", "07744=07738"]  # as scripts/run.sh


def figures_alone(year):
    """The floor: the document's figures without the document."""
    built = document.YearlyDocument(year, text=document.ProvinceReportText(year=year))
    built.results  # noqa: B018 - computed for the timing
    built.other_basis  # noqa: B018
    built.unit_figures  # noqa: B018
    return built


def median_time(function, year):
    times = []
    for _ in range(RUNS):
        caching.clear()
        started = time.perf_counter()
        function(year)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        call_command("loaddata", "units_bac_giang", "plan", "targets", verbosity=0)
        call_command("seed_demo", "--scale", "province", "--seed", "1", verbosity=0)
        successors = [f"--successor={pair}" for pair in SUCCESSORS]
        call_command("apply_reform_2025", *successors, verbosity=0, stdout=StringIO())
        call_command("seed_demo_reports", "--seed", "1", verbosity=0)
        call_command("seed_demo_progress", "--seed", "1", verbosity=0)
        print(
            f"database: {connection.vendor}; demo data built in "
            f"{time.perf_counter() - started:.0f} s; {RUNS} runs each from an empty cache, median"
        )
        this_year = timezone.localdate().year
        for year in sorted({2024, 2025, this_year}):
            approved = YearlyReport.objects.filter(
                year=year, status=YearlyReport.Status.APPROVED
            ).count()
            floor = median_time(figures_alone, year)
            whole = median_time(document.render, year)
            caching.clear()
            with CaptureQueriesContext(connection) as queries:
                content, built = document.render(year)
            verdict = "ok" if whole <= GOAL_S else "OVER GOAL"
            print(
                f"{year}: {len(built.reporters)} reporting units, {approved} approved"
                f"{' (draft)' if built.is_draft else ''}; {len(content) / 1024:.0f} KB; "
                f"document {whole * 1000:.0f} ms (goal ≤ {GOAL_S * 1000:.0f}, {verdict}), "
                f"{len(queries)} queries; floor (the figures alone) {floor * 1000:.0f} ms; "
                f"ratio {whole / floor:.1f}×"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
