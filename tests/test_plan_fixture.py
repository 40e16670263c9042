"""The plan fixture matches the plan's text (docs/ke-hoach-bac-giang-hoa-giai-2024-2030.txt)."""

import pytest

from plans.models import Agency, Milestone, Plan, Task, TaskAgency, TaskGroup, task_sort_key

pytestmark = pytest.mark.django_db

ALL_TASKS = [
    "1", "2.1", "2.2", "2.3a", "2.3b", "2.4", "3.1", "3.2", "3.3", "3.4",
    "4.1", "4.2", "4.3", "4.4", "5", "6.1", "6.2", "7.1", "7.2", "8.1", "8.2",
    "9.1", "9.2", "10.1", "10.2",
]  # fmt: skip


def task(number):
    return Task.objects.get(number=number)


def names(agencies):
    return [agency.name for agency in agencies]


def test_the_plan_implements_decision_315():
    plan = Plan.objects.get()
    assert plan.decision == "315/QĐ-TTg"
    assert (plan.start_year, plan.end_year) == (2024, 2030)


def test_there_are_ten_groups_and_every_task_in_reading_order():
    assert list(TaskGroup.objects.values_list("number", flat=True)) == list(range(1, 11))
    assert list(Task.objects.values_list("number", flat=True)) == ALL_TASKS


def test_every_task_has_a_lead_and_a_partner():
    for item in Task.objects.all():
        assert item.leads, item.number
        assert item.partners, item.number


def test_task_2_1_is_led_by_each_district_in_2024_2026_with_the_department_as_partner():
    item = task("2.1")
    assert names(item.leads) == ["UBND cấp huyện"]
    assert item.leads[0].level == Agency.Level.DISTRICT
    assert "Sở Tư pháp" in names(item.partners)
    assert {
        "Tòa án nhân dân cấp huyện",
        "Viện kiểm sát nhân dân cấp huyện",
        "Hội Luật gia cấp huyện",
    } <= set(names(item.partners))
    assert (item.timeline_kind, item.start_year, item.end_year) == ("range", 2024, 2026)


def test_task_2_2_keeps_its_eight_bullets():
    assert task("2.2").text.count("\n- ") == 8


def test_task_2_3_is_two_tasks_under_one_heading():
    a, b = task("2.3a"), task("2.3b")
    assert a.heading == b.heading
    assert a.heading.startswith("Phối hợp giải quyết, trao đổi thông tin")
    assert names(a.leads) == ["UBND cấp xã"]
    assert names(b.leads) == ["UBND cấp xã", "Tổ hòa giải"]
    assert names(b.partners) == ["Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở"]


def test_task_2_4_runs_2027_to_2030():
    item = task("2.4")
    assert (item.start_year, item.end_year) == (2027, 2030)


def test_task_6_1_is_led_by_the_finance_department_in_2024_as_adviser():
    item = task("6.1")
    assert names(item.leads) == ["Sở Tài chính"]
    link = TaskAgency.objects.get(task=item, role=TaskAgency.Role.LEAD)
    assert link.role_label == "chủ trì tham mưu"
    assert (item.start_year, item.end_year) == (2024, 2024)


def test_task_6_2_is_yearly():
    item = task("6.2")
    assert item.timeline_kind == Task.TimelineKind.ANNUAL
    assert (item.start_year, item.end_year) == (2024, 2030)
    assert names(item.leads) == ["Sở Tài chính", "UBND cấp huyện", "UBND cấp xã"]


def test_task_10_1_inspects_every_year_and_reviews_in_2026_and_2030():
    milestones = list(Milestone.objects.filter(task__number="10.1").values_list("year", "label"))
    assert [year for year, label in milestones if label == "Kiểm tra"] == list(range(2024, 2031))
    assert (2026, "Sơ kết") in milestones
    assert (2030, "Tổng kết") in milestones
    assert len(milestones) == 9


def test_task_10_2_happens_at_the_reviews():
    item = task("10.2")
    assert list(item.milestones.values_list("year", "label")) == [
        (2026, "Sơ kết"),
        (2030, "Tổng kết"),
    ]
    assert names(item.leads) == ["UBND cấp tỉnh", "UBND cấp huyện"]


def test_the_ocr_typos_of_the_seed_are_fixed():
    texts = [t.text + t.heading for t in Task.objects.all()]
    texts += list(TaskGroup.objects.values_list("title", flat=True))
    for text in texts:
        assert "giamcác" not in text
        assert "động đồng dân cư" not in text
        assert "  " not in text


def test_each_agency_appears_once_and_only_section_v_bodies_have_no_task():
    used = set(TaskAgency.objects.values_list("agency__name", flat=True))
    all_names = list(Agency.objects.values_list("name", flat=True))
    assert len(all_names) == len(set(all_names))
    # Bodies named only in sections I and V (communication, press, mass organisations).
    unused = set(all_names) - used
    assert unused == {
        "Sở Thông tin và Truyền thông",
        "Đài Phát thanh - Truyền hình tỉnh",
        "Báo Bắc Giang",
        "Các tổ chức chính trị - xã hội tỉnh",
    }


def test_the_catch_all_agency_is_marked_generic():
    generic = Agency.objects.get(is_generic=True)
    assert generic.name == "Các cơ quan, tổ chức có liên quan"


@pytest.mark.parametrize(
    ("earlier", "later"), [("2.3a", "2.3b"), ("2.3b", "2.4"), ("9.2", "10.1"), ("1", "2.1")]
)
def test_task_numbers_sort_as_people_read_them(earlier, later):
    assert task_sort_key(earlier) < task_sort_key(later)


def test_the_fixture_sort_keys_match_the_numbers():
    for item in Task.objects.all():
        assert item.sort_key == task_sort_key(item.number)
