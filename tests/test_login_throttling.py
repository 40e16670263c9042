"""Login throttling behind a reverse proxy: clients are told apart, one address is limited.

The proxy is nginx at 10.0.0.2 appending the address it sees to X-Forwarded-For; An
(officer_a) logs in from 203.0.113.7, an attacker guesses from 198.51.100.9.
"""

import ipaddress

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.throttling import client_ip

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
AN = "203.0.113.7"
ATTACKER = "198.51.100.9"

behind_proxy = override_settings(
    AXES_ENABLED=True,
    AXES_FAILURE_LIMIT=3,
    AXES_ADDRESS_FAILURE_LIMIT=6,
    TRUSTED_PROXIES=(ipaddress.ip_network("10.0.0.0/24"),),
)


def login(client, username, password, client_address, forwarded_by=PROXY):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=forwarded_by,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@behind_proxy
def test_failures_from_one_client_behind_the_proxy_do_not_lock_out_another(client, officer_a):
    for _ in range(3):
        login(client, "an", "sai-mat-khau", ATTACKER)
    assert login(client, "an", PASSWORD, ATTACKER).status_code == 429  # the guesser waits
    response = login(client, "an", PASSWORD, AN)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer_a.pk)


@behind_proxy
def test_many_usernames_from_one_address_lock_that_address(client, officer_a):
    for number in range(6):  # two below the per-username limit each, six in all
        login(client, f"khach{number // 2}", "sai-mat-khau", ATTACKER)
    response = login(client, "an", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "bị khóa" in response.content.decode()
    assert login(client, "an", PASSWORD, AN).status_code == 302  # others still log in


@behind_proxy
def test_a_good_login_does_not_clear_the_addresss_guesses(client, officer_a, officer_b):
    for number in range(5):
        login(client, f"khach{number}", "sai-mat-khau", ATTACKER)
    assert login(client, "an", PASSWORD, ATTACKER).status_code == 302
    client.logout()
    login(client, "khach9", "sai-mat-khau", ATTACKER)
    assert login(client, "binh", PASSWORD, ATTACKER).status_code == 429


@behind_proxy
def test_a_client_cannot_pick_its_address_by_writing_the_header(client, officer_a, officer_b):
    # Not from the proxy: the header is the client's own and is ignored.
    for number in range(3):
        login(client, "an", "sai-mat-khau", f"192.0.2.{number}", forwarded_by=ATTACKER)
    assert login(client, "an", PASSWORD, AN, forwarded_by=ATTACKER).status_code == 429
    # Through the proxy: only the hop the proxy appended counts, not what the client wrote.
    for number in range(3):
        login(client, "binh", "sai-mat-khau", f"192.0.2.{number}, {ATTACKER}")
    assert login(client, "binh", PASSWORD, ATTACKER).status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (AN, "", AN),  # no proxy
        (ATTACKER, AN, ATTACKER),  # a header from an untrusted sender is ignored
        (PROXY, AN, AN),
        (PROXY, f"1.1.1.1, {AN}", AN),  # the client's own part is ignored
        (PROXY, f"{AN}, 10.0.0.3", AN),  # two trusted proxies in a row
        (PROXY, "not-an-address", PROXY),
        (PROXY, "", PROXY),
    ],
)
def test_the_client_address_is_the_right_most_untrusted_hop(remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with behind_proxy:
        assert client_ip(request) == expected


def test_without_trusted_proxies_the_header_is_never_read():
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=AN)
    assert client_ip(request) == PROXY
