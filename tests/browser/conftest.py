"""Real-browser journeys: Playwright's sync API driving Debian's chromium against live_server.

Chromium: ``shutil.which("chromium")`` (the Debian package; a browser is never downloaded).
Without it the journeys are skipped with the reason, except in CI (``CI=true``), where they
fail: CI must run them.

Screenshots of each journey's key steps go to ``artifacts/screenshots/<journey>-<step>.png``
(``SCREENSHOT_DIR`` overrides the directory).

The database. ``live_server`` makes a test transactional: its writes are committed (the
server thread must see them) and pytest-django flushes every table when it ends. The flush
takes the rows the session set up once (``tests/conftest.py``: units, plan, targets) and the
rows the migrations wrote (the role groups), which later tests rely on. So the database as
it stood before the first browser test is kept (serialized, as Django's serialized rollback
does) and put back: before each browser test when a flush emptied it, and after the last
browser test of a module, for whatever runs next in the session.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections
from django.utils import translation
from django.utils.text import capfirst

from accounts.models import User

from ..conftest import PASSWORD, _is_set_up, _restore

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"
TIMEOUT_MS = 15_000


# --- The database: back to the session's rows around the browser tests ---


@pytest.fixture(scope="module", autouse=True)
def _restore_after_browser_tests(session_rows, django_db_blocker):
    """After the module's last flush: the session's rows again, for the tests after it."""
    yield
    with django_db_blocker.unblock():
        if not _is_set_up():
            _restore(session_rows)


@pytest.fixture(autouse=True)
def _session_rows_in_place(transactional_db, session_rows):
    """Before each browser test (and its personas): the session's rows, reloaded if flushed."""
    if not _is_set_up():
        _restore(session_rows)


# --- The browser ---


@pytest.fixture(scope="session")
def chromium_executable():
    """Debian's chromium and the Playwright package; a clear skip (a failure in CI) else."""
    reasons = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reasons.append("the playwright package is not installed (pip install -e '.[test]')")
    executable = shutil.which("chromium")
    if executable is None:
        reasons.append(
            "chromium is not on PATH (Debian: apt-get install chromium); "
            "the journeys never download a browser"
        )
    if reasons:
        message = "Browser journeys cannot run: " + "; ".join(reasons)
        if IN_CI:
            pytest.fail(message + " — CI must run them.", pytrace=False)
        pytest.skip(message)
    return executable


@pytest.fixture
def browser(chromium_executable, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread (in a greenlet): Django's
    # async-safety check would refuse the test's own ORM calls, though none runs in an
    # async context (the server answers from its own threads).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_executable, args=["--no-sandbox"]
        )
        yield launched
        launched.close()
        # Meanwhile the test ran in the event loop's context (contextvars), where Django
        # opened connections of its own: close them, or PostgreSQL's test database stays
        # in use and cannot be dropped at the end of the session.
        connections.close_all()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page()``: a fresh Vietnamese-locale page on the live server, in a context of
    its own (its own login), with console errors collected; closed at the end."""
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url,
            accept_downloads=True,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            viewport={"width": 1440, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        opened = context.new_page()
        opened.problems = []  # script errors and Content-Security-Policy refusals
        opened.on("pageerror", lambda error: opened.problems.append(str(error)))
        opened.on("console", lambda message: _console(opened, message))
        return opened

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A fresh Vietnamese-locale page on the live server; console errors are collected."""
    return new_page()


def _console(page, message):
    """Keep the console's errors, but not the browser's own request for /favicon.ico (the
    portal has none; a 404 there shows nothing to the person using it)."""
    if message.type != "error":
        return
    if message.location.get("url", "").endswith("/favicon.ico"):
        return
    page.problems.append(f"{message.text} ({message.location.get('url', '')})")


@pytest.fixture
def screenshot_dir():
    directory = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "artifacts" / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def shot(screenshot_dir):
    """``shot(page, "journey", "step")`` saves the whole page as journey-step.png."""

    def take(page, journey, step):
        path = screenshot_dir / f"{journey}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# --- Helpers the journeys share ---


def vi(message: str, **values) -> str:
    """A message of the interface as the Vietnamese pages show it."""
    with translation.override("vi"):
        text = translation.gettext(message)
    return text % values if values else text


def vi_text(text) -> str:
    """A lazy text (a verbose name, a column header, a choice's label) in Vietnamese."""
    with translation.override("vi"):
        return str(text)


def vi_name(text) -> str:
    """The same, capitalised as headings, lists and labels show it."""
    return capfirst(vi_text(text))


@pytest.fixture
def log_in(chromium_executable):
    """Log in through the real login form, as a person does (no session shortcuts)."""
    from playwright.sync_api import expect

    def enter(page, user: User):
        page.goto("/dang-nhap/")
        page.get_by_label(vi("Username")).fill(user.username)
        page.get_by_label(vi("Password")).fill(PASSWORD)
        page.get_by_role("button", name=vi("Log in")).click()
        expect(page.locator(".site-header .who")).to_contain_text(
            user.get_full_name() or user.username
        )
        return page

    return enter


def page_overflow(page) -> dict:
    """How far the page scrolls sideways: the document's width against the viewport's, and
    the widest elements that stick out past the right edge (to name in a failure)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const offenders = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.width && box.right > width + 1) {
              // Only elements not inside a scroll box of their own count.
              let clipped = false;
              for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                const o = getComputedStyle(p).overflowX;
                if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
              }
              if (!clipped) offenders.push(
                el.tagName.toLowerCase()
                + (el.className ? '.' + String(el.className).split(' ')[0] : '')
                + ' → ' + Math.round(box.right) + ' px');
            }
          }
          const scrollWidth = document.documentElement.scrollWidth;
          return {scrollWidth, width, offenders: offenders.slice(0, 8)};
        }"""
    )


def assert_no_sideways_scroll(page):
    """Nothing on the page makes it scroll sideways (a phone at 390 px, say)."""
    overflow = page_overflow(page)
    assert overflow["scrollWidth"] <= overflow["width"], (
        f"{page.url} is {overflow['scrollWidth']} px wide in a {overflow['width']} px window; "
        f"sticking out: {overflow['offenders']}"
    )
