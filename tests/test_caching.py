"""Reads kept in the cache across requests (hoagiai/caching.py) follow every change.

These tests commit (``committed_db``): the cache is only used outside a transaction, as a
request in production runs.
"""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network.models import Trainer
from plans.models import Responsibility
from reports.models import CommuneYear
from targets.kpi import KpiData
from targets.models import Target
from units.models import AdminUnit

DASHBOARD = reverse("dashboard")


@pytest.fixture
def leader_client(client, committed_db, leader):
    client.force_login(leader)
    return client


def tables_read(client, url) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return " ".join(query["sql"] for query in queries)


def test_a_second_request_reads_the_targets_and_units_from_the_cache(leader_client):
    first = tables_read(leader_client, DASHBOARD)
    assert "targets_target" in first and "units_adminunit" in first
    again = tables_read(leader_client, DASHBOARD)
    assert "targets_target" not in again
    assert "units_adminunit" not in again
    assert "auth_permission" not in again  # the menu's permissions
    assert "django_session" not in again
    assert "network_trainer" not in again
    assert "plans_responsibility" not in again  # the plan's progress
    assert "reports_yearlyreport" not in again  # which districts' figures are approved
    # The figures are read live on every request.
    assert "reports_communeyear" in again


def card(client, code):
    board = client.get(DASHBOARD, {"year": 2025}).context["board"]
    return next(card.result for card in board.cards if card.result.code == code)


def test_a_new_trainer_shows_on_the_next_request(leader_client, district_a):
    commune = district_a.children.order_by("code").first()
    CommuneYear.objects.create(commune=commune, year=2025, teams=30, mediators=200)
    province = AdminUnit.objects.root_province()
    o2b = card(leader_client, "O2b")
    # No trainer recorded at all: no data (issue 18), not 0 and "not met".
    assert (o2b.numerator, o2b.denominator, o2b.met) == (None, None, None)
    Trainer.objects.create(
        full_name="Hoàng Văn Nam", level="province", unit=province, active_from=date(2025, 1, 1)
    )
    o2b = card(leader_client, "O2b")
    assert (o2b.numerator, o2b.denominator, o2b.met) == (30, 1, True)


def test_reported_progress_shows_on_the_next_request(leader_client):
    def done():
        summary = leader_client.get(DASHBOARD, {"year": 2025}).context["progress"]
        return sum(counts["done"] for _group, counts in summary)

    before = done()
    row = Responsibility.objects.filter(in_plan=True, year=2025).exclude(status="done").first()
    row.status = "done"
    row.save()
    assert done() == before + 1


def test_every_read_gets_its_own_copy(committed_db):
    province = AdminUnit.objects.root_province()
    KpiData(province, [2025]).targets[0].title = "Sửa trong bộ nhớ, không lưu"
    assert "Sửa trong bộ nhớ, không lưu" not in [t.title for t in KpiData(province, [2025]).targets]


def test_a_renamed_target_shows_on_the_next_request(leader_client):
    leader_client.get(DASHBOARD)
    target = Target.objects.get(code="O6a")
    target.title = "Tỷ lệ hòa giải viên được tập huấn (tên mới)"
    target.save()
    assert "(tên mới)" in leader_client.get(DASHBOARD).content.decode()


def test_a_district_renamed_in_a_transaction_shows_once_it_commits(leader_client, district_a):
    leader_client.get(DASHBOARD)
    with transaction.atomic():
        district_a.name = "Thành phố Bắc Giang (đổi tên)"
        district_a.save()
    assert "(đổi tên)" in leader_client.get(DASHBOARD).content.decode()


def test_a_change_rolled_back_is_never_served(leader_client):
    province = AdminUnit.objects.root_province()
    with pytest.raises(RuntimeError), transaction.atomic():
        Target.objects.filter(code="O6a").update(title="Tên chưa lưu")
        # Read inside the transaction: the uncommitted title, and nothing kept.
        assert "Tên chưa lưu" in [t.title for t in KpiData(province, [2025]).targets]
        raise RuntimeError("rolled back")
    assert "Tên chưa lưu" not in leader_client.get(DASHBOARD).content.decode()


def test_a_withdrawn_role_takes_effect_on_the_next_request(client, committed_db, province_staff):
    client.force_login(province_staff)
    url = reverse("admin:network_mediator_changelist")
    assert client.get(url).status_code == 200
    province_staff.groups.clear()
    assert client.get(url).status_code == 403
