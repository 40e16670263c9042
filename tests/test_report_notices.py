"""Report deadlines, reminders and notices by email (issue 15), and their list in the portal.

The world is the province after the 1/7/2025 reform: Phường Bắc Giang (07210) and another
commune (07682) each have a commune officer with an email address; the other communes of
the plan area have none. The 2026 reports are due on 15/01/2027 unless staff set a day.
"""

import email
import smtplib
import socket
from datetime import date
from email import policy
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from reports import notices, reform, services
from reports.models import Notice, ReportDeadline
from units.models import AdminUnit

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

SUCCESSORS = {"07693": "07682", "07732": "07681", "07744": "07738"}
BAC_GIANG, OTHER, THIRD = "07210", "07682", "07681"
YEAR = 2026
DUE = date(2027, 1, 15)
Kind = Notice.Kind


# --- The world ---


def today_unit(code):
    return AdminUnit.objects.by_code(code, timezone.localdate())


def person(username, role, unit, email_address="", active=True):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=email_address,
        is_staff=True,
        is_active=active,
    )
    user.unit = unit
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture(scope="module")
def reformed(django_db_setup, django_db_blocker):
    """The reform, applied once for the module (it takes seconds) in a transaction rolled
    back after the module's last test; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        reform.apply(SUCCESSORS)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def world(reformed, db):
    a, b, c = today_unit(BAC_GIANG), today_unit(OTHER), today_unit(THIRD)
    return {
        "a": a,
        "b": b,
        "c": c,
        "officer_a": person("xa_a", Role.COMMUNE_OFFICER, a, "bacgiang@example.vn"),
        "officer_b": person("xa_b", Role.COMMUNE_OFFICER, b, "xa-b@example.vn"),
        # Neither counts: no email, or an account that ended.
        "silent_a": person("xa_a2", Role.COMMUNE_OFFICER, a),
        "gone_b": person("xa_b2", Role.COMMUNE_OFFICER, b, "old@example.vn", active=False),
        "staff": person("hoa", Role.PROVINCE_STAFF, today_unit("24"), "hoa@example.vn"),
    }


def submitted(unit, officer):
    report = services.open_report(unit, YEAR)
    return services.submit(report, officer, acknowledged=True)


def run(day, *args):
    out = StringIO()
    call_command("send_report_notices", "--today", day.isoformat(), *args, stdout=out)
    return out.getvalue()


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def reminders(kind=None):
    rows = Notice.objects.filter(kind__in=Notice.REMINDERS)
    return rows.filter(kind=kind) if kind else rows


# --- Deadlines ---


def test_the_deadline_is_15_january_of_the_next_year_unless_staff_set_one(db):
    ReportDeadline.objects.filter(year=2026).delete()
    assert services.deadline(2026) == date(2027, 1, 15)
    assert services.deadline(2031) == date(2032, 1, 15)
    ReportDeadline.objects.create(year=2026, due_on=date(2027, 1, 31))
    assert services.deadlines([2025, 2026]) == {2025: date(2026, 1, 15), 2026: date(2027, 1, 31)}


def test_the_admin_refuses_a_deadline_before_the_year_has_ended(client, world):
    client.force_login(world["staff"])
    row = ReportDeadline.objects.get(year=2026)
    url = reverse("admin:reports_reportdeadline_change", args=[row.pk])
    response = client.post(url, {"year": "2026", "due_on": "31/12/2026"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["due_on"] == [
        "Báo cáo năm 2026 phản ánh cả năm nên hạn nộp phải sau ngày 31/12/2026; "
        "ngày 31/12/2026 không sau ngày đó."
    ]
    assert "phản ánh cả năm" in response.content.decode()
    assert services.deadline(2026) == date(2027, 1, 15)
    # A new year's row is checked the same way.
    add = reverse("admin:reports_reportdeadline_add")
    response = client.post(add, {"year": "2031", "due_on": "15/01/2031"})
    assert "ngày 15/01/2031 không sau ngày đó" in response.content.decode()
    assert not ReportDeadline.objects.filter(year=2031).exists()

    assert client.post(url, {"year": "2026", "due_on": "20/01/2027"}).status_code == 302
    assert services.deadline(2026) == date(2027, 1, 20)


def test_the_board_reads_the_default_deadline(client, world):
    client.force_login(world["staff"])
    page = client.get(reverse("reports:index")).content.decode()
    assert "15/01/2027" in page


# --- Reminders ---


def test_seven_days_before_the_deadline_each_unit_that_has_not_submitted_is_reminded(world):
    submitted(world["c"], person("xa_c", Role.COMMUNE_OFFICER, world["c"], "c@example.vn"))
    output = run(date(2027, 1, 8))

    assert sent_to() == ["bacgiang@example.vn", "xa-b@example.vn"]
    message = next(m for m in mail.outbox if m.to == ["bacgiang@example.vn"])
    assert message.subject == (
        "Nhắc hạn: báo cáo năm 2026 của Phường Bắc Giang phải nộp trước hết ngày 15/01/2027"
    )
    assert "Báo cáo năm 2026 của Phường Bắc Giang chưa được lập." in message.body
    assert "Hạn nộp là ngày 15/01/2027, còn 7 ngày." in message.body
    assert "http://localhost:8000/bao-cao/07210/2026/" in message.body
    # Every unit of the plan area not submitted has its reminder recorded; those without
    # an officer with an email say so, the submitted one has none.
    units = services.reporting_units(YEAR)
    assert reminders(Kind.DUE_IN_7).count() == units.count() - 1
    assert not reminders().filter(unit=world["c"]).exists()
    failed = reminders().filter(sent_at=None)
    assert failed.count() == units.count() - 3
    assert all("chưa có cán bộ có địa chỉ email" in notice.error for notice in failed)
    assert output.splitlines()[-1] == (
        f"Đã gửi: 2, không gửi được: {units.count() - 3}, bỏ qua: 0."
    )


def test_running_twice_sends_nothing_new(world):
    run(date(2027, 1, 8))
    mail.outbox.clear()
    run(date(2027, 1, 8))
    run(date(2027, 1, 10))  # the "7 days" reminder is done; the next is 1 day before
    assert mail.outbox == []
    assert reminders(Kind.DUE_IN_7).filter(unit=world["a"]).count() == 1


def test_one_day_before_and_the_day_after(world):
    run(date(2027, 1, 8))
    report = services.open_report(world["b"], YEAR)  # a draft is not submitted
    mail.outbox.clear()

    run(date(2027, 1, 14))
    assert sent_to() == ["bacgiang@example.vn", "xa-b@example.vn"]
    to_b = next(m for m in mail.outbox if m.to == ["xa-b@example.vn"])
    assert "Hạn nộp là ngày 15/01/2027, còn 1 ngày." in to_b.body
    assert "chưa được nộp (trạng thái: bản nháp)" in to_b.body
    assert reminders(Kind.DUE_IN_1).get(unit=world["b"]).report == report

    submitted(world["b"], world["officer_b"])
    mail.outbox.clear()
    run(date(2027, 1, 16))
    (message,) = mail.outbox  # the commune that submitted gets no overdue reminder
    assert message.to == ["bacgiang@example.vn"]
    assert message.subject == (
        "Quá hạn: báo cáo năm 2026 của Phường Bắc Giang đã hết hạn nộp ngày 15/01/2027"
    )
    assert "báo cáo đã quá hạn" in message.body


def test_a_run_missed_is_caught_up_while_the_window_is_open(world):
    run(date(2027, 1, 13))  # nothing ran from the 8th: the "7 days" reminder still goes
    assert reminders(Kind.DUE_IN_7).filter(sent_at__isnull=False).count() == 2
    assert "còn 2 ngày" in mail.outbox[0].body
    mail.outbox.clear()
    run(date(2027, 1, 15))  # the eve was missed too: "1 day" on the day itself
    assert sent_to() == ["bacgiang@example.vn", "xa-b@example.vn"]
    assert "Hôm nay, ngày 15/01/2027, là hạn nộp cuối cùng." in mail.outbox[0].body


def test_a_reminder_whose_window_has_closed_is_never_sent(world):
    run(date(2027, 1, 14))  # the server was down all week
    assert set(reminders().values_list("kind", flat=True)) == {Kind.DUE_IN_1}
    run(date(2027, 2, 20))  # overdue reminders stop a month after the deadline
    assert set(reminders().values_list("kind", flat=True)) == {Kind.DUE_IN_1}


def test_the_deadline_staff_set_moves_the_reminders(world):
    ReportDeadline.objects.filter(year=YEAR).update(due_on=date(2027, 1, 31))
    run(date(2027, 1, 8))
    assert mail.outbox == []
    run(date(2027, 1, 24))
    assert "Hạn nộp là ngày 31/01/2027, còn 7 ngày." in mail.outbox[0].body


def test_a_dry_run_shows_the_mails_and_changes_nothing(world):
    output = run(date(2027, 1, 8), "--dry-run")
    assert mail.outbox == []
    assert not Notice.objects.exists()
    assert "đã gửi: nhắc hạn: còn 7 ngày: Phường Bắc Giang" in output
    assert output.splitlines()[-1].startswith("Chạy thử, không gửi và không ghi nhận gì. Đã gửi: 2")


def test_a_wrong_day_is_refused_in_vietnamese(db):
    with pytest.raises(CommandError, match="--today nhận một ngày dạng YYYY-MM-DD"):
        call_command("send_report_notices", "--today", "15/01/2027")


# --- Returns and approvals ---


def test_a_return_mails_the_comment_at_once_and_an_approval_follows(
    world, django_capture_on_commit_callbacks
):
    report = submitted(world["a"], world["officer_a"])
    assert mail.outbox == []  # submitting tells nobody
    comment = "Số vụ việc hòa giải thành chưa khớp với sổ theo dõi, đề nghị kiểm tra lại."
    with django_capture_on_commit_callbacks(execute=True):
        report = services.return_report(report, world["staff"], comment)

    (message,) = mail.outbox
    assert message.to == ["bacgiang@example.vn"]
    assert message.subject == "Báo cáo năm 2026 của Phường Bắc Giang bị trả lại để chỉnh sửa"
    assert "Sở Tư pháp đã trả lại báo cáo năm 2026 của Phường Bắc Giang" in message.body
    assert f"Ý kiến của người duyệt:\n{comment}" in message.body
    assert "nộp lại báo cáo trước hết ngày 15/01/2027" in message.body
    notice = Notice.objects.get(kind=Kind.RETURNED)
    assert notice.sent_at and notice.event.comment == comment and notice.report == report

    report = services.submit(report, world["officer_a"], acknowledged=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.approve(report, world["staff"], "Đạt yêu cầu.")
    assert mail.outbox[-1].subject == "Báo cáo năm 2026 của Phường Bắc Giang đã được phê duyệt"
    assert "Ý kiến của người duyệt:\nĐạt yêu cầu." in mail.outbox[-1].body
    # The command finds nothing left to send.
    mail.outbox.clear()
    run(timezone.localdate())
    assert mail.outbox == []
    # Reopening an approved report returns it: the unit is told why.
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen(report, world["staff"], "Sai số người tham gia tập huấn.")
    assert mail.outbox[-1].subject.endswith("bị trả lại để chỉnh sửa")
    assert "Sai số người tham gia tập huấn." in mail.outbox[-1].body


def test_a_return_that_could_not_be_sent_at_once_is_sent_by_the_command(world):
    report = submitted(world["a"], world["officer_a"])
    report = services.return_report(report, world["staff"], "Thiếu số liệu.")  # not at once
    assert mail.outbox == [] and Notice.objects.get().sent_at is None
    run(timezone.localdate())
    (message,) = mail.outbox
    assert "Thiếu số liệu." in message.body
    # Resubmitted since: an older return is news no more.
    report = services.submit(report, world["officer_a"], acknowledged=True)
    report = services.return_report(report, world["staff"], "Lần hai.")
    services.submit(report, world["officer_a"], acknowledged=True)
    mail.outbox.clear()
    assert "bỏ qua: 1" in run(timezone.localdate())
    assert mail.outbox == []


def test_approvals_in_one_transaction_are_sent_together_when_it_commits(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    reports = [submitted(world[key], world[f"officer_{key}"]) for key in ("a", "b")]
    calls = []
    send = notices.send_pending
    monkeypatch.setattr(notices, "send_pending", lambda *a, **k: calls.append(k) or send(*a, **k))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for report in reports:
            services.approve(report, world["staff"])
        assert mail.outbox == []  # nothing before the commit
    assert sent_to() == ["bacgiang@example.vn", "xa-b@example.vn"]
    assert len(calls) == 1  # one batch, one connection


def test_a_unit_without_an_officer_with_an_email_is_recorded_for_staff(client, world):
    report = submitted(world["c"], person("xa_c", Role.COMMUNE_OFFICER, world["c"]))
    services.return_report(report, world["staff"], "Thiếu số liệu.")
    run(timezone.localdate())
    notice = Notice.objects.get(kind=Kind.RETURNED)
    assert notice.sent_at is None
    assert notice.error.startswith(
        f"{world['c'].name} chưa có cán bộ có địa chỉ email trên cổng: thông báo chưa được gửi."
    )
    client.force_login(world["staff"])
    page = client.get(reverse("reports:notices"), {"state": "failed", "kind": "returned"})
    assert notice.error in page.content.decode()


# --- Refused addresses ---


class RefusingBackend(LocmemBackend):
    """The locmem backend, refusing one address as a mail server would."""

    def send_messages(self, messages):
        for message in messages:
            if "xa-b@example.vn" in message.to:
                raise smtplib.SMTPRecipientsRefused(
                    {"xa-b@example.vn": (550, b"5.1.1 Mailbox unavailable")}
                )
        return super().send_messages(messages)


@override_settings(EMAIL_BACKEND="tests.test_report_notices.RefusingBackend")
def test_a_refused_address_fails_its_notice_and_the_others_are_sent(world, caplog):
    output = run(date(2027, 1, 8))
    assert sent_to() == ["bacgiang@example.vn"]
    refused = reminders().get(unit=world["b"])
    assert refused.sent_at is None
    assert refused.error == (
        "Máy chủ thư từ chối địa chỉ xa-b@example.vn: 550 5.1.1 Mailbox unavailable"
    )
    assert "xa-b@example.vn" in caplog.text
    assert "Đã gửi: 1" in output


class BusyBackend(LocmemBackend):
    """A mail server that asks to try later (4xx)."""

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"4.3.0 Try again later")


def test_a_try_later_answer_is_tried_again_the_next_day(world):
    busy_server = override_settings(EMAIL_BACKEND="tests.test_report_notices.BusyBackend")
    with busy_server, pytest.raises(CommandError):  # every message refused: the run failed
        run(date(2027, 1, 8))
    busy = reminders().get(unit=world["a"])
    assert busy.error == "Máy chủ thư từ chối thư: 451 4.3.0 Try again later"
    run(date(2027, 1, 9))
    assert sent_to() == ["bacgiang@example.vn", "xa-b@example.vn"]


# --- A real SMTP server on loopback ---


class Mailbox:
    """aiosmtpd handler: keeps what it accepts, refuses one address."""

    def __init__(self, refuse=()):
        self.messages = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Mailbox(refuse={"xa-b@example.vn"})
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": controller.port,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
    }
    with override_settings(**smtp):
        yield handler
    controller.stop()


def test_reminders_reach_a_real_smtp_server_and_a_refused_address_is_recorded(world, smtp_server):
    third = person("xa_c", Role.COMMUNE_OFFICER, world["c"], "c@example.vn")
    output = run(date(2027, 1, 8))

    received = {message["To"]: message for message in smtp_server.messages}
    assert sorted(received) == ["bacgiang@example.vn", "c@example.vn"]
    message = received["bacgiang@example.vn"]
    # (A long subject is folded after "Subject:"; unfolding leaves a space before it.)
    assert message["Subject"].strip() == (
        "Nhắc hạn: báo cáo năm 2026 của Phường Bắc Giang phải nộp trước hết ngày 15/01/2027"
    )
    assert "Sở Tư pháp" in message["From"]
    body = message.get_content()
    assert "Hạn nộp là ngày 15/01/2027, còn 7 ngày." in body
    assert "http://localhost:8000/bao-cao/07210/2026/" in body
    # The server refused B's only address: B's notice says so, the others went out.
    refused = reminders().get(unit=world["b"])
    assert refused.sent_at is None
    assert "Máy chủ thư từ chối địa chỉ xa-b@example.vn: 550 5.1.1" in refused.error
    assert reminders().get(unit=third.unit).sent_at is not None
    assert "Đã gửi: 2" in output

    # The same address is not tried again; once staff correct it, it is.
    smtp_server.messages.clear()
    assert "bỏ qua: 1" in run(date(2027, 1, 9))
    assert smtp_server.messages == []
    User.objects.filter(email="xa-b@example.vn").update(email="xa-b.moi@example.vn")
    run(date(2027, 1, 10))
    assert [message["To"] for message in smtp_server.messages] == ["xa-b.moi@example.vn"]
    assert reminders().get(unit=world["b"]).sent_at is not None


def test_the_command_fails_in_vietnamese_when_every_message_is_refused(world, smtp_server):
    User.objects.filter(email="bacgiang@example.vn").update(email="xa-b@example.vn")
    with pytest.raises(CommandError, match="Máy chủ thư từ chối tất cả các thư"):
        run(date(2027, 1, 8))


def test_an_unreachable_mail_server_fails_the_command_and_nothing_is_lost(world):
    closed = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": free_port(), "EMAIL_USE_TLS": False}
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    with (
        override_settings(EMAIL_BACKEND=smtp, **closed),
        pytest.raises(CommandError, match="Không kết nối được máy chủ thư"),
    ):
        run(date(2027, 1, 8))
    assert not reminders().filter(sent_at__isnull=False).exists()
    # Once the server is back, the next run sends them.
    run(date(2027, 1, 9))
    assert sent_to() == ["bacgiang@example.vn", "xa-b@example.vn"]


# --- The list in the portal ---


def test_officers_see_their_own_units_notices_and_staff_all(client, world):
    run(date(2027, 1, 8))
    url = reverse("reports:notices")
    client.force_login(world["officer_a"])
    page = client.get(url).content.decode()
    assert "Phường Bắc Giang" in page and "bacgiang@example.vn" in page
    assert "xa-b@example.vn" not in page
    assert client.get(url, {"q": world["b"].name}).context["page"].paginator.count == 0
    # Another unit's notices, typed by hand: absent.
    assert client.get(url, {"unit": world["b"].pk}).status_code == 404
    assert client.get(url, {"unit": "x"}).status_code == 404

    client.force_login(world["staff"])
    everyone = client.get(url).context["page"].paginator.count
    assert everyone == services.reporting_units(YEAR).count()
    found = client.get(url, {"q": "phuong bac giang"}).context["page"]
    assert [notice.unit for notice in found] == [world["a"]]
    assert client.get(url, {"unit": world["b"].pk}).context["page"].paginator.count == 1
    assert client.get(url, {"state": "sent"}).context["page"].paginator.count == 2
    assert client.get(url, {"kind": "overdue"}).context["page"].paginator.count == 0
    assert client.get(url, {"page": "2"}).status_code == 200


def test_the_report_page_links_to_its_notices(client, world):
    client.force_login(world["officer_a"])
    page = client.get(reverse("reports:report", args=[BAC_GIANG, YEAR])).content.decode()
    assert f"/bao-cao/thong-bao/?unit={world['a'].pk}&amp;year=2026" in page
