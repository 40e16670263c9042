"""Hostile query strings on every list and export page: never a server error.

For each URL of the URL configuration that shows a list or an export (the site's pages and
every admin change list and Excel export), each query parameter the view reads, and one it
does not know, gets values people and scanners send: words, negative and huge numbers,
exponents, quotes, NUL. A bad filter is ignored, or refused (4xx, or the admin's "?e=1"
redirect); it is never a 500. As Hoa (province staff) and An (district officer).
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from .test_permission_matrix import ROWS, World, configured_keys

pytestmark = pytest.mark.django_db

VALUES = ["abc", "-1", "99999999999999999999", "", "1e5", "'", "\x00", "٣"]
UNKNOWN = "khong_co_tham_so"

# The site's list and export pages and the query parameters each reads.
SITE_PARAMETERS = {
    "progress": ["agency", "unit"],
    "progress-export": ["agency", "unit"],
    "progress-cell": ["agency", "unit"],
    "evidence-file": ["agency", "unit"],
    "dashboard": ["unit", "year"],
    "dashboard-export": ["unit", "year"],
    "target-detail": ["unit", "year"],
    "training-due": ["district", "status", "page"],
    "training-due-export": ["district", "status"],
    "reports:index": ["year", "status", "q", "page"],
    "reports:consolidated": [],
    "reports:report": [],
    "reports:template": [],
    "reports:notices": ["unit", "kind", "year", "state", "q", "page"],
    "plan-overview": [],
    "home": [],
    # Open to everyone: the public figures and the materials library.
    "public": [],
    "public-year": [],
    "library": ["q", "audience", "year", "page"],
    "library-mediators": ["q", "audience", "year", "page"],
    "material-file": [],
    # The JSON API (tests/test_api_schema.py fuzzes it from its schema as well).
    "api:units": ["date", "level", "parent", "after", "limit"],
    "api:unit": ["date"],
    "api:plan": [],
    "api:plan-task": [],
    "api:targets": ["year", "unit"],
    "api:figures": ["year", "unit"],
    "api:teams": ["unit", "active_on", "after", "limit"],
    "api:mediators": ["unit", "team", "active_on", "after", "limit"],
    "api:openapi-json": [],
    "api:openapi-view": [],
}
# Pages that are neither a list nor an export (forms, redirects, the admin's own pages).
NOT_LISTS = {
    "favicon",
    "login",
    "logout",
    "reports:transition",
    "reports:upload",
    "reports:bulk-approve",
    # A form (the commune officers' Excel list) and Django's set-password pages: no filters.
    "commune-officers",
    "password_reset_confirm",
    "password_reset_complete",
    # The API's root and its catch-all: 404s that name the documentation.
    "api:api-root",
    "api-unknown",
    # The Sở's yearly Word report (a download) and the form of its text.
    "yearly-document",
    "yearly-document-text",
}
ADMIN_LIST_KINDS = ("_changelist", "_excel_export")
ADMIN_PARAMETERS = ["q", "o", "p"]  # search, ordering, page


def admin_parameters(url_name, user):
    """The list filters' own parameters (as the change list builds them) and the admin's."""
    model_admin = next(
        ma
        for model, ma in admin.site._registry.items()
        if url_name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_")
    )
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names = [name for spec in changelist.filter_specs for name in spec.expected_parameters()]
    return names + ADMIN_PARAMETERS


def fuzzed_keys():
    site = list(SITE_PARAMETERS)
    admin_lists = sorted(
        name
        for name in configured_keys()
        if name.startswith("admin:") and name.endswith(ADMIN_LIST_KINDS)
    )
    return site + admin_lists


@pytest.mark.parametrize("persona", ["province_staff", "officer_a"])
@pytest.mark.parametrize("key", fuzzed_keys())
def test_no_query_string_makes_a_server_error(key, persona, client, request):
    user = request.getfixturevalue(persona)
    path, _args, _data = ROWS["GET", key].build(World(request))
    client.force_login(user)
    client.raise_request_exception = False  # count the 500s, do not stop at the first
    is_admin = key.startswith("admin:")
    parameters = admin_parameters(key, user) if is_admin else SITE_PARAMETERS[key]
    failures = []
    for name in [*parameters, UNKNOWN]:
        for value in VALUES:
            response = client.get(path, {name: value})
            if response.streaming:  # a download: read to the end, which closes it
                b"".join(response.streaming_content)
            if response.status_code >= 500:
                failures.append(f"?{name}={value!r}")
    assert not failures, f"{path} as {persona}: 500 for {', '.join(failures)}"


def test_every_page_is_fuzzed_or_said_not_to_be_a_list():
    site = {key for key in configured_keys() if not key.startswith("admin")}
    assert site - set(SITE_PARAMETERS) - NOT_LISTS == set()


def test_a_district_filter_that_is_not_a_number_is_ignored(client, officer_a):
    client.force_login(officer_a)
    page = client.get("/hoa-giai-vien/han-tap-huan/", {"district": "abc"})
    assert page.status_code == 200


def test_the_admin_refuses_a_bad_district_filter_its_own_way(client, province_staff):
    client.force_login(province_staff)
    response = client.get("/admin/network/mediator/", {"district": "abc"})
    assert (response.status_code, response["Location"]) == (302, "/admin/network/mediator/?e=1")


def test_an_export_with_an_unknown_parameter_goes_back_to_the_list(client, province_staff):
    client.force_login(province_staff)
    response = client.get("/admin/network/mediator/excel/xuat/", {"khong_co": "1"})
    assert (response.status_code, response["Location"]) == (302, "/admin/network/mediator/?e=1")


def test_a_nul_in_the_query_string_is_a_bad_request_in_vietnamese(client, province_staff):
    client.force_login(province_staff)
    response = client.get("/chi-tieu/", {"unit": "\x00"})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
