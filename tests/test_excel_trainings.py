"""Trainings with attendance, in and out of Excel."""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from network.models import (
    Mediator,
    MediatorAttendance,
    OfficialAttendance,
    Trainer,
    TrainerAttendance,
    Training,
)

from . import factories

pytestmark = pytest.mark.django_db

HEADERS = [
    "Tên lớp tập huấn",
    "Ngày tổ chức",
    "Đơn vị tổ chức (mã hoặc tên)",
    "Cấp (Tỉnh/Huyện/Xã)",
    "Đối tượng (Tập huấn viên/Hòa giải viên/Cán bộ cấp xã)",
    "Chương trình (Chương trình khung/Khác)",
    "Địa điểm",
    "Người tham dự: họ và tên",
    "Người tham dự: xã hoặc đơn vị (mã hoặc tên)",
    "Người tham dự: tổ hòa giải (hòa giải viên)",
    "Người tham dự: chức vụ (cán bộ cấp xã)",
]
URL = "admin:network_training_excel_import"
COURSE = [
    "Kỹ năng hòa giải 2025",
    "12/03/2025",
    "213",
    "Huyện",
    "Hòa giải viên",
    "Chương trình khung",
    "Hội trường UBND thành phố",
]


def xlsx(rows):
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "lop-tap-huan.xlsx"
    return buffer


@pytest.fixture
def people():
    team = factories.full_team("Tổ dân phố số 1", "07201")
    trainer = Trainer.objects.create(
        full_name="Hà Văn Giảng",
        level="district",
        unit=factories.commune("213"),
        active_from=date(2024, 1, 1),
    )
    return team, trainer


def upload_and_confirm(client, file):
    response = client.post(reverse(URL), {"file": file})
    plan = response.context["plan"]
    if plan.ok:
        client.post(reverse(URL), {"token": response.context["token"]})
    return plan


def test_a_training_and_its_mediators_are_imported(client, province_staff, people):
    client.force_login(province_staff)
    plan = upload_and_confirm(
        client,
        xlsx(
            [
                COURSE + ["Nguyễn Văn An", "07201", "Tổ dân phố số 1", None],
                COURSE + ["Trần Thị Bình", "07201", "Tổ dân phố số 1", None],
            ]
        ),
    )
    assert plan.ok, plan.errors
    training = Training.objects.get()
    assert (training.held_on, training.audience) == (date(2025, 3, 12), "mediators")
    names = set(MediatorAttendance.objects.values_list("mediator__full_name", flat=True))
    assert names == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert training.history.get().history_change_reason == "Nhập từ tệp Excel: lop-tap-huan.xlsx"


def test_trainers_and_commune_officials_attend_too(client, province_staff, people):
    client.force_login(province_staff)
    for_trainers = [
        "Phương pháp tập huấn",
        "01/02/2025",
        "24",
        "Tỉnh",
        "Tập huấn viên",
        "Chương trình khung",
        None,
        "Hà Văn Giảng",
        "213",
        None,
        None,
    ]
    for_officials = [
        "Quản lý nhà nước về hòa giải",
        "05/02/2025",
        "213",
        "Huyện",
        "Cán bộ cấp xã",
        "Khác",
        None,
        "Lý Thị Hộ",
        "07201",
        None,
        "Công chức Tư pháp - Hộ tịch",
    ]
    plan = upload_and_confirm(client, xlsx([for_trainers, for_officials]))
    assert plan.ok, plan.errors
    assert TrainerAttendance.objects.get().trainer.full_name == "Hà Văn Giảng"
    official = OfficialAttendance.objects.get()
    assert (official.full_name, official.position) == ("Lý Thị Hộ", "Công chức Tư pháp - Hộ tịch")


def test_an_unknown_attendee_is_named_and_nothing_is_written(client, province_staff, people):
    client.force_login(province_staff)
    plan = upload_and_confirm(
        client,
        xlsx(
            [
                COURSE + ["Nguyễn Văn An", "07201", "Tổ dân phố số 1", None],
                COURSE + ["Người Lạ", "07201", "Tổ dân phố số 1", None],
            ]
        ),
    )
    [error] = plan.errors
    assert (error.row, error.column) == (3, "Người tham dự: họ và tên")
    assert "không có hòa giải viên" in error.message
    assert not Training.objects.exists()


def test_one_training_described_two_ways_is_refused(client, province_staff, people):
    client.force_login(province_staff)
    other = COURSE[:5] + ["Khác"] + COURSE[6:]
    plan = upload_and_confirm(
        client,
        xlsx(
            [
                COURSE + ["Nguyễn Văn An", "07201", "Tổ dân phố số 1", None],
                other + ["Trần Thị Bình", "07201", "Tổ dân phố số 1", None],
            ]
        ),
    )
    assert [e.row for e in plan.errors] == [3]
    assert not Training.objects.exists()


def test_export_then_import_changes_nothing(client, province_staff, people):
    client.force_login(province_staff)
    upload_and_confirm(
        client,
        xlsx(
            [
                COURSE + ["Nguyễn Văn An", "07201", "Tổ dân phố số 1", None],
                COURSE + ["Trần Thị Bình", "07201", "Tổ dân phố số 1", None],
            ]
        ),
    )
    exported = client.get(reverse("admin:network_training_excel_export"))
    file = io.BytesIO(exported.content)
    file.name = "xuat.xlsx"
    response = client.post(reverse(URL), {"file": file})
    plan = response.context["plan"]
    assert plan.ok, plan.errors
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (0, 0, 3)


def test_a_district_officer_cannot_record_another_districts_training(
    client, officer_a, district_b, people
):
    client.force_login(officer_a)
    course = COURSE[:2] + [district_b.code] + COURSE[3:]
    plan = upload_and_confirm(client, xlsx([course + [None, None, None, None]]))
    [error] = plan.errors
    assert error.column == "Đơn vị tổ chức (mã hoặc tên)"
    assert "nằm ngoài địa bàn" in error.message
    assert not Training.objects.exists()


def test_a_province_sized_attendance_exports_on_every_database(client, province_staff):
    """Bắc Giang's demo has 16,000 attendances; their ids in one IN list were a 500 on SQLite."""
    team = factories.team()
    mediators = Mediator.objects.bulk_create(
        Mediator(team=team, full_name=f"Hòa giải viên {n}", sex="F", recognised_on=date(2024, 1, 1))
        for n in range(ATTENDEES)
    )
    training = factories.training(date(2025, 3, 5))
    MediatorAttendance.objects.bulk_create(
        MediatorAttendance(training=training, mediator=mediator) for mediator in mediators
    )
    client.force_login(province_staff)
    response = client.get(reverse("admin:network_training_excel_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == ATTENDEES + 1  # the header and one row per person


ATTENDEES = 1500
