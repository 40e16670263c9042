"""Locust users for the load test (run by ``benchmarks/load.py``, which seeds the database,
creates the accounts, starts gunicorn and writes the config this file reads).

Two kinds of user, both logging in through the real login form (/dang-nhap/, CSRF token
read from the form) when they start:

- ``Leader`` (leadership, 80 % of the users by default): the dashboard — the province
  overview, a district's table, now and then a commune, a target's detail page — for this
  year mostly, sometimes an earlier or later plan year (the year selector).
- ``Officer`` (district officers, 20 %): open their district's yearly report (GET), take
  a moment to edit, and save it (POST) with the version read from the page and every field
  the page renders posted back as rendered, except a few communes' case figures, changed
  consistently (received = successful + unsuccessful + in progress); then the page the save
  redirects to (as a browser follows it). Officers sharing a report may get a 409 (the
  optimistic lock: someone saved since they opened it): that is expected, counted apart,
  and the officer reloads and tries again on its next round.

- ``Visitor`` (the public scenario, ``load.py --public``): an anonymous visitor, no login,
  reading the public figures of a year (``/cong-khai/<year>/``, or the default year) and
  now and then the materials library (the list, a search, the mediators' view).

Every user waits 1–3 s between actions (an officer also between opening and saving).

With ``LOAD_RESULTS`` set, a conductor measures a fixed window: it waits until every user is
spawned and logged in (the ramp-up, recorded separately), records ``seconds`` of steady
load, writes the raw response times and errors as JSON and stops locust.

    LOAD_CONFIG=config.json LOAD_RESULTS=results.json \
        locust -f benchmarks/locustfile.py --headless -u 50 -r 5 --host http://127.0.0.1:PORT
"""

import html
import itertools
import json
import os
import random
import re
import time
from collections import defaultdict
from urllib.parse import urlencode

import gevent
from locust import events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

CONFIG = {}
if "LOAD_CONFIG" in os.environ:
    with open(os.environ["LOAD_CONFIG"]) as config:
        CONFIG = json.load(config)
PASSWORD = CONFIG.get("password", "")
ACCOUNTS = {
    role: itertools.cycle([user for user in CONFIG.get("users", []) if user["role"] == role])
    for role in ("leadership", "officer")
}
COUNTS = {
    role: sum(1 for user in CONFIG.get("users", []) if user["role"] == role)
    for role in ("leadership", "officer")
}
CASE_FIELDS = ["cases_successful", "cases_unsuccessful", "cases_in_progress"]
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}

INPUT = re.compile(r"<input\b[^>]*>", re.S)
TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
TARGET_LINK = re.compile(r'href="(/chi-tieu/[^/"?]+/\?unit=[^"]*)"')
REPORT_FORM = re.compile(r'<form method="post" class="report-form"[^>]*>(.*?)</form>', re.S)


def form_fields(fragment):
    """The values a browser would post from a form's HTML (inputs and textareas)."""
    data = {}
    for tag in INPUT.findall(fragment):
        attributes = dict(ATTRIBUTE.findall(tag))
        if "name" in attributes and attributes.get("type") not in ("submit", "checkbox", "file"):
            data[attributes["name"]] = html.unescape(attributes.get("value", ""))
    for attributes, content in TEXTAREA.findall(fragment):
        name = dict(ATTRIBUTE.findall(attributes)).get("name")
        if name:
            # Browsers drop the newline that follows <textarea> (Django writes one).
            data[name] = html.unescape(content.removeprefix("\r\n").removeprefix("\n"))
    return data


def problem(response):
    """What went wrong: the status, or the connection error when there was no response."""
    error = getattr(response, "error", None)
    return f"status {response.status_code}" + (f" ({error!r})" if error else "")


def csrf_token(page):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return match.group(1) if match else None


class PortalUser(FastHttpUser):
    abstract = True
    role = ""
    connection_timeout = 30.0
    network_timeout = 30.0

    def wait_time(self):
        return random.uniform(1, 3)

    def on_start(self):
        try:
            self.account = next(ACCOUNTS[self.role])
            self.login()
        finally:
            READY.add(id(self))

    def login(self):
        with self.client.get(
            "/dang-nhap/", name="login: form", catch_response=True, allow_redirects=False
        ) as response:
            token = csrf_token(response.text or "") if response.status_code == 200 else None
            if token is None:
                response.failure(f"no login form: {problem(response)}")
        if token is None:
            raise StopUser()
        body = {
            "csrfmiddlewaretoken": token,
            "username": self.account["username"],
            "password": PASSWORD,
            "next": "",
        }
        with self.client.post(
            "/dang-nhap/",
            data=urlencode(body),
            headers=FORM_HEADERS,
            name="login: submit",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            refused = response.status_code != 302
            if refused:
                response.failure(f"login refused: {problem(response)}")
        if refused:
            raise StopUser()
        self.page("/", "home")

    def page(self, url, name, expect=200):
        """GET a page; anything but ``expect`` (a redirect to the login page …) fails."""
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as r:
            if r.status_code != expect:
                r.failure(problem(r))
                return None
            return r.text


class Leader(PortalUser):
    """Leadership on the dashboard."""

    role = "leadership"
    fixed_count = COUNTS["leadership"]

    def year(self):
        """This year mostly; an earlier report year, sometimes a later plan year."""
        this_year = CONFIG["report_years"][-1]
        draw = random.random()
        if draw < 0.6:
            return this_year
        if draw < 0.9 and len(CONFIG["report_years"]) > 1:
            return random.choice(CONFIG["report_years"][:-1])
        return random.choice(CONFIG["plan_years"])

    targets = ()  # the target pages the last dashboard seen links to

    def dashboard(self, url, name):
        page = self.page(url, name)
        if page is not None:
            self.targets = [html.unescape(link) for link in TARGET_LINK.findall(page)]

    @task(4)
    def province(self):
        self.dashboard(f"/chi-tieu/?year={self.year()}", "dashboard: province")

    @task(4)
    def district(self):
        unit = random.choice(CONFIG["districts"])
        self.dashboard(f"/chi-tieu/?unit={unit}&year={self.year()}", "dashboard: district")

    @task(1)
    def commune(self):
        unit = random.choice(CONFIG["communes"])
        self.dashboard(f"/chi-tieu/?unit={unit}&year={self.year()}", "dashboard: commune")

    @task(2)
    def target(self):
        """A target's page, as linked from the dashboard last seen (its unit and year)."""
        if not self.targets:
            self.province()
            return
        self.page(random.choice(self.targets), "dashboard: target detail")


class Officer(PortalUser):
    """A district officer editing the district's yearly report."""

    role = "officer"
    fixed_count = COUNTS["officer"]

    @task
    def edit_report(self):
        url = f"/bao-cao/{self.account['district']}/{self.account['year']}/"
        page = self.page(url, "report: open (GET)")
        if page is None:
            return
        form = REPORT_FORM.search(page)
        if form is None:
            self.fail("report: open (GET)", "the report page has no editable grid")
            return
        data = form_fields(form.group(1))
        self.change_cases(data)
        self.wait()  # the officer edits the figures
        with self.client.post(
            url,
            data=urlencode(data),
            headers=FORM_HEADERS,
            name="report: save (POST)",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code == 409:
                response.success()  # expected: another officer saved first (counted apart)
                return
            if response.status_code != 302:
                response.failure(problem(response))
                return
        self.page(url, "report: after save (GET)")

    @staticmethod
    def change_cases(data):
        """Change two or three communes' case figures, keeping every line's rules."""
        communes = sorted({name.split("-")[0] for name in data if re.match(r"c\d+-", name)})
        for commune in random.sample(communes, min(3, len(communes))):
            parts = {
                name: max(0, int(data[f"{commune}-{name}"]) + random.randint(-2, 2))
                for name in CASE_FIELDS
            }
            for name, value in parts.items():
                data[f"{commune}-{name}"] = str(value)
            data[f"{commune}-cases_received"] = str(sum(parts.values()))

    def fail(self, name, message):
        events.request.fire(
            request_type="CHECK",
            name=name,
            response_time=0,
            response_length=0,
            response=None,
            context={},
            exception=AssertionError(message),
        )


class Visitor(FastHttpUser):
    """Anyone, without logging in: the public figures, sometimes the materials library.
    Chosen by name on locust's command line (``load.py --public``), never mixed in with the
    logged-in users."""

    connection_timeout = 30.0
    network_timeout = 30.0
    searches = ("so tay", "hoa giai", "dat dai", "luat")

    def wait_time(self):
        return random.uniform(1, 3)

    def on_start(self):
        READY.add(id(self))

    def page(self, url, name, marker):
        """GET a public page: a 200 holding ``marker`` (an empty or error page fails)."""
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(problem(r))
            elif marker not in (r.text or ""):
                r.failure(f"no {marker!r} in the page")

    @task(6)
    def year(self):
        year = random.choice(CONFIG["public_years"])
        self.page(f"/cong-khai/{year}/", "public: a year", 'class="kpi-card')

    @task(2)
    def default_year(self):
        self.page("/cong-khai/", "public: default year", 'class="kpi-card')

    @task(1)
    def library(self):
        draw = random.random()
        if draw < 0.4:
            self.page("/tai-lieu/", "library: list", 'class="material"')
        elif draw < 0.7:
            query = urlencode({"q": random.choice(self.searches)})
            self.page(f"/tai-lieu/?{query}", "library: search", 'class="materials"')
        else:
            self.page("/tai-lieu/hoa-giai-vien/", "library: mediators", 'class="material"')


# --- The conductor: a measured window of steady load ------------------------------------

READY = set()  # users that have finished logging in (or failed to)
PHASES = {}
STATE = {"phase": "ramp"}


def new_phase():
    return {
        "times": defaultdict(list),
        "errors": defaultdict(int),
        "conflicts": defaultdict(int),
        "samples": [],
        "started": time.monotonic(),
    }


@events.request.add_listener
def record(request_type, name, response_time, response, exception, **kwargs):
    phase = PHASES.get(STATE["phase"])
    if phase is None:
        return
    status = getattr(response, "status_code", None)
    if request_type != "CHECK":
        phase["times"][name].append(response_time)
    if exception is not None:
        phase["errors"][name] += 1
        if len(phase["samples"]) < 20:
            phase["samples"].append(f"{name}: status {status}: {exception!r}"[:300])
    elif status == 409:
        phase["conflicts"][name] += 1


def cpu_snapshot():
    """The machine's busy and total CPU ticks, and each process's (name, parent, ticks)."""
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:9]]
    processes = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                line = stat.read()
        except OSError:
            continue
        name, rest = line[line.find("(") + 1 : line.rfind(")")], line[line.rfind(")") + 2 :].split()
        processes[int(pid)] = (name, int(rest[1]), int(rest[11]) + int(rest[12]))
    return {"busy": sum(ticks) - ticks[3] - ticks[4], "total": sum(ticks), "processes": processes}


def cpu_use(before, after):
    """Where the CPU went between two snapshots, in % of one core (2 cores = 200 %)."""
    server = CONFIG.get("server_pid")
    groups = defaultdict(int)
    for pid, (name, parent, ticks) in after["processes"].items():
        used = ticks - before["processes"].get(pid, (name, parent, 0))[2]
        if pid == os.getpid():
            groups["locust (load generator)"] += used
        elif server and server in (pid, parent):
            groups["gunicorn"] += used
        elif name.startswith("postgres"):
            groups["PostgreSQL"] += used
    total = after["total"] - before["total"]
    busy = after["busy"] - before["busy"]
    groups["other processes"] = max(0, busy - sum(groups.values()))
    cores = os.cpu_count() or 1
    share = {name: round(100 * cores * used / total, 1) for name, used in groups.items()}
    share["idle"] = round(100 * cores * (total - busy) / total, 1)
    return share


def conduct(environment):
    users = CONFIG["users_total"]
    deadline = time.monotonic() + 600
    while len(READY) < users and time.monotonic() < deadline:
        gevent.sleep(0.2)
    ramp = PHASES["ramp"]
    ramp["seconds"] = time.monotonic() - ramp["started"]
    PHASES["steady"] = new_phase()
    STATE["phase"] = "steady"
    before = cpu_snapshot()
    gevent.sleep(CONFIG["seconds"])
    STATE["phase"] = "done"
    cpu = cpu_use(before, cpu_snapshot())
    steady = PHASES["steady"]
    steady["seconds"] = time.monotonic() - steady["started"]
    results = {
        "cpu": cpu,
        "users": users,
        "leaders": COUNTS["leadership"],
        "officers": COUNTS["officer"],
        "visitors": CONFIG.get("visitors", 0),
        "ready": len(READY),
        "ramp": ramp,
        "steady": steady,
    }
    with open(os.environ["LOAD_RESULTS"], "w") as out:
        json.dump(results, out)
    environment.runner.quit()


@events.test_start.add_listener
def start_conductor(environment, **kwargs):
    if "LOAD_RESULTS" in os.environ and not PHASES:
        PHASES["ramp"] = new_phase()
        gevent.spawn(conduct, environment)
