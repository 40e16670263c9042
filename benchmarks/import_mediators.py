"""Benchmark: import a Bắc Giang-sized mediator roster through the admin's own code path.

    DJANGO_SETTINGS_MODULE=hoagiai.settings_test .venv/bin/python benchmarks/import_mediators.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoagiai ... (same) for PostgreSQL

It makes a throwaway test database, 2,532 teams and a 17,396-row workbook, then times the
upload-and-preview request plus the confirm request (Django test client, the views the
admin uses), against a floor measured in the same run: parsing the same file with
python-calamine plus one bulk_create of the same rows. The CPU time of this process is
printed too (on a shared machine the wall time follows the others' load).
"""

import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoagiai.settings_test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from network.models import MediationTeam, Mediator  # noqa: E402
from units.models import AdminUnit  # noqa: E402

TEAMS, MEDIATORS = 2_532, 17_396
GOAL_ROWS_PER_S, GOAL_RATIO = 6_000, 10


def build_teams():
    communes = list(AdminUnit.objects.communes())
    teams = [
        MediationTeam(commune=communes[i % len(communes)], name=f"Thôn {i // len(communes) + 1}")
        for i in range(TEAMS)
    ]
    return MediationTeam.objects.bulk_create(teams)


def build_workbook(teams) -> bytes:
    rng = random.Random(7)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("HGV")
    with translation.override("vi"):
        from network.imports import MediatorExcel

        sheet.append(MediatorExcel.__new__(MediatorExcel).headers())
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Ngô", "Dương", "Bùi"]
    for i in range(MEDIATORS):
        team = teams[i % TEAMS]
        sex = "Nữ" if rng.random() < 0.45 else "Nam"
        middle = "Thị" if sex == "Nữ" else "Văn"
        sheet.append(
            [
                team.commune.code,
                team.name,
                f"{rng.choice(families)} {middle} Số {i}",
                sex,
                rng.randint(1950, 2000),
                "Kinh",
                "Tổ trưởng" if i < TEAMS else "Hòa giải viên",
                date(2019, 1, 1) + timedelta(days=rng.randint(0, 2000)),
                None,
                "Nông dân",
                None,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def admin_import(client, content):
    url = reverse("admin:network_mediator_excel_import")
    file = io.BytesIO(content)
    file.name = "bac-giang.xlsx"
    started, cpu_started = time.perf_counter(), time.process_time()
    preview = client.post(url, {"file": file})
    assert preview.context["plan"].ok, preview.context["plan"].errors[:3]
    middle = time.perf_counter()
    done = client.post(url, {"token": preview.context["token"]})
    assert done.status_code == 302, done.status_code
    ended = time.perf_counter()
    return middle - started, ended - middle, time.process_time() - cpu_started


def floor(content, teams):
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    parsed = time.perf_counter()
    by_key = {(t.commune.code, t.name): t for t in teams}
    Mediator.objects.bulk_create(
        [
            Mediator(
                team=by_key[(r[0], r[1])],
                full_name=r[2],
                sex="F" if r[3] == "Nữ" else "M",
                birth_year=int(r[4]),
                ethnicity=r[5],
                recognised_on=r[7],
            )
            for r in rows[1:]
        ],
        batch_size=2000,
    )
    return parsed - started, time.perf_counter() - parsed, time.process_time() - cpu_started


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", "units_bac_giang", "plan", "targets", verbosity=0)
        teams = build_teams()
        content = build_workbook(teams)
        user = get_user_model().objects.create_superuser("bench", "b@example.org", "x")
        client = Client()
        client.force_login(user)

        parse_s, insert_s, floor_cpu = floor(content, teams)
        # Empty the table without the ORM's per-row delete signals and history.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Mediator._meta.db_table}")
        preview_s, confirm_s, import_cpu = admin_import(client, content)
        assert Mediator.objects.count() == MEDIATORS

        total = preview_s + confirm_s
        floor_s = parse_s + insert_s
        rate = MEDIATORS / total
        print(f"database: {connection.vendor}; rows: {MEDIATORS:,}; file: {len(content):,} bytes")
        print(
            f"admin import: preview {preview_s:.2f} s + confirm {confirm_s:.2f} s = "
            f"{total:.2f} s → {rate:,.0f} rows/s (goal ≥ {GOAL_ROWS_PER_S:,})"
        )
        print(
            f"floor: calamine parse {parse_s:.2f} s + one bulk_create {insert_s:.2f} s = "
            f"{floor_s:.2f} s"
        )
        print(f"ratio to floor: {total / floor_s:.1f}× (goal ≤ {GOAL_RATIO}×)")
        # On a shared machine the wall time follows the load; the CPU time of this process
        # (the server's own is left out on PostgreSQL) much less.
        print(
            f"CPU time of this process: import {import_cpu:.2f} s "
            f"({MEDIATORS / import_cpu:,.0f} rows per CPU-second), floor {floor_cpu:.2f} s; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
