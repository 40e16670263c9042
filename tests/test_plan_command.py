"""manage.py plan --json, the interface DESIGN §5 promises other tools."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def plan_json():
    out = StringIO()
    call_command("plan", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_the_plan_header():
    data = plan_json()
    assert data["plan"]["decision"] == "315/QĐ-TTg"
    assert (data["plan"]["start_year"], data["plan"]["end_year"]) == (2024, 2030)
    assert data["plan"]["title"].startswith("Kế hoạch thực hiện Đề án")


def test_groups_hold_the_leaf_tasks_with_every_key():
    data = plan_json()
    assert [g["number"] for g in data["groups"]] == [str(n) for n in range(1, 11)]
    group_2 = data["groups"][1]
    assert group_2["title"] == "Thực hiện chỉ đạo điểm"
    assert [t["number"] for t in group_2["tasks"]] == ["2.1", "2.2", "2.3a", "2.3b", "2.4"]
    keys = {"number", "heading", "text", "lead", "lead_role", "partners", "timeline"}
    for group in data["groups"]:
        for task in group["tasks"]:
            assert set(task) == keys
            assert set(task["timeline"]) == {"kind", "start_year", "end_year", "milestones"}
    assert [t["number"] for t in data["groups"][0]["tasks"]] == ["1"]
    assert [t["number"] for t in data["groups"][4]["tasks"]] == ["5"]


def test_task_2_1_reads_as_the_design_shows():
    task = plan_json()["groups"][1]["tasks"][0]
    assert task["lead"] == ["UBND cấp huyện"]
    assert task["partners"][0] == "Sở Tư pháp"
    assert task["timeline"] == {"kind": "range", "start_year": 2024, "end_year": 2026,
                                "milestones": []}  # fmt: skip


def test_milestones_and_annual_timelines():
    groups = {g["number"]: g for g in plan_json()["groups"]}
    t101, t102 = groups["10"]["tasks"]
    assert t101["timeline"]["kind"] == "milestones"
    assert (t101["timeline"]["start_year"], t101["timeline"]["end_year"]) == (2024, 2030)
    assert {"year": 2026, "label": "Sơ kết"} in t101["timeline"]["milestones"]
    assert {"year": 2027, "label": "Kiểm tra"} in t101["timeline"]["milestones"]
    assert t102["timeline"]["milestones"] == [
        {"year": 2026, "label": "Sơ kết"},
        {"year": 2030, "label": "Tổng kết"},
    ]
    assert (t102["timeline"]["start_year"], t102["timeline"]["end_year"]) == (2026, 2030)
    t62 = groups["6"]["tasks"][1]
    assert t62["timeline"] == {"kind": "annual", "start_year": 2024, "end_year": 2030,
                               "milestones": []}  # fmt: skip
    assert groups["6"]["tasks"][0]["lead_role"] == "chủ trì tham mưu"


def test_2_3a_and_2_3b_carry_the_heading_of_2_3():
    tasks = plan_json()["groups"][1]["tasks"]
    assert tasks[2]["heading"] == tasks[3]["heading"] != ""
    assert tasks[0]["heading"] == ""
