"""Settings from the environment; Vietnamese formats."""

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from django import forms
from django.utils import formats, translation

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    base["DJANGO_SETTINGS_MODULE"] = "hoagiai.settings"
    # An empty .env stand-in: the project's own .env must not leak into this check.
    base["DJANGO_READ_DOT_ENV_FILE"] = "0"
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_secret_key_is_required_when_debug_is_off():
    result = run_check(DEBUG="off")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_off_with_a_secret_key_starts():
    result = run_check(DEBUG="off", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


class DateForm(forms.Form):
    day = forms.DateField()


def test_typed_dates_are_read_day_first():
    with translation.override("vi"):
        form = DateForm({"day": "05/03/2025"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == date(2025, 3, 5)


def test_dates_and_numbers_are_shown_the_vietnamese_way():
    with translation.override("vi"):
        assert formats.date_format(date(2025, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2025"
        assert formats.number_format(Decimal("1234.5"), 1, force_grouping=True) == "1.234,5"
