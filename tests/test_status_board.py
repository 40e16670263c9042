"""The Sở Tư pháp's status board of the yearly reports (issue 15): one year's reporting
communes, filters, counts, pages, bulk approval, the workbook by commune, a fixed number
of queries whatever the number of communes.

Personas: Hoa of the Sở (province staff of the new Tỉnh Bắc Ninh), Lan of the leadership
(reads, does not review), the commune officer of Phường Bắc Giang, An the former district
officer of 213.
"""

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from reports import board, excel, reform, services
from reports.models import LINE_FIELDS, CommuneYear, ReportDeadline, ReportEvent, YearlyReport
from reports.rules import label
from units.models import AdminUnit

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

YEAR = 2025
SUCCESSORS = {"07693": "07682", "07732": "07681", "07744": "07738"}
BAC_GIANG = "07210"  # Phường Bắc Giang, since 1/7/2025
URL = reverse("reports:index")
BULK = reverse("reports:bulk-approve")
Status = YearlyReport.Status


@pytest.fixture(scope="module")
def _reformed_once(django_db_setup, django_db_blocker):
    """The 1/7/2025 arrangement applied once for the module (it takes seconds), in a
    transaction rolled back at the end; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        reform.apply(SUCCESSORS)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def reformed(_reformed_once, db):
    pass


def person(username, role, unit=None):
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=True)
    user.unit = unit
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def hoa(reformed):
    return person("hoa", Role.PROVINCE_STAFF, AdminUnit.objects.by_code("24", date.today()))


@pytest.fixture
def lan(reformed):
    return person("lan", Role.LEADERSHIP)


@pytest.fixture
def communes(reformed):
    return list(services.reporting_units(YEAR))


def at(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=9)))


def make_report(unit, status, submitted=None, warnings=(), year=YEAR):
    """A report in ``status``; a submitted one (or one that went further) has its submit
    event with the warnings the officer confirmed."""
    report = YearlyReport.objects.create(unit=unit, year=year, status=status)
    if submitted:
        event = ReportEvent.objects.create(
            report=report,
            action=ReportEvent.Action.SUBMIT,
            from_status=Status.DRAFT,
            to_status=Status.SUBMITTED,
            warnings=list(warnings),
        )
        ReportEvent.objects.filter(pk=event.pk).update(at=at(submitted))
        YearlyReport.objects.filter(pk=report.pk).update(submitted_at=at(submitted))
    return report


@pytest.fixture
def mixed(communes):
    """Five communes' reports in every state; the others not started. Due 15/01/2026."""
    ReportDeadline.objects.update_or_create(year=YEAR, defaults={"due_on": date(2026, 1, 15)})
    a, b, c, d, e = communes[:5]
    return {
        "draft": make_report(a, Status.DRAFT),
        "clean": make_report(b, Status.SUBMITTED, date(2026, 1, 10)),
        "warned": make_report(
            c, Status.SUBMITTED, date(2026, 1, 12), ["Xã C: số vụ việc giảm hơn 50%"]
        ),
        "returned": make_report(d, Status.RETURNED, date(2026, 1, 20)),  # late
        "approved": make_report(e, Status.APPROVED, date(2026, 1, 5)),
    }


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def rows_by_code(board_):
    return {row.unit.code: row for row in board_.rows}


# --- The board ---


def test_the_board_opens_on_the_latest_report_year(client, hoa, communes):
    response = login(client, hoa).get(URL)
    assert response.context["board"].year == max(services.report_years())
    assert len(response.context["board"].rows) == len(services.reporting_units(2026))


def test_it_lists_every_reporting_commune_with_its_status(client, hoa, communes, mixed):
    response = login(client, hoa).get(URL, {"year": YEAR})
    result = response.context["board"]
    assert len(communes) == 58  # the plan area: the communes from former Bắc Giang
    assert [row.unit.code for row in result.rows] == [unit.code for unit in communes]
    rows = rows_by_code(result)
    warned, clean, draft = (rows[mixed[key].unit.code] for key in ("warned", "clean", "draft"))
    assert (warned.status, warned.warnings, warned.clean) == (
        "submitted",
        ["Xã C: số vụ việc giảm hơn 50%"],
        False,
    )
    assert clean.clean and timezone.localdate(clean.last_submitted) == date(2026, 1, 10)
    assert draft.last_submitted is None and draft.late  # due 15/01/2026, not submitted
    assert not rows[mixed["approved"].unit.code].late
    assert rows[mixed["returned"].unit.code].late  # first submitted on 20/01, due 15/01
    page = response.content.decode()
    assert reverse("reports:report", args=[mixed["warned"].unit.code, YEAR]) in page
    assert "Đã nộp" in page and "Bị trả lại" in page and "Chưa lập" in page
    assert "15/01/2026" in page  # the deadline


def test_the_counts_come_per_status_each_a_link_to_its_filter(client, hoa, communes, mixed):
    result = login(client, hoa).get(URL, {"year": YEAR}).context["board"]
    assert result.counts == {
        "total": 58,
        "not_started": 53,
        "draft": 1,
        "not_submitted": 54,
        "submitted": 2,
        "returned": 1,
        "approved": 1,
        # Not submitted by 15/01/2026 (54; today is after it) and first submitted late (1).
        "late": 55,
    }
    page = client.get(URL, {"year": YEAR}).content.decode()
    for key in board.FILTERS:
        assert f"?year={YEAR}&amp;status={key}" in page


@pytest.mark.parametrize(
    "status, expected",
    [
        ("submitted", {"clean", "warned"}),
        ("returned", {"returned"}),
        ("approved", {"approved"}),
        ("not_submitted", {"draft"}),
        ("late", {"returned", "draft"}),  # the draft: not submitted by the deadline
    ],
)
def test_each_filter_keeps_its_reports(client, hoa, mixed, status, expected):
    result = login(client, hoa).get(URL, {"year": YEAR, "status": status}).context["board"]
    with_reports = {row.report_id for row in result.rows if row.report_id}
    assert with_reports == {mixed[key].pk for key in expected}
    assert result.matching == result.counts[status]


def test_the_search_finds_a_commune_typed_without_accents(client, hoa, communes):
    login(client, hoa)
    found = client.get(URL, {"year": YEAR, "q": "bac giang"}).context["board"]
    assert "Phường Bắc Giang" in [row.unit.name for row in found.rows]
    assert all("bac giang" in row.unit.name.lower().replace("ắ", "a") for row in found.rows)
    assert found.counts["total"] == len(found.rows)
    by_code = client.get(URL, {"year": YEAR, "q": BAC_GIANG}).context["board"]
    assert [row.unit.code for row in by_code.rows] == [BAC_GIANG]
    nothing = client.get(URL, {"year": YEAR, "q": "không có xã này"})
    assert _("No reporting unit matches.") in nothing.content.decode()


def test_pages_of_a_hundred_here_of_ten(client, hoa, communes, monkeypatch):
    monkeypatch.setattr(board, "PAGE_SIZE", 10)
    login(client, hoa)
    second = client.get(URL, {"year": YEAR, "page": 2}).context["board"]
    assert [row.unit.code for row in second.rows] == [unit.code for unit in communes[10:20]]
    assert (second.pages, second.first, second.last) == (6, 11, 20)
    last = client.get(URL, {"year": YEAR, "page": 99}).context["board"]
    assert last.page == 6 and len(last.rows) == 8
    assert client.get(URL, {"year": YEAR, "page": "abc"}).context["board"].page == 1


def test_2024_lists_the_districts_that_reported_then(client, hoa):
    result = login(client, hoa).get(URL, {"year": 2024}).context["board"]
    assert {row.unit.level for row in result.rows} == {"district"}
    assert len(result.rows) == 10


def test_a_year_outside_the_plan_falls_back_to_the_latest(client, hoa):
    assert login(client, hoa).get(URL, {"year": 1999}).context["board"].year == 2026


def test_a_commune_officer_lists_only_its_own_reports(client, communes, mixed):
    unit = AdminUnit.objects.by_code(BAC_GIANG, date.today())
    officer = person("xa", Role.COMMUNE_OFFICER, unit)
    response = login(client, officer).get(URL)
    assert [row["year"] for row in response.context["rows"]] == [2026, 2025]
    page = response.content.decode()
    assert reverse("reports:report", args=[BAC_GIANG, 2026]) in page
    assert mixed["clean"].unit.name not in page
    assert "board" not in response.context


def test_the_former_district_officer_lists_its_2024_report(client, reformed, district_a):
    officer = person("an", Role.DISTRICT_OFFICER, district_a)
    response = login(client, officer).get(URL)
    assert [row["year"] for row in response.context["rows"]] == [2024]


# --- Bulk approval ---


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_bulk_approval_approves_only_clean_submitted_reports(client, hoa, mixed):
    chosen = [mixed[key].pk for key in ("clean", "warned", "draft", "approved")]
    response = login(client, hoa).post(BULK, {"year": YEAR, "report": chosen})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?year={YEAR}"
    statuses = {key: YearlyReport.objects.get(pk=r.pk).status for key, r in mixed.items()}
    assert statuses == {
        "draft": "draft",
        "clean": "approved",
        "warned": "submitted",
        "returned": "returned",
        "approved": "approved",
    }
    event = ReportEvent.objects.get(report=mixed["clean"], action="approve")
    assert event.user == hoa and (event.from_status, event.to_status) == ("submitted", "approved")
    assert not ReportEvent.objects.filter(report=mixed["warned"], action="approve").exists()
    said = messages_of(response)
    assert said[:2] == [
        ngettext(
            "%(count)d report of %(year)d was approved.",
            "%(count)d reports of %(year)d were approved.",
            1,
        )
        % {"count": 1, "year": YEAR},
        ngettext("%(count)d report was not approved:", "%(count)d reports were not approved:", 3)
        % {"count": 3},
    ]
    warned, draft = mixed["warned"].unit, mixed["draft"].unit
    had_warnings = ngettext(
        "it was submitted with %(count)d warning confirmed: open it to review it.",
        "it was submitted with %(count)d warnings confirmed: open it to review them.",
        1,
    ) % {"count": 1}
    assert f"{warned.name} ({warned.code}): {had_warnings}" in said
    not_submitted = _("it is %(status)s now, not submitted.") % {"status": "bản nháp"}
    assert f"{draft.name} ({draft.code}): {not_submitted}" in said


def test_a_report_submitted_again_with_warnings_is_not_approved(client, hoa, mixed):
    """The warnings that count are those of the latest submission."""
    report = mixed["clean"]
    ReportEvent.objects.create(
        report=report,
        action=ReportEvent.Action.SUBMIT,
        from_status=Status.RETURNED,
        to_status=Status.SUBMITTED,
        warnings=["Xã B: số hòa giải viên giảm"],
    )
    login(client, hoa).post(BULK, {"year": YEAR, "report": [report.pk]})
    assert YearlyReport.objects.get(pk=report.pk).status == "submitted"


def test_a_report_of_another_year_or_junk_is_skipped(client, hoa, mixed):
    response = login(client, hoa).post(BULK, {"year": 2026, "report": [mixed["clean"].pk, "x"]})
    assert YearlyReport.objects.get(pk=mixed["clean"].pk).status == "submitted"
    expected = "{}: {}".format(
        _("Report no. %(id)d") % {"id": mixed["clean"].pk},
        _("it is not a report of %(year)d.") % {"year": 2026},
    )
    assert expected in messages_of(response)


def test_nothing_chosen_says_so(client, hoa, mixed):
    response = login(client, hoa).post(BULK, {"year": YEAR})
    assert messages_of(response) == [_("Choose the reports to approve first.")]


@pytest.mark.parametrize("who", ["officer", "lan"])
def test_only_reviewers_approve_in_bulk(client, mixed, lan, who):
    unit = AdminUnit.objects.by_code(BAC_GIANG, date.today())
    user = lan if who == "lan" else person("xa", Role.COMMUNE_OFFICER, unit)
    response = login(client, user).post(BULK, {"year": YEAR, "report": [mixed["clean"].pk]})
    assert response.status_code == 403
    assert YearlyReport.objects.get(pk=mixed["clean"].pk).status == "submitted"


def test_bulk_approval_takes_post_and_a_login(client, hoa, mixed):
    assert client.post(BULK, {"year": YEAR}).status_code == 302  # to the login page
    assert login(client, hoa).get(BULK).status_code == 405


def test_the_board_offers_checkboxes_to_reviewers_only(client, hoa, lan, mixed):
    page = login(client, hoa).get(URL, {"year": YEAR}).content.decode()
    assert f'value="{mixed["clean"].pk}"' in page and "data-clean" in page
    assert f'name="report" value="{mixed["draft"].pk}"' not in page
    assert 'name="report"' not in login(client, lan).get(URL, {"year": YEAR}).content.decode()


# --- A fixed number of queries ---


def board_queries(client, count, monkeypatch):
    real = services.reporting_units
    chosen = list(real(YEAR).values_list("pk", flat=True)[:count])
    monkeypatch.setattr(services, "reporting_units", lambda year: real(year).filter(pk__in=chosen))
    client.get(URL, {"year": YEAR})  # warm the caches (root province, plan)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"year": YEAR})
    assert len(response.context["board"].rows) == count
    monkeypatch.undo()
    return len(queries)


def test_the_board_takes_as_many_queries_for_3_as_for_30_communes(
    client, hoa, communes, monkeypatch
):
    for index, unit in enumerate(communes[:30]):
        status = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED, None][index % 5]
        if status:
            make_report(unit, status, None if status == Status.DRAFT else date(2026, 1, 3), ["x"])
    login(client, hoa)
    assert board_queries(client, 3, monkeypatch) == board_queries(client, 30, monkeypatch)


# --- The consolidated workbook by commune ---


def test_the_workbook_of_a_commune_year_has_a_row_per_commune_and_totals(communes, mixed):
    figures = {
        communes[1].pk: {"teams": 4, "mediators": 20, "women": 9, "cases_received": 5,
                         "cases_successful": 4, "cases_unsuccessful": 1},
        communes[2].pk: {"teams": 2, "mediators": 7, "women": 3, "cases_received": 3,
                         "cases_successful": 2, "cases_in_progress": 1},
    }  # fmt: skip
    for commune_id, values in figures.items():
        CommuneYear.objects.update_or_create(commune_id=commune_id, year=YEAR, defaults=values)

    book = openpyxl.load_workbook(io.BytesIO(excel.consolidated(YEAR)))

    assert book.sheetnames == ["Tổng hợp"]  # no sheet per commune
    sheet = book["Tổng hợp"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Mã xã", "Xã", "Tình trạng", "Ngày nộp"]
    assert header[4:-1] == [label(name) for name in LINE_FIELDS]
    assert sheet.max_row == 1 + len(communes) + 1
    assert [sheet.cell(row, 1).value for row in range(2, len(communes) + 2)] == [
        unit.code for unit in communes
    ]
    row = [cell.value for cell in sheet[3]]  # communes[1]: the clean submitted report
    line = CommuneYear.objects.get(commune=communes[1], year=YEAR)
    assert row[:3] == [communes[1].code, communes[1].name, "Đã nộp"]
    assert row[3].date() == date(2026, 1, 10)
    assert row[4:-1] == [getattr(line, name) for name in LINE_FIELDS]
    assert row[-1] == pytest.approx(4 / 5)

    totals = [cell.value for cell in sheet[sheet.max_row]]
    assert totals[1] == _("Total (%(count)d communes)") % {"count": len(communes)}
    lines = CommuneYear.objects.filter(year=YEAR, commune__in=communes)
    for name, value in zip(LINE_FIELDS, totals[4:-1], strict=True):
        assert value == sum(getattr(each, name) for each in lines)
    assert totals[-1] == pytest.approx(6 / 8)
