"""The public page (/cong-khai/<year>/): anyone reads the province's targets and each
commune's totals for a year, counted only from the approved reports, never a person's data;
the body is cached for everyone and dropped when a report is approved."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoagiai.text import fold
from network.models import Material, Mediator
from reports import services
from reports.models import CommuneYear
from units.models import AdminUnit

from . import factories

YEAR = 2025
# District A's approved figures, and district B's submitted ones (not approved): numbers no
# other figure of the page can be.
APPROVED_CASES = {"cases_received": 678, "cases_successful": 601, "cases_unsuccessful": 77}
UNAPPROVED_CASES = {"cases_received": 4321, "cases_successful": 4000, "cases_unsuccessful": 321}

# A value for every personal field of a mediator (network/models.py): none may reach a page
# anyone can read. ``test_the_sentinels_cover_every_field_of_a_mediator`` keeps this list
# in step with the model.
SENTINEL = {
    "full_name": "Sentinelname Quyzx",
    "birth_year": 1907,
    "ethnicity": "Sentinelethnic Quyzx",
    "background": "Sentinelbackground Quyzx",
    "recognised_on": date(2019, 11, 17),
    "material_access_on": date(2020, 10, 13),
}
SENTINEL_LEFT_ON = date(2021, 9, 29)  # a second sentinel mediator, who left
# Not personal, or not telling one person from another: the row's links and flags.
NOT_PERSONAL = {"id", "team", "sex", "role", "is_demo"}
# Kept from a personal field on save (the name without marks, for the search): searched too.
DERIVED = {"name_folded": fold(SENTINEL["full_name"])}


def sentinel_texts():
    texts = [value for value in [*SENTINEL.values(), *DERIVED.values()] if isinstance(value, str)]
    texts.append(str(SENTINEL["birth_year"]))
    for day in (SENTINEL["recognised_on"], SENTINEL["material_access_on"], SENTINEL_LEFT_ON):
        texts += [day.strftime("%d/%m/%Y"), day.isoformat()]
    return texts


def district_commune(district):
    return AdminUnit.objects.filter(parent=district, level="commune").order_by("code").first()


def report_with_cases(district, officer, cases):
    report = services.open_report(district, YEAR)
    line = CommuneYear.objects.get(commune=district_commune(district), year=YEAR)
    values = {**line.figures(), **cases, "cases_in_progress": 0}
    report = services.save_report(report, officer, report.version, {line.commune_id: values})
    return services.submit(report, officer, acknowledged=True)


@pytest.fixture
def world(
    officer_a, officer_b, province_staff, district_a, district_b, django_capture_on_commit_callbacks
):
    """District A's 2025 report approved, district B's submitted; sentinel mediators in each."""
    with django_capture_on_commit_callbacks(execute=True):  # the registry's recount
        for district in (district_a, district_b):
            team = factories.full_team(commune_code=district_commune(district).code)
            fields = {key: value for key, value in SENTINEL.items() if key != "full_name"}
            recognised = fields.pop("recognised_on")
            factories.mediator(team, SENTINEL["full_name"], recognised=recognised, **fields)
            factories.mediator(
                team, "Sentinelleft Quyzx", recognised=date(2019, 1, 2), left_on=SENTINEL_LEFT_ON
            )
    approved = report_with_cases(district_a, officer_a, APPROVED_CASES)
    approved = services.approve(approved, province_staff)
    submitted = report_with_cases(district_b, officer_b, UNAPPROVED_CASES)
    return {"approved": approved, "submitted": submitted}


def public_url(year=YEAR):
    return reverse("public-year", args=[year])


def test_anyone_reads_the_page_without_logging_in(client, world):
    response = client.get(public_url())
    assert response.status_code == 200
    page = response.content.decode()
    # The approved district's figures are there, counted into the rate.
    assert "601 / 678" in page  # O8a: successful ÷ received
    assert "678" in page and "601" in page


def test_a_submitted_report_that_is_not_approved_adds_nothing(client, world):
    page = client.get(public_url()).content.decode()
    for number in ("4.321", "4321", "4.000", "4.601", "4.999"):
        assert number not in page, number
    # Its commune is listed as not yet approved, without figures.
    commune = district_commune(world["submitted"].unit)
    row = page.split(commune.name, 1)[1].split("</tr>", 1)[0]
    assert "chưa được duyệt" in row


def test_no_personal_field_of_a_mediator_reaches_a_public_page(client, world):
    Material.objects.create(
        title="Sổ tay hòa giải viên",
        kind=Material.Kind.FOR_MEDIATORS,
        link="https://example.org/so-tay",
        published_on=date(2025, 3, 1),
        publisher=AdminUnit.objects.get(code="24"),
    )
    assert Mediator.objects.filter(full_name=SENTINEL["full_name"]).count() == 2
    urls = [
        reverse("public"),
        public_url(2024),
        public_url(2025),
        reverse("library"),
        reverse("library-mediators"),
        reverse("library") + "?q=Sentinelname",
        reverse("library") + "?q=so+tay&audience=for_mediators&year=2025",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for text in sentinel_texts():
            assert text not in page, (url, text)


def test_the_sentinels_cover_every_field_of_a_mediator():
    fields = {field.name for field in Mediator._meta.concrete_fields}
    covered = set(SENTINEL) | set(DERIVED) | {"left_on"} | NOT_PERSONAL
    assert fields == covered, f"a field to seed or to declare not personal: {fields ^ covered}"


def test_the_default_year_is_the_latest_with_an_approved_report(client, world):
    response = client.get(reverse("public"))
    assert response.status_code == 200
    assert '<strong aria-current="page">2025</strong>' in response.content.decode()


@pytest.mark.parametrize("year", [2023, 2031, 99999])
def test_a_year_outside_the_plan_is_not_found(client, db, year):
    assert client.get(public_url(year)).status_code == 404


def test_the_login_page_links_to_the_public_page_and_the_library(client, db):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("public")}"' in page
    assert f'href="{reverse("library")}"' in page


def tables_read(client, url) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return " ".join(query["sql"] for query in queries)


def test_the_page_is_cached_and_an_approval_drops_it(client, committed_db, world, province_staff):
    first = tables_read(client, public_url())
    assert "reports_communeyear" in first
    # Again: the body comes from the cache, the figures are not read.
    again = tables_read(client, public_url())
    assert "reports_communeyear" not in again and "reports_yearlyreport" not in again
    assert "4.321" not in client.get(public_url()).content.decode()

    services.approve(world["submitted"], province_staff)
    page = client.get(public_url()).content.decode()
    assert "4.321" in page  # district B's commune line, now approved
    assert "4.601 / 4.999" in page  # O8a over both districts


def test_a_signed_in_user_gets_the_page_with_their_own_menu_never_shared(
    client, committed_db, world, leader
):
    anonymous = client.get(public_url()).content.decode()
    client.force_login(leader)
    signed_in = client.get(public_url()).content.decode()
    assert f'<span class="who">{leader.username}' in signed_in
    assert 'action="/dang-xuat/"' in signed_in
    assert "601 / 678" in signed_in
    client.logout()
    again = client.get(public_url()).content.decode()
    assert '<span class="who">' not in again and "csrfmiddlewaretoken" not in again
    assert again == anonymous
