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
