"""A material counts for the targets from its publication date (O1: each audience has a
published material by the cut-off; O7's card names the materials for mediators then)."""

from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse

from network.models import Material
from targets.kpi import Kpi
from units.models import AdminUnit


@pytest.fixture
def province(db):
    return AdminUnit.objects.get(code="24")


def publish(province, kind, day, title="Tài liệu"):
    return Material.objects.create(
        title=title, kind=kind, link="https://example.org/t", published_on=day, publisher=province
    )


def o1(province, year):
    return next(r for r in Kpi(year, province).results() if r.code == "O1")


def test_a_material_counts_from_its_publication_date(province):
    publish(province, Material.Kind.FOR_TRAINERS, date(2025, 12, 31))  # on the cut-off: counts
    publish(province, Material.Kind.DISSEMINATION, date(2024, 5, 2))
    publish(province, Material.Kind.FOR_MEDIATORS, date(2026, 1, 1))  # the day after
    publish(province, Material.Kind.FOR_MEDIATORS, None)  # a draft never counts

    before = o1(province, 2024)
    assert (before.numerator, before.denominator, before.met) == (1, 3, False)
    result = o1(province, 2025)
    assert (result.numerator, result.met) == (2, False)
    assert result.short == [{"code": "for_mediators", "name": "dành cho hòa giải viên", "value": 0}]
    after = o1(province, 2026)
    assert (after.numerator, after.met, after.short) == (3, True, [])


@override_settings(REPORT_CUTOFF_DAY=14)
def test_the_cut_off_setting_decides_which_year_a_material_counts_in(province):
    for kind in (Material.Kind.FOR_TRAINERS, Material.Kind.DISSEMINATION):
        publish(province, kind, date(2025, 1, 10))
    publish(province, Material.Kind.FOR_MEDIATORS, date(2025, 12, 20))  # after 14/12/2025
    assert o1(province, 2025).met is False
    assert o1(province, 2026).met is True


def test_the_o7_card_names_the_materials_for_mediators_published_by_the_cut_off(
    client, leader, province
):
    publish(province, Material.Kind.FOR_MEDIATORS, date(2025, 6, 1), "Sổ tay")
    publish(province, Material.Kind.FOR_MEDIATORS, date(2026, 1, 5), "Tình huống")
    publish(province, Material.Kind.FOR_TRAINERS, date(2025, 2, 1), "Bài giảng")
    client.force_login(leader)
    board = client.get(reverse("dashboard"), {"year": 2025}).context["board"]
    o7 = next(card for card in board.cards if card.result.code == "O7")
    expected = "1 tài liệu dành cho hòa giải viên đã phát hành trên thư viện đến ngày 31/12/2025."
    assert o7.note == expected
    client.logout()
    assert expected in client.get(reverse("public-year", args=[2025])).content.decode()
