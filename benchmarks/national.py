"""The throwaway national-scale database the benchmarks measure on (import after
``django.setup()``)."""

import time
from contextlib import contextmanager

from django.core.management import call_command
from django.db import connection
from django.test.utils import setup_test_environment

from network.demo import seed_demo


@contextmanager
def national_demo():
    """A new test database with the plan, Bắc Giang's units and ``seed_demo --scale
    national`` (≈ 87,000 teams, ≈ 550,000 mediators); dropped on the way out."""
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", "units_bac_giang", "plan", "targets", verbosity=0)
        started = time.perf_counter()
        counts = seed_demo("national", 1, history=False)
        print(
            f"seeded {counts['network.MediationTeam']:,} teams, "
            f"{counts['network.Mediator']:,} mediators in {time.perf_counter() - started:.0f} s "
            f"(figures recounted on commit)"
        )
        yield counts
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
