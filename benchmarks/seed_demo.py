"""Benchmark: ``seed_demo`` with its history rows, beside the same seeding without them.

    DJANGO_SETTINGS_MODULE=hoagiai.settings_test .venv/bin/python benchmarks/seed_demo.py [national]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoagiai ... (same) for PostgreSQL

It makes a throwaway test database with the plan and Bắc Giang's units, seeds the demo at the
scale given (province by default) without history rows, empties it, then seeds it again with
one history row per row, as ``manage.py seed_demo`` does. The first is the floor: the same
rows generated and inserted, with nothing else written. Both print their wall time and the
CPU time of this process (the machine may be shared; PostgreSQL's own work is left out).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoagiai.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from network.demo import clear_demo, seed_demo  # noqa: E402


def timed_seed(scale, history):
    started, cpu_started = time.perf_counter(), time.process_time()
    counts = seed_demo(scale, 1, history=history)
    return sum(counts.values()), time.perf_counter() - started, time.process_time() - cpu_started


def main():
    scale = sys.argv[1] if len(sys.argv) > 1 else "province"
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", "units_bac_giang", "plan", "targets", verbosity=0)
        rows, floor_s, floor_cpu = timed_seed(scale, history=False)
        clear_demo()
        rows, seed_s, seed_cpu = timed_seed(scale, history=True)
        print(f"database: {connection.vendor}; scale: {scale}; {rows:,} rows")
        print(f"seed_demo with history: {seed_s:.1f} s ({seed_cpu:.1f} s CPU in this process)")
        print(f"floor, without history:  {floor_s:.1f} s ({floor_cpu:.1f} s CPU in this process)")
        print(
            f"ratio to floor: {seed_s / floor_s:.2f}× (CPU {seed_cpu / floor_cpu:.2f}×); "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
