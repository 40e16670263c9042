"""The lists' pager (templates/includes/pager.html): paging keeps the filters chosen."""

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

pytestmark = pytest.mark.django_db  # the context processors read the organisation


def test_the_pager_keeps_the_filters_and_changes_only_the_page():
    request = RequestFactory().get("/", {"status": "overdue", "q": "Đồng", "page": "2"})
    page = Paginator(range(120), 50).get_page(2)
    with translation.override("vi"):
        html = render_to_string("includes/pager.html", {"page": page}, request=request)
    assert "?status=overdue&amp;q=%C4%90%E1%BB%93ng&amp;page=1" in html
    assert "?status=overdue&amp;q=%C4%90%E1%BB%93ng&amp;page=3" in html
    assert "Trang 2/3" in html


def test_one_page_has_no_pager():
    request = RequestFactory().get("/")
    page = Paginator(range(10), 50).get_page(1)
    assert render_to_string("includes/pager.html", {"page": page}, request=request).strip() == ""
