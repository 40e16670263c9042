"""The house's layers (DESIGN §2, §7): units at the bottom; accounts and network read it
and no longer each other (the old accounts ↔ network import loop); nothing imports upward."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = {"units", "accounts", "network", "plans", "reports", "targets", "api"}
# What each app may import from the others (migrations and tests aside).
ALLOWED = {
    "units": set(),
    "accounts": {"units"},
    "network": {"units", "accounts"},
    "plans": {"units", "accounts", "network"},
    "reports": {"units", "accounts", "network", "plans"},
    "targets": {"units", "accounts", "network", "plans", "reports"},
    # The JSON API reads every layer and nothing reads it.
    "api": {"units", "accounts", "network", "plans", "reports", "targets"},
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & APPS


@pytest.mark.parametrize("app", sorted(APPS))
def test_an_app_imports_only_the_layers_below_it(app):
    wrong = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        found = imported_apps(path) - ALLOWED[app] - {app}
        if found:
            wrong[str(path.relative_to(ROOT))] = sorted(found)
    assert not wrong, wrong
