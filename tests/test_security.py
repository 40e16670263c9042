"""Production hardening: deploy checks, CSP, login throttling, password rules, export log."""

import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from accounts.models import DataExport
from network.models import MediationTeam, Mediator

from .conftest import PASSWORD
from .test_settings import ROOT

pytestmark = pytest.mark.django_db


def test_the_deploy_checks_pass_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="hoagiai.settings",
        DJANGO_READ_DOT_ENV_FILE="0",  # the developer's .env must not leak in
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="hoagiai.example.vn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_forbid_inline_scripts_and_framing(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script and "unsafe-inline" not in script
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_account_with_a_vietnamese_message(client, officer_a):
    for _ in range(3):
        client.post(reverse("login"), {"username": "an", "password": "sai-mat-khau"})
    # Even the right password is refused now, with a page saying why and for how long.
    response = client.post(reverse("login"), {"username": "an", "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "bị khóa" in page and "15 phút" in page
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a_good_login_after_a_slip_still_works(client, officer_a):
    client.post(reverse("login"), {"username": "an", "password": "sai-mat-khau"})
    response = client.post(reverse("login"), {"username": "an", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer_a.pk)


@pytest.mark.parametrize("password", ["12345678", "matkhau", "password123"])
def test_weak_passwords_are_refused(password, officer_a):
    with pytest.raises(ValidationError):
        validate_password(password, officer_a)


def test_an_export_of_mediators_is_logged_with_who_and_when(client, officer_a, district_a):
    team = MediationTeam.objects.create(commune=district_a.children.first(), name="Thôn Đông")
    Mediator.objects.create(
        team=team, full_name="Hoàng Thị Hà", sex="F", recognised_on="2024-03-01", ethnicity="Tày"
    )
    client.login(username=officer_a.username, password=PASSWORD)
    response = client.get(reverse("admin:network_mediator_excel_export"))
    assert response.status_code == 200
    entry = DataExport.objects.get()
    assert (entry.user, entry.rows) == (officer_a, 1)
    assert entry.at is not None


def test_leadership_cannot_read_mediators_personal_data(client, leader):
    client.login(username=leader.username, password=PASSWORD)
    assert client.get(reverse("training-due")).status_code == 403
    assert client.get(reverse("admin:network_mediator_changelist")).status_code in {302, 403}
    assert not DataExport.objects.exists()
