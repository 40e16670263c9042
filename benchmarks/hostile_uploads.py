"""Hostile uploads: gunicorn as the load test serves it survives 20 crafted files in a row.

    .venv/bin/python benchmarks/hostile_uploads.py [--uploads 20] [--workers 3]

Issue 13: one 5 KB .xlsx with a value at XFD1048576 aborted the worker reading it. This
serves the portal exactly as ``benchmarks/load.py`` does (gunicorn, sync workers,
``--preload``, production settings: DEBUG off, a generated SECRET_KEY) over a fresh database
(``DATABASE_URL``, a PostgreSQL name ending in ``_load`` that it recreates, or by default a
temporary SQLite file), logs in a district officer through the login form and posts the
hostile files in turn to the mediator import and the yearly-report upload. Then it checks:

- every upload was answered (200 or 400, with the refusal on the page) — no 5xx, no
  dropped connection;
- the workers that were there before the first upload are all still there (none aborted
  and replaced by the master);
- the portal still answers a page;
- the largest resident memory any worker reached (from /proc), against the 300 MB goal.

Exit status: 0 all held, 1 something did not, 3 set-up failed.
"""

import argparse
import datetime
import html
import http.client
import io
import os
import re
import secrets
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import load  # noqa: E402  (the load test's own server set-up)

MEMORY_GOAL_MB = 300
PASSWORD = secrets.token_urlsafe(12)
DISTRICT, YEAR = "213", 2025


# --- The files ------------------------------------------------------------------------


def _xlsx(cells):
    import openpyxl

    book = openpyxl.Workbook()
    for reference, value in cells:
        book.active[reference] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xls(cells):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("HGV")
    for row, column, value in cells:
        sheet.write(row, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip(parts, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_part(data, name, content):
    """The .xlsx ``data`` with one part replaced."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[name] = content
    return _zip(parts)


def _lying_sizes(data):
    """Every part declares 10 bytes unpacked: a reader trusting the header is misled."""
    out = bytearray(data)
    for match in re.finditer(rb"PK\x01\x02|PK\x03\x04", bytes(out)):
        offset = match.start() + (24 if match.group() == b"PK\x01\x02" else 22)
        out[offset : offset + 4] = (10).to_bytes(4, "little")
    return bytes(out)


def hostile_files():
    """(name, bytes, what it tries) — built here, nothing downloaded."""
    base = _xlsx([("A1", "Họ và tên")])
    bomb = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    bomb += b"<si><t>" + b" " * (300 * 2**20) + b"</t></si></sst>"
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
        )
        + b']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheets><sheet name='&j;' sheetId='1'/></sheets></workbook>"
    )
    many_rows = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(1, 200_001))
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{many_rows}</sheetData></worksheet>"
    ).encode()
    return [
        ("xfd.xlsx", _xlsx([("XFD1048576", 1)]), "one value at XFD1048576"),
        ("a1-xfd.xlsx", _xlsx([("A1", "x"), ("XFD1048576", 1)]), "A1 and XFD1048576"),
        ("z.xlsx", _xlsx([("A1", "x"), ("Z1048576", 1)]), "A1 and Z1048576"),
        ("wide.xlsx", _xlsx([("A1", "x"), ("XFD1", 1)]), "A1 and XFD1"),
        ("iv.xls", _xls([(0, 0, "x"), (65535, 255, 1)]), ".xls, A1 and IV65536"),
        ("rows.xlsx", _with_part(base, "xl/worksheets/sheet1.xml", sheet), "200,000 rows"),
        ("bomb.xlsx", _with_part(base, "xl/sharedStrings.xml", bomb), "300 MB of shared text"),
        ("lying.xlsx", _lying_sizes(_with_part(base, "xl/sharedStrings.xml", bomb)), "sizes lie"),
        ("laughs.xlsx", _with_part(base, "xl/workbook.xml", laughs), "billion laughs"),
        ("xlsb.xlsx", _zip({"xl/workbook.bin": b"\0" * 100}), "an .xlsb renamed"),
    ]


# --- The server ----------------------------------------------------------------------


def set_up(url):
    """A fresh database with the units, a district officer of 213, a team and a report."""
    if url.startswith("postgres"):
        load.recreate_database(load.database_settings(url))
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.models import Role, User
    from network.models import MediationTeam
    from reports import services
    from units.models import AdminUnit

    call_command("migrate", "--noinput", verbosity=0)
    call_command("loaddata", "units_bac_giang", "plan", "targets", verbosity=0)
    # A district officer of 2024 (codes are reused across the 1/7/2025 reform: say the day).
    district = AdminUnit.objects.by_code(DISTRICT, datetime.date(2024, 12, 31))
    user = User.objects.create_user("hostile-officer", password=PASSWORD, is_staff=True)
    user.unit = district
    user.save()
    user.groups.add(Group.objects.get(name=Role.DISTRICT_OFFICER.value))
    MediationTeam.objects.create(commune=district.children.first(), name="Thôn Thử")
    services.open_report(district, YEAR)
    from django.db import connections

    connections.close_all()


class Client:
    """Just enough of a browser: cookies, the CSRF token, multipart uploads."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body, {"Cookie": cookie, **(headers or {})})
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, content.decode("utf-8", "replace")

    def csrf(self, path):
        status, page = self.request("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        return status, page, token.group(1) if token else ""

    def login(self):
        _, _, token = self.csrf("/dang-nhap/")
        body = urlencode(
            {"username": "hostile-officer", "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        status, _ = self.request(
            "POST",
            "/dang-nhap/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.referer},
        )
        return status

    @property
    def referer(self):
        return f"http://127.0.0.1:{self.port}/"

    def upload(self, path, fields, name, content):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": self.referer,
        }
        return self.request("POST", path, body, headers)


def workers(master_pid):
    """The master's child processes, from /proc (their parent is field 4 of stat)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            found.add(int(stat.parent.name))
    return found


def peak_memory_mb(pids):
    peaks = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        peaks[pid] = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) // 1024
    return peaks


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    args.worker_class, args.threads = "sync", 1

    workdir = Path(tempfile.mkdtemp(prefix="hoagiai-hostile-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'hostile.sqlite3'}"
    env = {
        **os.environ,
        **load.SERVER_ENV,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(workdir / "media"),
    }
    os.environ.update(env)
    try:
        set_up(url)
    except Exception as error:  # noqa: BLE001 — reported, exit status 3
        print(f"Set-up failed: {error}")
        return 3
    files = hostile_files()
    port = load.free_port()
    error_log = workdir / "gunicorn.log"
    server, command = load.start_gunicorn(port, env, args, error_log)
    print(f"gunicorn (pid {server.pid}): {' '.join(command[1:])}; logs in {workdir}")
    failures = []
    try:
        client = Client(port)
        if client.login() != 302:
            print("Could not log in.")
            return 3
        before = workers(server.pid)
        report_path = f"/bao-cao/{DISTRICT}/{YEAR}/"
        imports = "/admin/network/mediator/excel/nhap/"
        for number in range(args.uploads):
            name, content, what = files[number % len(files)]
            to_report = number % 2 == 1
            path = report_path if to_report else imports
            status, page, token = client.csrf(path)
            fields = {"csrfmiddlewaretoken": token}
            if to_report:
                version = re.search(r'name="version" value="(\d+)"', page)
                fields["version"] = version.group(1) if version else "1"
                path += "tai-len/"
            started = time.monotonic()
            try:
                status, page = client.upload(path, fields, name, content)
            except OSError as error:
                status, page = 0, str(error)
            seconds = time.monotonic() - started
            refused = re.search(r'class="(errornote|error)">\s*([^<]+)', page)
            shown = html.unescape(refused.group(2).strip())[:100] if refused else ""
            print(
                f"{number + 1:2}. {what:24} → {'report' if to_report else 'import'} "
                f"{status} in {seconds:.2f} s  {shown}"
            )
            if status not in (200, 400):
                failures.append(f"upload {number + 1} ({what}): status {status}")
        after = workers(server.pid)
        if not before <= after:
            failures.append(f"workers replaced: before {sorted(before)}, after {sorted(after)}")
        status, _ = client.request("GET", report_path)
        if status != 200:
            failures.append(f"the report page answered {status} after the uploads")
        peaks = peak_memory_mb(after)
        print(f"workers before {sorted(before)}, after {sorted(after)}; page after: {status}")
        print(f"peak resident memory per worker (MB): {peaks}")
        if peaks and max(peaks.values()) > MEMORY_GOAL_MB:
            failures.append(f"a worker reached {max(peaks.values())} MB")
    finally:
        load.stop(server)
    log = error_log.read_text() if error_log.exists() else ""
    if "Traceback" in log or "WORKER TIMEOUT" in log or "SIGKILL" in log or "signal" in log:
        failures.append(f"gunicorn logged problems, see {error_log}")
    print("HELD: every upload refused, every worker alive." if not failures else "FAILED:")
    for failure in failures:
        print(f"  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
