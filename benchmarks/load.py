"""Load test: many users against gunicorn on loopback, PostgreSQL behind it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoagiai_load \
    CACHE_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python benchmarks/load.py [--users 50] [--seconds 60]

``CACHE_URL`` names the cache gunicorn's workers share, as in production (README); without it
the rarely changing reads are not kept across requests (hoagiai/caching.py).

(``pip install -e ".[test,load]"`` installs locust.) One command:

1. (re)creates the PostgreSQL database named in ``DATABASE_URL`` — only a name ending in
   ``_load``, so that a real database can never be dropped by mistake — migrates it, loads
   the fixtures and seeds Bắc Giang's province-scale demo (registry, yearly reports in every
   state of the workflow, plan progress), as ``scripts/run.sh`` does;
2. opens the yearly reports not opened yet (this year's and earlier years', as drafts) and
   creates the load-test accounts: leadership users, and district officers spread over the
   reports they can edit (draft or returned), as few officers per report as possible;
3. serves the portal with gunicorn on a free loopback port with production settings (DEBUG
   off, a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1; plain HTTP on loopback, so the
   HTTPS redirect and secure-only cookies are off);
4. runs locust headless (``benchmarks/locustfile.py``) on the same machine: the users log in
   through the login form while they are spawned (the ramp-up, reported on its own), then
   ``--seconds`` of steady load by all of them is measured;
5. stops gunicorn and prints requests, requests/s, p50/p95 latency overall and per kind of
   request, errors, and whether the goal is met: 0 errors and p95 ≤ 500 ms.

Errors are responses other than 2xx/3xx and connection failures, in the ramp-up or the
measured window. A 409 answering a report save is the optimistic lock doing its job (two
officers of a district saved the same report at once) and is counted apart, never as an
error. Exit status: 0 goal met, 1 errors, 2 no errors but p95 over the goal, 3 setup failed.

Gunicorn: 3 sync workers by default. The pages are CPU-bound Python (template rendering,
the KPI engine; each request spends a few ms in PostgreSQL), so on 2 cores threads only
queue behind the GIL: measured on a quiet machine with 50 users, 3 sync workers gave p95
174 ms, 2 sync 206 ms, 4 sync 191 ms, gthread 2 workers × 4 threads 612 ms. Sync workers
also close each connection, so no keep-alive race with the client's pauses.

The public scenario, ``--public`` (e.g. ``--public --users 200``): every user is an
anonymous visitor (no account, no login) reading the public figures of a year
(``/cong-khai/<year>/``, the default year) and now and then the materials library; the goal
is then 0 errors and p95 ≤ 300 ms. The page's body is the same for everyone and kept in the
shared cache (``targets.public``), so ``CACHE_URL`` matters here as in production. Measured
with 200 visitors while other processes took 157 % of the 2 cores: 99.9 requests/s, p50
20 ms, p95 81 ms, 0 errors; gunicorn spent 3.0 ms of CPU a request.

Other options: ``--one-report-each`` returns or reopens reports as a reviewer would when
officers outnumber the editable reports (the demo has 4 this year), so that no two officers
share a report and every save does the full work (no 409s); ``--reuse-db`` skips step 1
(the database as a previous run left it) for quick re-runs; ``--workers/--worker-class/
--threads`` change the gunicorn set-up to compare. The run also prints where the CPU went
in the measured window (gunicorn, PostgreSQL, locust, other processes) and warns when other
processes on the machine took enough of it to skew the figures.
"""

import argparse
import http.client
import io
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
GOAL_P95_MS = 500
GOAL_P95_MS_PUBLIC = 300  # anonymous visitors of the public page (--public)

# Production settings for the server (and for this process's Django set-up). Loopback has no
# TLS: the HTTPS redirect and the secure-only cookies would stop any plain-HTTP client, so
# they are the only production settings turned off. A developer's .env is not read.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "hoagiai.settings",
    "DJANGO_READ_DOT_ENV_FILE": "off",
    "DEBUG": "off",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "off",
    "SESSION_COOKIE_SECURE": "off",
    "CSRF_COOKIE_SECURE": "off",
}


def log(message):
    print(message, flush=True)


# --- The database ---------------------------------------------------------------------


def database_settings(url):
    import environ

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit(f"DATABASE_URL must name a PostgreSQL database, not {config['ENGINE']}.")
    if not str(config["NAME"]).endswith("_load"):
        sys.exit(
            f'Refusing to run against database "{config["NAME"]}": the load test drops and '
            'recreates its database, so its name must end in "_load" (e.g. hoagiai_load).'
        )
    return config


def recreate_database(config):
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    name = sql.Identifier(config["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    connection.close()


def seed():
    """Migrate, load the fixtures and seed the demo as scripts/run.sh does."""
    from django.core.management import call_command

    steps = [
        ("migrate", ("migrate", "--noinput")),
        ("fixtures", ("loaddata", "units_bac_giang", "plan", "targets")),
        ("first history entries", ("populate_history", "--auto")),
        ("seed_demo --scale province", ("seed_demo", "--scale", "province", "--seed", "1")),
        ("seed_demo_reports --seed 1", ("seed_demo_reports", "--seed", "1")),
        ("seed_demo_progress --seed 1", ("seed_demo_progress", "--seed", "1")),
    ]
    for label, command in steps:
        started = time.monotonic()
        out = io.StringIO()
        call_command(*command, stdout=out, stderr=out, verbosity=1)
        last = [line.strip() for line in out.getvalue().splitlines() if line.strip()]
        summary = f" — {last[-1]}" if last and command[0].startswith("seed_demo_r") else ""
        log(f"  {label}: {time.monotonic() - started:.1f} s{summary}")


def load_accounts(users, officer_share, one_report_each=False):
    """Open the missing reports and create the load-test accounts; return the config part."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import Role, User
    from network.demo import BAC_GIANG
    from plans.models import Plan
    from reports import services
    from reports.models import YearlyReport
    from targets.models import Target
    from units.models import AdminUnit

    province = AdminUnit.objects.get(code=BAC_GIANG)
    districts = list(AdminUnit.objects.filter(parent=province, level="district").order_by("code"))
    years = services.report_years()
    opened = 0
    for year in years:
        for district in districts:
            if services.reporting_unit_problem(district, year):
                continue  # a district that ended before the year's cut-off
            if not YearlyReport.objects.filter(unit=district, year=year).exists():
                services.open_report(district, year, is_demo=True)
                opened += 1
    officers = round(users * officer_share) if users > 1 else 0

    def season(reports):
        # Newest year first, then by district: the season's reports, one district after another.
        return sorted(
            reports.filter(unit__in=districts).select_related("unit"),
            key=lambda report: (-report.year, report.unit.code),
        )

    editable = season(YearlyReport.objects.filter(status__in=YearlyReport.EDITABLE))
    reopened = 0
    if one_report_each and len(editable) < officers:
        # The reviewer's own workflow steps: return submitted reports, reopen approved ones.
        reviewer, _ = User.objects.get_or_create(username="load-reviewer")
        reviewer.groups.add(Group.objects.get(name=Role.PROVINCE_STAFF.value))
        reviewer = User.objects.get(pk=reviewer.pk)  # fresh permission cache
        comment = "Load test: back to the district so that each officer has a report."
        for report in season(YearlyReport.objects.frozen())[: officers - len(editable)]:
            if report.status == YearlyReport.Status.SUBMITTED:
                services.return_report(report, reviewer, comment)
            else:
                services.reopen(report, reviewer, comment)
            reopened += 1
        editable = season(YearlyReport.objects.filter(status__in=YearlyReport.EDITABLE))
    if officers and not editable:
        sys.exit("No editable (draft or returned) report to save: cannot run the officers.")

    User.objects.filter(username__startswith="load-").exclude(username="load-reviewer").delete()
    password = secrets.token_urlsafe(12)
    hashed = make_password(password)  # one hash for all: hashing 50 times would take a minute
    groups = {role: Group.objects.get(name=role.value) for role in Role}
    config_users = []
    for index in range(users - officers):
        user = User.objects.create(
            username=f"load-leader-{index + 1:03}",
            first_name=f"Lãnh đạo {index + 1}",
            password=hashed,
        )
        user.groups.add(groups[Role.LEADERSHIP])
        config_users.append({"username": user.username, "role": "leadership"})
    per_report = {}
    for index in range(officers):
        report = editable[index % len(editable)]
        user = User.objects.create(
            username=f"load-officer-{index + 1:03}",
            first_name=f"Cán bộ {index + 1}",
            password=hashed,
            unit=report.unit,
            is_staff=True,
        )
        user.groups.add(groups[Role.DISTRICT_OFFICER])
        config_users.append(
            {
                "username": user.username,
                "role": "officer",
                "district": report.unit.code,
                "year": report.year,
            }
        )
        per_report.setdefault((report.unit.code, report.year, report.status), []).append(
            user.username
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics after the bulk load, as in production

    plan = Plan.objects.current()
    communes = list(
        AdminUnit.objects.filter(parent__in=districts, level="commune")
        .order_by("code")
        .values_list("code", flat=True)
    )
    log(
        f"  reports: {opened} opened as drafts, {reopened} returned or reopened by a reviewer; "
        f"{len(editable)} editable (draft or returned); "
        f"{officers} officers over {len(per_report)} of them"
    )
    for (code, year, status), names in sorted(per_report.items()):
        log(f"    {code}/{year} ({status}): {len(names)} officer(s)")
    return {
        "password": password,
        "users": config_users,
        "province": province.code,
        "districts": [district.code for district in districts],
        "communes": communes,
        "plan_years": list(plan.years),
        "report_years": years,
        "targets": list(Target.objects.order_by("code").values_list("code", flat=True)),
    }


def public_config(users):
    """The public scenario's part of the config: no accounts, the years to read."""
    from plans.models import Plan
    from targets.public import public_years

    plan = Plan.objects.current()
    years = public_years(plan)
    log(f"  public scenario: {users} anonymous visitors, years {years[0]}–{years[-1]}")
    return {
        "password": "",
        "users": [],
        "visitors": users,
        "public_years": years,
        "plan_years": list(plan.years),
    }


# --- The server -----------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port, env, args, error_log):
    command = [
        str(VENV_BIN / "gunicorn"),
        "hoagiai.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--preload",  # import Django once, before forking: every worker starts warm
        "--log-level",
        "warning",
        "--error-logfile",
        str(error_log),
    ]
    if args.worker_class == "gthread":
        # Keep idle connections longer than a user's longest pause (3 s): with gunicorn's
        # default of 2 s, a POST on a connection the server is closing fails (status 0).
        command += ["--threads", str(args.threads), "--keep-alive", "5"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}; see {error_log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/dang-nhap/")
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return server, command
        except OSError:
            pass
        time.sleep(0.3)
    stop(server)
    raise RuntimeError("gunicorn did not answer /dang-nhap/ within 60 s")


def stop(process, timeout=20):
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- The report -----------------------------------------------------------------------


def percentile(values, share):
    """The nearest-rank percentile of raw response times (exact, not locust's buckets)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def print_phase(title, phase, seconds=None):
    times = phase["times"]
    rows = sorted(times.items(), key=lambda item: item[0])
    every = [value for values in times.values() for value in values]
    total = len(every)
    log(title)
    header = f"  {'request':<34}{'count':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    header += f"{'errors':>8}{'409s':>6}"
    log(header)
    for name, values in rows + [("ALL", every)]:
        errors = phase["errors"].get(name, 0) if name != "ALL" else sum(phase["errors"].values())
        conflicts = (
            phase["conflicts"].get(name, 0) if name != "ALL" else sum(phase["conflicts"].values())
        )
        rate = f"{len(values) / seconds:8.2f}" if seconds else f"{'':>8}"
        log(
            f"  {name:<34}{len(values):>7}{rate}{percentile(values, 0.50):>9.0f}"
            f"{percentile(values, 0.95):>9.0f}{max(values, default=float('nan')):>9.0f}"
            f"{errors:>8}{conflicts:>6}"
        )
    return total, every


def report(results, args, server_command):
    ramp, steady = results["ramp"], results["steady"]
    seconds = steady["seconds"]
    goal_ms = GOAL_P95_MS_PUBLIC if args.public else GOAL_P95_MS
    log("")
    log(f"Gunicorn: {' '.join(server_command[1:10])}")
    if args.public:
        log(
            f"Users: {results['users']} anonymous visitors (public page, materials library); "
            "wait 1–3 s between actions"
        )
    else:
        log(
            f"Users: {results['users']} ({results['leaders']} leadership, "
            f"{results['officers']} district officers); wait 1–3 s between actions"
        )
    print_phase(
        f"Ramp-up: {results['users']} users spawned and logged in in {ramp['seconds']:.1f} s "
        "(not in the measured window)",
        ramp,
    )
    total, every = print_phase(
        f"Measured window: {seconds:.1f} s with all {results['users']} users", steady, seconds
    )
    cores = os.cpu_count()
    log(
        f"CPU in the measured window, % of one core ({cores} cores = {100 * cores} %): "
        + ", ".join(f"{name} {share:.0f} %" for name, share in results["cpu"].items())
    )
    if total:
        # What a request costs the server whatever else the machine is doing: the latencies
        # wait for the CPU when other processes take it, this does not.
        per_request = results["cpu"].get("gunicorn", 0) / 100 * seconds * 1000 / total
        log(f"gunicorn CPU per request (measured window): {per_request:.1f} ms")
    other = results["cpu"].get("other processes", 0)
    if other > 20:
        log(
            f"WARNING: other processes on the machine used {other:.0f} % of a core during the "
            "window: the latencies above are pessimistic; rerun on a quiet machine to compare."
        )
    errors = sum(ramp["errors"].values()) + sum(steady["errors"].values())
    conflicts = sum(ramp["conflicts"].values()) + sum(steady["conflicts"].values())
    p50, p95 = percentile(every, 0.50), percentile(every, 0.95)
    log("")
    log(f"total requests (measured window): {total}")
    log(f"requests/s: {total / seconds:.1f}")
    log(f"latency: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    log(
        f"errors: {errors} (non-2xx/3xx other than the expected 409s, plus connection errors, "
        "ramp-up included)"
    )
    log(f"expected 409 conflicts (two officers saved the same report at once): {conflicts}")
    samples = ramp["samples"] + steady["samples"]
    for sample in samples[:10]:
        log(f"  error: {sample}")
    met = errors == 0 and p95 <= goal_ms
    log(
        f"goal (0 errors, p95 ≤ {goal_ms} ms): "
        + ("MET" if met else f"NOT MET ({errors} errors, p95 {p95:.0f} ms)")
    )
    if errors:
        return 1
    return 0 if met else 2


# --- Main -----------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="measured window")
    parser.add_argument(
        "--officer-share", type=float, default=0.2, help="share of users who are officers"
    )
    parser.add_argument(
        "--spawn-rate", type=float, default=5, help="users started per second in the ramp-up"
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="per worker, with gthread")
    parser.add_argument(
        "--one-report-each",
        action="store_true",
        help="when officers outnumber the editable reports, return or reopen reports (as a "
        "reviewer would) so that each officer saves a report of their own: no 409s",
    )
    parser.add_argument(
        "--reuse-db", action="store_true", help="keep the database of an earlier run"
    )
    parser.add_argument(
        "--public",
        action="store_true",
        help="every user an anonymous visitor of the public page and the materials library "
        "(goal p95 ≤ 300 ms)",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("Set DATABASE_URL=postgres://…/<name>_load (see the module docstring).")
    config = database_settings(url)
    env = {**os.environ, **SERVER_ENV, "SECRET_KEY": secrets.token_urlsafe(50)}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    started = time.monotonic()
    if not args.reuse_db:
        recreate_database(config)
        log(f"Database {config['NAME']} recreated.")
    import django

    django.setup()
    if not args.reuse_db:
        seed()
    if args.public:
        load_config = public_config(args.users)
    else:
        load_config = load_accounts(args.users, args.officer_share, args.one_report_each)
    from django.db import connections

    connections.close_all()
    log(f"Set-up: {time.monotonic() - started:.0f} s")
    # Static files: gunicorn does not serve them (a web server in front would), the default
    # storage needs no manifest and the load test fetches pages only: no collectstatic.

    workdir = Path(tempfile.mkdtemp(prefix="hoagiai-load-"))
    port = free_port()
    load_config.update(
        {"host": f"http://127.0.0.1:{port}", "seconds": args.seconds, "users_total": args.users}
    )
    config_path, results_path = workdir / "config.json", workdir / "results.json"
    error_log, locust_log = workdir / "gunicorn.log", workdir / "locust.log"
    server, server_command = start_gunicorn(port, env, args, error_log)
    load_config["server_pid"] = server.pid
    config_path.write_text(json.dumps(load_config))
    log(f"gunicorn at 127.0.0.1:{port} (pid {server.pid}); logs in {workdir} (kept on failure)")
    try:
        command = [
            str(VENV_BIN / "locust"),
            "-f",
            str(ROOT / "benchmarks" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--host",
            load_config["host"],
            "--loglevel",
            "WARNING",
            # The user classes by name: the visitors alone, or the logged-in users alone.
            *(["Visitor"] if args.public else ["Leader", "Officer"]),
        ]
        locust_env = {
            **os.environ,
            "LOAD_CONFIG": str(config_path),
            "LOAD_RESULTS": str(results_path),
        }
        log(
            f"locust: {args.users} users, spawn rate {args.spawn_rate}/s, "
            f"then {args.seconds:.0f} s measured …"
        )
        with open(locust_log, "w") as out:
            locust = subprocess.run(
                command, cwd=ROOT, env=locust_env, stdout=out, stderr=subprocess.STDOUT
            )
    finally:
        stop(server)
    if not results_path.exists():
        log(f"locust exited with {locust.returncode} and no results; its output:")
        log(locust_log.read_text()[-5000:])
        return 3
    server_errors = error_log.read_text() if error_log.exists() else ""
    if "Traceback" in server_errors or "WORKER TIMEOUT" in server_errors:
        log(f"gunicorn logged problems (see {error_log}):")
        log(server_errors[-3000:])
    status = report(json.loads(results_path.read_text()), args, server_command)
    if status == 0:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        log(f"Logs kept in {workdir}")
    return status


if __name__ == "__main__":
    sys.exit(main())
