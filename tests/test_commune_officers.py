"""Commune officers (issue 15): the role, its one commune, and their creation from Excel."""

from datetime import date
from io import BytesIO

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.demo import create_demo_accounts
from accounts.models import Role, User
from accounts.scoping import scope_for
from network.models import MediationTeam, Mediator
from plans import progress
from plans.models import Responsibility
from reports import reform
from units.models import AdminUnit

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

SUCCESSORS = {"07693": "07682", "07732": "07681", "07744": "07738"}
BAC_GIANG, OTHER = "07210", "07682"  # Phường Bắc Giang and another commune, since 1/7/2025


def today_unit(code):
    return AdminUnit.objects.by_code(code, timezone.localdate())


def commune_officer(username, code):
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=True)
    user.unit = today_unit(code) if code else None
    user.save()
    user.groups.add(Group.objects.get(name=Role.COMMUNE_OFFICER.value))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def reformed(db):
    reform.apply(SUCCESSORS)


@pytest.fixture
def world(reformed):
    a, b = today_unit(BAC_GIANG), today_unit(OTHER)
    team_a = MediationTeam.objects.create(commune=a, name="Tổ dân phố số 1")
    team_b = MediationTeam.objects.create(commune=b, name="Thôn Đông")
    for team, name in [(team_a, "Nguyễn Thị Mai"), (team_b, "Trần Văn Bình")]:
        Mediator.objects.create(
            team=team, full_name=name, sex="F", recognised_on=date(2025, 8, 1), role="leader"
        )
    return {
        "a": a,
        "b": b,
        "team_a": team_a,
        "team_b": team_b,
        "officer_a": commune_officer("xa_a", BAC_GIANG),
        "officer_b": commune_officer("xa_b", OTHER),
    }


@pytest.fixture
def staff(reformed):
    user = User.objects.create_user(username="hoa", password=PASSWORD, is_staff=True)
    user.unit = today_unit("24")  # Tỉnh Bắc Ninh
    user.save()
    user.groups.add(Group.objects.get(name=Role.PROVINCE_STAFF.value))
    return user


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# --- The role ---


def test_the_commune_officer_group_has_the_district_officers_registry_rights():
    group = Group.objects.get(name=Role.COMMUNE_OFFICER.value)
    perms = {p.codename for p in group.permissions.all()}
    assert {"add_mediationteam", "change_mediator", "add_training", "view_adminunit"} <= perms
    assert {"view_pilotcommune", "view_target", "change_responsibility", "add_evidence"} <= perms
    assert {"add_yearlyreport", "change_yearlyreport"} <= perms
    assert not {"add_pilotcommune", "change_target", "review_yearlyreport", "add_adminunit"} & perms
    assert str(Role.COMMUNE_OFFICER.label) == "Cán bộ cấp xã"


def test_the_role_reads_cán_bộ_cấp_xã_in_vietnamese(client, world):
    client.force_login(world["officer_a"])
    page = client.get(reverse("home")).content.decode()
    assert "Cán bộ cấp xã" in page
    assert "Phường Bắc Giang" in page


# --- User.clean ---


def clean_errors(user):
    user.pending_roles = frozenset({Role.COMMUNE_OFFICER.value})
    with pytest.raises(ValidationError) as caught:
        user.clean()
    return caught.value.message_dict["unit"]


def test_a_commune_officer_needs_one_commune_that_exists_today(reformed):
    with pytest.raises(ValidationError):
        # Any other role still refuses a commune.
        User(username="x", unit=today_unit(BAC_GIANG)).clean()
    ok = User(username="ok", unit=today_unit(BAC_GIANG))
    ok.pending_roles = frozenset({Role.COMMUNE_OFFICER.value})
    ok.clean()

    assert clean_errors(User(username="none")) == [
        "Cán bộ cấp xã làm việc cho một đơn vị cấp xã: hãy chọn xã."
    ]
    district = AdminUnit.objects.by_code("213", date(2025, 6, 30))
    assert clean_errors(User(username="district", unit=district)) == [
        "Cán bộ cấp xã làm việc cho một đơn vị cấp xã, mà Thành phố Bắc Giang không phải "
        "là đơn vị cấp xã."
    ]
    ended = AdminUnit.objects.by_code("07210", date(2025, 6, 30))  # Phường Hoàng Văn Thụ
    (message,) = clean_errors(User(username="ended", unit=ended))
    assert message == (
        "Phường Hoàng Văn Thụ (07210) đã kết thúc ngày 30/06/2025 và nhập vào Phường Bắc Giang "
        "(07210): hãy chọn Phường Bắc Giang."
    )


def test_the_admin_checks_the_commune_against_the_groups_chosen(client, reformed):
    root = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    user = User.objects.create_user("moi")
    group = Group.objects.get(name=Role.COMMUNE_OFFICER.value)
    data = {
        "username": "moi",
        "groups": [group.pk],
        "unit": "",
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "01/12/2026",
        "date_joined_1": "08:00:00",
    }
    response = client.post(admin_url(User, "change", user.pk), data)
    assert response.status_code == 200
    assert "hãy chọn xã" in response.content.decode()
    data["unit"] = today_unit(BAC_GIANG).pk
    response = client.post(admin_url(User, "change", user.pk), data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.unit.name == "Phường Bắc Giang" and user.has_role(Role.COMMUNE_OFFICER)


# --- Scoping: two commune officers against each other ---


def test_each_commune_officer_sees_exactly_its_commune(world):
    scope = scope_for(world["officer_a"])
    assert list(scope.units()) == [world["a"]]
    assert list(scope.filter(MediationTeam.objects.all(), "commune")) == [world["team_a"]]


def test_a_commune_officer_whose_commune_ended_gets_no_scope(reformed):
    user = commune_officer("cu", None)
    user.unit = AdminUnit.objects.by_code("07210", date(2025, 6, 30))
    user.save()
    scope = scope_for(User.objects.get(pk=user.pk))
    assert scope.unit is None and not scope.units().exists()


def test_the_admin_list_and_typed_urls_of_another_commune(client, world):
    client.force_login(world["officer_a"])
    response = client.get(admin_url(MediationTeam, "changelist"))
    assert list(response.context["cl"].result_list) == [world["team_a"]]
    response = client.get(admin_url(Mediator, "changelist"))
    assert [m.team for m in response.context["cl"].result_list] == [world["team_a"]]
    assert client.get(admin_url(MediationTeam, "change", world["team_a"].pk)).status_code == 200
    for view in ["change", "delete", "history"]:
        url = admin_url(MediationTeam, view, world["team_b"].pk)
        assert client.get(url).status_code == 404, view
    mediator_b = world["team_b"].mediators.get()
    assert client.get(admin_url(Mediator, "change", mediator_b.pk)).status_code == 404


def test_dropdowns_offer_only_the_officers_commune(client, world):
    client.force_login(world["officer_a"])
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "network", "model_name": "mediator", "field_name": "team", "term": ""},
    )
    assert [int(row["id"]) for row in response.json()["results"]] == [world["team_a"].pk]
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "network", "model_name": "mediationteam", "field_name": "commune"},
    )
    assert [int(row["id"]) for row in response.json()["results"]] == [world["a"].pk]


def test_the_export_holds_only_the_officers_commune(client, world):
    client.force_login(world["officer_b"])
    response = client.get(reverse("admin:network_mediationteam_excel_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    text = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    assert "Thôn Đông" in text and "Tổ dân phố số 1" not in text


def test_commune_officers_report_progress_only_on_their_own_rows(client, world):
    row_a = Responsibility.objects.get(task__number="2.1", year=2026, unit=world["a"])
    row_b = Responsibility.objects.get(task__number="2.1", year=2026, unit=world["b"])
    officer_a = world["officer_a"]
    assert progress.can_report(officer_a, row_a)
    assert not progress.can_report(officer_a, row_b)

    client.force_login(officer_a)
    url = reverse("progress-cell", args=["2.1", 2026])
    page = client.get(url)
    assert [entry["row"] for entry in page.context["entries"]] == [row_a]
    assert page.context["entries"][0]["editable"]
    data = {"action": "status", "status": Responsibility.Status.IN_PROGRESS}
    assert client.post(url, {**data, "responsibility": row_b.pk}).status_code == 404
    assert client.post(url, {**data, "responsibility": row_a.pk}).status_code == 302
    row_a.refresh_from_db()
    row_b.refresh_from_db()
    assert row_a.status == Responsibility.Status.IN_PROGRESS
    assert row_b.status != Responsibility.Status.IN_PROGRESS


# --- Created in bulk from Excel ---

HEADERS = ["Mã xã", "Họ và tên", "Email", "Số điện thoại"]


def workbook(rows, headers=HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = BytesIO()
    book.save(output)
    return SimpleUploadedFile("can-bo-xa.xlsx", output.getvalue())


def upload(client, rows, send_email=False, **kwargs):
    data = {"file": workbook(rows, **kwargs)}
    if send_email:
        data["send_email"] = "on"
    return client.post(reverse("commune-officers"), data)


def officers():
    return User.objects.filter(groups__name=Role.COMMUNE_OFFICER.value)


def test_only_staff_create_commune_officers(client, staff, leader):
    officer = commune_officer("xa", BAC_GIANG)
    for user in (officer, leader):
        client.force_login(user)
        assert client.get(reverse("commune-officers")).status_code == 403
    client.force_login(staff)
    page = client.get(reverse("commune-officers"))
    assert page.status_code == 200
    assert "Tạo tài khoản cán bộ cấp xã" in page.content.decode()


def test_a_good_list_creates_the_accounts_with_one_time_passwords(client, staff):
    client.force_login(staff)
    response = upload(
        client,
        [
            ["07210", "Phạm Thị Thảo", "thao@bacninh.gov.vn", "0912345678"],
            [7682, "Nguyễn Văn  Hùng", None, 912345679],  # codes and phones typed as numbers
            ["07210", "Lê Văn Nam", "nam@bacninh.gov.vn", None],
        ],
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "chỉ hiện một lần" in page and "đổi mật khẩu" in page
    created = {user.username: user for user in officers()}
    assert set(created) == {"xa07210", "xa07682", "xa07210-2"}
    thao = created["xa07210"]
    assert (thao.last_name, thao.first_name, thao.get_full_name()) == (
        "Phạm Thị",
        "Thảo",
        "Phạm Thị Thảo",
    )
    assert thao.unit == today_unit("07210") and thao.is_staff and thao.is_active
    assert created["xa07682"].phone == "0912345679"
    assert created["xa07682"].get_full_name() == "Nguyễn Văn Hùng"
    for item in response.context["created"]:
        assert item.password in page
        assert client.login(username=item.user.username, password=item.password)
    assert thao.history.earliest().history_type == "+"  # recorded, as every account change
    assert not mail.outbox


def test_set_password_emails_go_to_the_rows_with_an_email(client, staff):
    client.force_login(staff)
    response = upload(
        client,
        [["07210", "Phạm Thị Thảo", "thao@bacninh.gov.vn", ""], ["07682", "Ngô Văn Hải", "", ""]],
        send_email=True,
    )
    assert response.status_code == 200
    by_name = {item.user.username: item for item in response.context["created"]}
    assert by_name["xa07210"].password is None
    assert not by_name["xa07210"].user.has_usable_password()
    assert by_name["xa07682"].password  # no email: a one-time password
    (message,) = mail.outbox
    assert message.to == ["thao@bacninh.gov.vn"]
    assert "Phường Bắc Giang" in message.body and "xa07210" in message.body
    link = next(line for line in message.body.splitlines() if "/dat-mat-khau/" in line)
    client.logout()
    form = client.get(link.strip(), follow=True)
    assert form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Mot-mat-khau-moi-2026", "new_password2": "Mot-mat-khau-moi-2026"},
    )
    assert done.status_code == 302
    assert client.login(username="xa07210", password="Mot-mat-khau-moi-2026")


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(client, staff):
    User.objects.create_user("cu", email="Trung@BacNinh.gov.vn")
    client.force_login(staff)
    response = upload(
        client,
        [
            ["07210", "Phạm Thị Thảo", "thao@bacninh.gov.vn", "0912345678"],  # row 2: good
            ["99999", "Nguyễn Văn A", "", ""],  # row 3
            ["07201", "Nguyễn Văn B", "", ""],  # row 4: Phường Trần Phú, ended
            ["07682", "", "", ""],  # row 5
            ["07682", "Trần Văn C", "THAO@bacninh.gov.vn", ""],  # row 6: same as row 2
            ["07682", "Trần Văn D", "khong-phai-email", ""],  # row 7
            ["07682", "Lê\u202eVăn E", "", ""],  # row 8
            ["07682", "Lê Văn G", "trung@bacninh.gov.vn", "abc"],  # row 9
        ],
    )
    assert response.status_code == 400
    errors = [(e.row, e.column, e.message) for e in response.context["plan"].errors]
    former = AdminUnit.objects.by_code("07201", date(2025, 6, 30))
    successor = former.successors.get()
    assert errors == [
        (3, "Mã xã", "không có đơn vị cấp xã mã “99999”"),
        (
            4,
            "Mã xã",
            f"{former.name} (07201) đã kết thúc ngày 30/06/2025 và nhập vào {successor.name} "
            f"({successor.code}): hãy ghi {successor.code}",
        ),
        (5, "Họ và tên", "ô bắt buộc bị để trống"),
        (6, "Email", "email này đã có ở dòng 2"),
        (7, "Email", "“khong-phai-email” không phải là địa chỉ email hợp lệ"),
        (
            8,
            "Họ và tên",
            "có ký tự điều khiển hoặc ký tự đổi chiều văn bản không nhìn thấy được (U+202E); "
            "hãy xóa ký tự này",
        ),
        (9, "Số điện thoại", "“abc” không phải là số điện thoại"),
        (9, "Email", "tài khoản “cu” đã dùng email này"),
    ]
    page = response.content.decode()
    assert "Không tài khoản nào được tạo" in page
    assert not officers().exists()


def test_a_list_without_its_columns_or_rows_is_refused(client, staff):
    client.force_login(staff)
    response = upload(client, [["07210", "Phạm Thị Thảo"]], headers=["Mã", "Tên"])
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["plan"].errors] == [
        (1, "Mã xã"),
        (1, "Họ và tên"),
    ]
    response = upload(client, [])
    assert response.status_code == 400
    assert response.context["plan"].file_error
    assert not officers().exists()


# --- Demo ---


def test_the_demo_commune_officer_acts_for_phuong_bac_giang(client, reformed):
    accounts = {username: (password, role) for username, password, role in create_demo_accounts()}
    password, role = accounts["canboxa"]
    assert role == Role.COMMUNE_OFFICER and password
    user = User.objects.get(username="canboxa")
    assert user.unit == today_unit("07210") and user.unit.name == "Phường Bắc Giang"
    assert user.unit.valid_from == date(2025, 7, 1)
    assert scope_for(user).unit == user.unit
    assert client.login(username="canboxa", password=password)
