"""Benchmark: the 1/7/2025 transition at national scale, in one transaction.

    DJANGO_SETTINGS_MODULE=hoagiai.settings_test .venv/bin/python benchmarks/reform.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoagiai ... (same) for PostgreSQL

It makes a throwaway test database with ``seed_demo --scale national`` (≈ 87,000 teams,
≈ 550,000 mediators). The demo's synthetic provinces get a reorganisation like Bắc Giang's
(each province a new version from 1/7/2025, its districts gone, every three communes of a
district merged into one), set up beforehand as the fixture is for Bắc Giang. Then
``apply_reform_2025``'s service runs once, timed: Bắc Giang's fixture and checks, and every
team, pilot, model commune, trainer, commune-year line and plan row of the country moved,
with the counts before and after compared. Goal: under 60 s.

The floor, measured in the same run and rolled back: the one ``UPDATE`` that moves every
team to its successor commune, without history, checks or anything else.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoagiai.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import CharField, OuterRef, Subquery, Value  # noqa: E402
from django.db.models.functions import Cast, Concat  # noqa: E402

from benchmarks.national import national_demo  # noqa: E402
from network.models import MediationTeam  # noqa: E402
from reports import reform  # noqa: E402
from units.models import AdminUnit, Succession  # noqa: E402

GOAL_S = 60
# The Department's choice for the three communes the GSO table leaves out (as in run.sh).
SUCCESSORS = {"07693": "07682", "07732": "07681", "07744": "07738"}
MERGED = 3  # communes of a district merged into one


def reorganise_synthetic_provinces():
    """A new version of each demo province from 1/7/2025 and its merged communes."""
    first, last = reform.FIRST_DAY, reform.FIRST_DAY - timedelta(days=1)
    provinces = list(AdminUnit.objects.filter(level="province", is_demo=True).order_by("code"))
    new_provinces = AdminUnit.objects.bulk_create(
        [
            AdminUnit(code=p.code, name=p.name, level="province", kind=p.kind, is_demo=True,
                      valid_from=first)
            for p in provinces
        ]
    )  # fmt: skip
    successions = [
        Succession(predecessor=old, successor=new, basis="benchmark")
        for old, new in zip(provinces, new_provinces, strict=True)
    ]
    new_of = dict(zip((p.pk for p in provinces), new_provinces, strict=True))
    communes = (
        AdminUnit.objects.filter(level="commune", parent__parent__in=provinces)
        .select_related("parent")
        .order_by("parent_id", "code")
    )
    groups, current, district = [], [], None
    for commune in communes:
        if commune.parent_id != district or len(current) == MERGED:
            if current:
                groups.append(current)
            current, district = [], commune.parent_id
        current.append(commune)
    if current:
        groups.append(current)
    merged = AdminUnit.objects.bulk_create(
        [
            AdminUnit(code=group[0].code, name=f"Xã {group[0].name.split(' ', 1)[-1]}",
                      level="commune", kind="commune", is_demo=True, valid_from=first,
                      parent=new_of[group[0].parent.parent_id])
            for group in groups
        ],
        batch_size=2000,
    )  # fmt: skip
    for group, new in zip(groups, merged, strict=True):
        successions += [
            Succession(predecessor=old, successor=new, basis="benchmark") for old in group
        ]
    Succession.objects.bulk_create(successions, batch_size=2000)
    ended = AdminUnit.objects.filter(is_demo=True, valid_from__isnull=True)
    ended.update(valid_to=last)
    return len(provinces), len(merged), len(successions)


def floor_seconds():
    """Every team to its successor commune in one statement, then rolled back (each name
    made unique by its id, as merged communes share village names)."""
    successor = Succession.objects.filter(predecessor=OuterRef("commune")).values("successor")[:1]
    moving = MediationTeam.objects.filter(commune__valid_to__isnull=False)
    unique_name = Concat("name", Value(" "), Cast("pk", CharField()))
    with transaction.atomic():
        started = time.perf_counter()
        moved = moving.update(commune=Subquery(successor), name=unique_name)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, moved


def main():
    with national_demo():
        with transaction.atomic():
            provinces, communes, links = reorganise_synthetic_provinces()
        print(f"set up: {provinces} synthetic provinces, {communes:,} new communes, "
              f"{links:,} successions")  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # Bắc Giang's communes end inside the step, so the floor moves every other team:
        # scale it to all of them.
        floor, floor_moved = floor_seconds()
        started = time.perf_counter()
        outcome = reform.apply(SUCCESSORS)
        seconds = time.perf_counter() - started
        moved = outcome.changes["teams re-homed"]
        print(f"database: {connection.vendor}")
        for key, value in sorted(outcome.changes.items()):
            print(f"  {key}: {value:,}")
        print(f"counts before = after: {outcome.before == outcome.after}")
        per_team_floor = floor / floor_moved
        print(
            f"transition: {seconds:.1f} s for {moved:,} teams (goal < {GOAL_S} s), one "
            f"transaction; floor (one UPDATE of {floor_moved:,} teams, no history or checks): "
            f"{floor:.2f} s, so {seconds / (per_team_floor * moved):.0f}× the floor"
        )


if __name__ == "__main__":
    main()
