"""With DEBUG off a server error is logged (path, user id, traceback) and every error page is
Vietnamese, in the site's look."""

import io
import logging

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import path

from hoagiai.urls import urlpatterns as site_urlpatterns

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def broken(request):
    request.user.is_authenticated  # noqa: B018 (as any logged-in page does)
    raise RuntimeError("hỏng")


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("bad")


urlpatterns = [
    path("thu-loi/", broken),
    path("thu-cam/", forbidden),
    path("thu-sai/", suspicious),
    *site_urlpatterns,
]

site_errors = override_settings(ROOT_URLCONF=__name__, DEBUG=False)


@pytest.fixture
def stderr():
    """What the stderr handler writes (the one gunicorn and journald collect)."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "stderr")
    captured = io.StringIO()
    previous = handler.setStream(captured)
    yield captured
    handler.setStream(previous)


@site_errors
def test_a_server_error_is_logged_with_the_path_and_the_user(client, officer_a, stderr):
    client.raise_request_exception = False
    client.login(username=officer_a.username, password=PASSWORD)
    response = client.get("/thu-loi/")
    assert response.status_code == 500
    log = stderr.getvalue()
    assert "ERROR django.request" in log
    assert f"path=/thu-loi/ user={officer_a.pk}" in log
    assert "RuntimeError: hỏng" in log  # the traceback


@site_errors
def test_the_server_error_page_is_vietnamese(client, officer_a):
    client.raise_request_exception = False
    client.login(username=officer_a.username, password=PASSWORD)
    page = client.get("/thu-loi/").content.decode()
    assert "Lỗi hệ thống" in page and "Vui lòng thử lại" in page
    assert "Server Error" not in page
    assert "site.css" in page  # the site's look


def test_the_server_error_page_needs_no_request_nor_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "Lỗi hệ thống" in page


@site_errors
def test_a_missing_page_is_vietnamese_in_the_sites_look(client, officer_a):
    client.login(username=officer_a.username, password=PASSWORD)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page and "Not Found" not in page
    assert "Đăng xuất" in page  # the site's menu, for the logged-in officer


@site_errors
def test_a_forbidden_page_is_vietnamese(client, officer_a):
    client.login(username=officer_a.username, password=PASSWORD)
    response = client.get("/thu-cam/")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


@site_errors
def test_a_bad_request_is_vietnamese(client):
    response = client.get("/thu-sai/")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


@site_errors
def test_an_expired_form_is_vietnamese(officer_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/dang-nhap/", {"username": "an", "password": PASSWORD})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()


# --- Every refusal a person can meet is the Vietnamese page with a way back (issue 19) ---
# The permission matrix (tests/test_permission_matrix.py) checks the page for every 403 and
# 405 of the site and the admin as each of its personas; here the commune officer, who is
# not one of them, and the pages the walk met.


def assert_refused_in_vietnamese(response, status, title):
    assert response.status_code == status
    page = response.content.decode()
    assert title in page, page[:300]
    assert '<a href="/">Quay lại trang chủ</a>' in page
    assert "site.css" in page and "Forbidden" not in page and "Method Not Allowed" not in page


@site_errors
def test_leadership_on_the_training_deadlines_gets_the_vietnamese_page(client, leader):
    client.login(username=leader.username, password=PASSWORD)
    for url in ("/hoa-giai-vien/han-tap-huan/", "/hoa-giai-vien/han-tap-huan/xuat-excel/"):
        assert_refused_in_vietnamese(client.get(url), 403, "Không có quyền truy cập")


@site_errors
@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("/tai-khoan/can-bo-xa/", "get"),
        ("/tai-khoan/can-bo-xa/", "post"),
        ("/bao-cao/duyet/", "post"),
        ("/admin/auth/group/", "get"),
    ],
)
def test_a_commune_officer_refused_gets_the_vietnamese_page(client, url, method):
    from reports import reform

    from .test_commune_officers import BAC_GIANG, SUCCESSORS, commune_officer

    reform.apply(SUCCESSORS)
    officer = commune_officer("xa", BAC_GIANG)
    client.force_login(officer)
    response = getattr(client, method)(url)
    assert_refused_in_vietnamese(response, 403, "Không có quyền truy cập")


@site_errors
@pytest.mark.parametrize("url", ["/dang-xuat/", "/bao-cao/duyet/"])
def test_opening_a_post_only_address_gets_a_vietnamese_page_not_a_blank_one(client, officer_a, url):
    client.login(username=officer_a.username, password=PASSWORD)
    response = client.get(url)
    assert_refused_in_vietnamese(response, 405, "Không mở trực tiếp được địa chỉ này")
    assert "POST" in response["Allow"]
    assert "Đăng xuất" in response.content.decode()  # the site's menu: the user can go on
