"""The Vietnamese catalog is complete, compiled, and in step with the code."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("xgettext") is None,
    reason="GNU gettext is not installed (CI has it)",
)


def msgids(po_text: str) -> set[str]:
    """Message ids of a .po file (enough of the format for the catalog we write)."""
    ids, current, in_id = set(), [], False
    for line in po_text.splitlines():
        if line.startswith("msgid "):
            current, in_id = [line[6:]], True
        elif line.startswith('"') and in_id:
            current.append(line)
        else:
            if in_id:
                ids.add("".join(part.strip().strip('"') for part in current))
            in_id = False
    ids.discard("")
    return ids


@needs_gettext
def test_every_message_is_translated():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


@needs_gettext
def test_the_compiled_catalog_matches_the_po_file(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(PO)], check=True)
    assert fresh.read_bytes() == MO.read_bytes(), "run scripts/messages.sh and commit the .mo"


@needs_gettext
def test_the_catalog_holds_every_string_of_the_code(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT, copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "*.sqlite3", "media", "staticfiles",
                                      "__pycache__", "test-artifacts"),
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-location",
         "--no-obsolete", "-i", "tools/*", "-i", "tests/*"],
        cwd=copy, check=True, capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "hoagiai.settings_test",
             "DJANGO_READ_DOT_ENV_FILE": "0", "PYTHONPATH": str(copy)},
    )  # fmt: skip
    extracted = msgids((copy / PO.relative_to(ROOT)).read_text(encoding="utf-8"))
    committed = msgids(PO.read_text(encoding="utf-8"))
    assert extracted - committed == set(), "run scripts/messages.sh and translate"
