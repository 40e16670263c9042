"""Across the 1/7/2025 reform: versioned units, the transition, the figures on either side."""

import json
from datetime import date
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.urls import reverse

from network import demo
from network.models import MediationTeam, PilotCommune, Trainer
from plans.models import Agency, Plan
from reports import reform
from reports.models import CommuneYear
from targets.kpi import Kpi
from units.models import AdminUnit, Succession

from .factories import full_team

pytestmark = pytest.mark.django_db

# The Department's choice for the three communes the GSO table leaves out (here: the
# neighbouring ward or commune that the table's namesakes went to).
SUCCESSORS = {"07693": "07682", "07732": "07681", "07744": "07738"}
BEFORE, AFTER = date(2025, 6, 30), date(2025, 7, 1)


def unit(code, day):
    return AdminUnit.objects.by_code(code, day)


def kpi_json(year, *args):
    out = StringIO()
    call_command("kpi", "--year", str(year), *args, "--json", stdout=out)
    return out.getvalue()


def test_the_three_communes_missing_from_the_table_block_the_transition():
    with pytest.raises(CommandError) as error:
        call_command("apply_reform_2025", stdout=StringIO())
    message = str(error.value)
    for missing in ("Xã Tân An (07693", "Xã Nham Sơn (07732", "Xã Thắng Cương (07744"):
        assert missing in message
    assert "--successor 07693=" in message
    # All or nothing: not even the new units were loaded.
    assert not AdminUnit.objects.exclude(valid_from=None).exists()
    assert not AdminUnit.objects.exclude(valid_to=None).exists()


def test_a_successor_must_be_a_new_commune():
    with pytest.raises(reform.ReformError, match="07201"):
        reform.apply({**SUCCESSORS, "07693": "07201"})  # 07201 ended: not a new commune


def test_codes_are_reused_and_resolve_by_date(django_assert_num_queries):
    reform.apply(SUCCESSORS)
    assert unit("24", date(2024, 12, 31)).name == "Tỉnh Bắc Giang"
    assert unit("24", AFTER).name == "Tỉnh Bắc Ninh"
    assert unit("07210", BEFORE).name == "Phường Hoàng Văn Thụ"
    assert unit("07210", AFTER).name == "Phường Bắc Giang"
    assert unit("213", AFTER) is None  # no districts any more
    province = unit("24", AFTER)
    assert province.children.count() == 99
    assert not province.children.exclude(level=AdminUnit.Level.COMMUNE).exists()
    with django_assert_num_queries(1):
        AdminUnit.objects.by_code("07210", AFTER)
    # Each old commune has exactly one successor; the three came from a person.
    old_communes = AdminUnit.objects.within(unit("24", BEFORE)).communes()
    assert old_communes.count() == 195
    assert Succession.objects.filter(predecessor__in=old_communes).count() == 195
    assert Succession.objects.filter(set_by_person=True).count() == 3


def test_teams_move_to_the_new_commune_with_their_people_and_a_second_run_changes_nothing():
    first = full_team("Thôn Đông", "07201")  # Phường Thọ Xương → Phường Bắc Giang
    namesake = full_team("Thôn Đông", "07207")  # Phường Ngô Quyền → Phường Bắc Giang
    outcome = reform.apply(SUCCESSORS)
    assert outcome.before == outcome.after
    first.refresh_from_db()
    namesake.refresh_from_db()
    assert first.commune == namesake.commune == unit("07210", AFTER)
    assert first.name == "Thôn Đông"
    assert namesake.name == "Thôn Đông (Phường Ngô Quyền cũ)"
    assert first.mediators.count() == 3
    assert first.history.first().history_change_reason == reform.REASON
    assert first.history.last().commune_id == unit("07201", BEFORE).pk  # 2024 kept in history

    again = reform.apply(SUCCESSORS)
    assert not again.changed_anything
    assert again.before == again.after == outcome.after


def test_the_command_prints_counts_that_match(province_staff):
    team = full_team("Thôn Đông", "07201")
    out = StringIO()
    args = [f"--successor={old}={new}" for old, new in SUCCESSORS.items()]
    call_command("apply_reform_2025", *args, "--by", "hoa", stdout=out)
    printed = out.getvalue()
    assert team.history.first().history_user == province_staff  # who did it, recorded
    assert "tổ hòa giải" in printed and "khớp nhau" in printed
    out = StringIO()
    call_command("apply_reform_2025", stdout=out)  # the three are set: no options needed now
    assert "không có gì thay đổi" in out.getvalue()


@pytest.fixture
def province_demo():
    """The province demo (fewer teams per commune to stay fast), with its 2024–2026 lines."""
    return demo.seed_demo(demo.PROVINCE, 3, teams_per_commune=(1, 2))


def test_the_province_demo_crosses_the_cut_with_2024_unchanged(province_demo):
    kpi_2024 = kpi_json(2024)
    lines_2025 = {
        line.commune.code: line.cases_received for line in CommuneYear.objects.filter(year=2025)
    }
    teams, mediators = MediationTeam.objects.count(), province_demo["network.Mediator"]

    outcome = reform.apply(SUCCESSORS)

    assert outcome.before == outcome.after
    assert outcome.after["teams"] == teams and outcome.after["mediators"] == mediators
    assert kpi_json(2024) == kpi_2024  # byte for byte
    # A new commune's 2025 cases are its predecessors' summed; its 2024 figure is summed
    # from them by the engine.
    new = unit("07210", AFTER)
    old_codes = list(new.predecessors.values_list("code", flat=True))
    # As the GSO table has it: Phường Bắc Giang took seven wards and communes whole.
    assert sorted(old_codes) == ["07201", "07207", "07210", "07213", "07225", "07231", "07441"]
    line = CommuneYear.objects.get(commune=new, year=2025)
    assert line.cases_received == sum(lines_2025[code] for code in old_codes)
    old_2024 = CommuneYear.objects.filter(year=2024, commune__in=new.predecessors.all())
    assert Kpi(2024, new).total("teams") == old_2024.aggregate(n=Sum("teams"))["n"] > 0
    # The province of 2025: the 58 communes that came from Bắc Giang, no district targets.
    data = json.loads(kpi_json(2025))
    assert data["unit"] == {"code": "24", "name": "Tỉnh Bắc Ninh", "level": "province"}
    targets = {target["code"]: target for target in data["targets"]}
    for code in ("O2a", "T2.1", "T3.2"):
        assert targets[code]["applies"] is False
        assert targets[code]["reason"] == "không còn cấp huyện từ 01/7/2025"
    assert targets["O4"]["denominator"] == outcome.after["commune-year figures 2025"]["teams"]
    assert json.loads(kpi_2024)["targets"][1]["applies"] is True  # O2a in 2024


def test_kpi_resolves_a_code_as_valid_in_the_year():
    reform.apply(SUCCESSORS)
    assert json.loads(kpi_json(2024, "--unit", "07210"))["unit"]["name"] == "Phường Hoàng Văn Thụ"
    assert json.loads(kpi_json(2025, "--unit", "07210"))["unit"]["name"] == "Phường Bắc Giang"
    assert json.loads(kpi_json(2024))["unit"]["name"] == "Tỉnh Bắc Giang"


def test_the_plan_area_is_the_58_communes_from_bac_giang_until_widened():
    reform.apply(SUCCESSORS)
    province = unit("24", AFTER)
    assert Kpi(2025, province).data.commune_count == 58
    plan = Plan.objects.current()
    plan.whole_province_from = date(2026, 1, 1)
    plan.save()
    assert Kpi(2026, province).data.commune_count == 99
    assert Kpi(2025, province).data.commune_count == 58
    assert plan.history.first().whole_province_from == date(2026, 1, 1)  # audited


def test_pilot_designations_trainers_and_agencies_carry_over():
    old_commune = unit("07201", BEFORE)
    PilotCommune.objects.create(commune=old_commune, start_year=2024, end_year=2026)
    old_province, district = unit("24", BEFORE), unit("213", BEFORE)
    provincial = Trainer.objects.create(
        full_name="Ngô Thị Hạnh", level="province", unit=old_province, active_from=date(2024, 1, 1)
    )
    local = Trainer.objects.create(
        full_name="Đỗ Văn Nam", level="district", unit=district, active_from=date(2024, 1, 1)
    )
    agencies = Agency.objects.count()

    reform.apply(SUCCESSORS)

    new_province, new_commune = unit("24", AFTER), unit("07210", AFTER)
    pilots = PilotCommune.objects.order_by("start_year")
    assert [(p.commune, p.start_year, p.end_year) for p in pilots] == [
        (old_commune, 2024, 2024),
        (new_commune, 2025, 2026),
    ]
    provincial.refresh_from_db()
    local.refresh_from_db()
    assert provincial.unit == new_province
    assert (local.unit, local.active_to) == (district, BEFORE)
    assert "không còn cấp huyện" in local.history.first().history_change_reason
    # The provincial trainer counts for Bắc Giang in 2024 and for Bắc Ninh in 2025.
    for year, province in ((2024, old_province), (2025, new_province)):
        result = next(r for r in Kpi(year, province).results() if r.code == "T3.1")
        assert result.value == 1
    assert Agency.objects.count() == agencies
    renamed = Agency.objects.get(name="Báo Bắc Ninh")
    assert "Báo Bắc Giang (đến 30/06/2025)" in renamed.other_names


def test_a_district_officer_can_no_longer_log_in_and_their_history_stays(client, officer_a):
    from .conftest import PASSWORD

    assert client.login(username="an", password=PASSWORD)
    client.logout()
    reform.apply(SUCCESSORS)
    officer_a.refresh_from_db()
    assert not officer_a.is_active
    assert officer_a.unit.code == "213"  # kept, not deleted
    assert not client.login(username="an", password=PASSWORD)
    reasons = list(officer_a.history.values_list("history_change_reason", flat=True))
    assert any(reason and "không còn cấp huyện" in reason for reason in reasons)


def test_the_dashboard_shows_bac_ninh_for_2025_and_bac_giang_for_2024(client, leader):
    full_team("Thôn Đông", "07201")
    reform.apply(SUCCESSORS)
    client.force_login(leader)
    url = reverse("dashboard")
    board = client.get(url, {"year": 2025}).context["board"]
    assert board.unit.name == "Tỉnh Bắc Ninh"
    assert len(board.rows) == 58
    page = client.get(url, {"year": 2025}).content.decode()
    assert "không còn cấp huyện từ 01/7/2025" in page
    # Its table is of communes, without the teams per district trainer (no districts).
    assert "<h2>Theo xã</h2>" in page and "Theo huyện" not in page
    assert "O2a<br>" not in page and "O8a<br>" in page
    old = client.get(url, {"year": 2024}).context["board"]
    assert old.unit.name == "Tỉnh Bắc Giang"
    assert len(old.rows) == 10
    # A commune of today, its 2024 figure summed from its predecessors, and the page says so.
    response = client.get(url, {"year": 2025, "unit": "07210"})
    assert response.context["board"].unit.name == "Phường Bắc Giang"
    assert response.context["board"].summed_before == AFTER
    # A district's code in 2025 no longer names a unit: the province of the year instead.
    assert client.get(url, {"year": 2025, "unit": "213"}).context["board"].unit.name == (
        "Tỉnh Bắc Ninh"
    )


def test_plan_rows_of_the_districts_end_with_2025_and_continue_in_the_communes(district_a):
    from plans.models import Activity, Responsibility

    def rows(year, **filters):
        return Responsibility.objects.filter(task__number="2.1", year=year, in_plan=True, **filters)

    reported = rows(2026, unit=district_a).get()  # UBND cấp huyện, 2024–2026
    Activity.objects.create(
        responsibility=reported, held_on=date(2025, 3, 1), description="Chọn xã điểm"
    )
    untouched = rows(2026, unit=unit("215", BEFORE)).get()

    outcome = reform.apply(SUCCESSORS)

    assert outcome.before["plan activities"] == outcome.after["plan activities"] == 1
    assert rows(2024).count() == 10  # the districts, as before
    districts_2025 = rows(2025, unit__level="district")
    communes_2025 = rows(2025, unit__level="commune")
    assert districts_2025.count() == 10  # until 30/6/2025
    assert communes_2025.count() == 58  # the plan area's communes, since 1/7/2025
    assert set(communes_2025.values_list("agency__name", flat=True)) == {"UBND cấp xã"}
    assert not rows(2026, unit__level="district").exists()
    assert rows(2026, unit__level="commune").count() == 58
    # What a district reported on a row that ended is kept, shown out of the plan.
    kept = Responsibility.objects.get(pk=reported.pk)
    assert not kept.in_plan and kept.activities.count() == 1
    assert not Responsibility.objects.filter(pk=untouched.pk).exists()
    assert not reform.apply(SUCCESSORS).changed_anything


def test_the_districts_2024_reports_stay_on_the_status_board(client, province_staff):
    reform.apply(SUCCESSORS)
    client.force_login(province_staff)
    rows = client.get(reverse("reports:index"), {"year": 2024}).context["board"].rows
    assert [row.unit.code for row in rows][:2] == ["213", "215"]
    assert len(rows) == 10
    response = client.get(reverse("reports:consolidated", args=[2024]))
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    assert len(workbook.sheetnames) == 11  # the summary, then one sheet per district


# --- Excel lists across the cut ---

TEAM_HEADERS = [
    "Xã (mã hoặc tên)",
    "Tổ hòa giải (thôn, tổ dân phố)",
    "Vùng đồng bào dân tộc thiểu số (Có/Không)",
    "Ngày thành lập",
    "Ngày giải thể",
]
TRAINER_HEADERS = ["Họ và tên", "Cấp (Tỉnh/Huyện)", "Đơn vị (mã hoặc tên)", "Cơ quan công tác",
                   "Hoạt động từ ngày"]  # fmt: skip


def workbook(headers, rows):
    book = openpyxl.Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "danh-sach.xlsx"
    return buffer


def preview(client, model, headers, rows):
    url = reverse(f"admin:network_{model}_excel_import")
    return client.post(url, {"file": workbook(headers, rows)}), url


def test_an_old_commune_code_is_read_as_its_successor_with_a_warning(client, province_staff):
    reform.apply(SUCCESSORS)
    client.force_login(province_staff)
    response, url = preview(
        client, "mediationteam", TEAM_HEADERS, [["07201", "Thôn Mới", "Không", None, None]]
    )
    plan = response.context["plan"]
    assert plan.ok
    [warning] = plan.warnings
    assert (warning.row, warning.column) == (2, "Xã (mã hoặc tên)")
    assert "Phường Thọ Xương (07201)" in warning.message
    assert "Phường Bắc Giang (07210)" in warning.message
    assert "Phường Thọ Xương (07201)" in response.content.decode()  # shown in the preview
    client.post(url, {"token": response.context["token"]})
    assert MediationTeam.objects.get(name="Thôn Mới").commune == unit("07210", AFTER)


def test_a_code_valid_at_neither_date_is_an_error_naming_row_and_column(client, province_staff):
    reform.apply(SUCCESSORS)
    client.force_login(province_staff)
    rows = [["07210", "Thôn Một", "Không", None, None], ["213", "Thôn Hai", "Không", None, None]]
    response, _url = preview(client, "mediationteam", TEAM_HEADERS, rows)
    plan = response.context["plan"]
    assert [(e.row, e.column) for e in plan.errors] == [(3, "Xã (mã hoặc tên)")]
    assert "213" in plan.errors[0].message
    assert not MediationTeam.objects.filter(name="Thôn Một").exists()  # nothing written

    # A trainer of a district that ended: a record of its dates, checked against them.
    rows = [["Đỗ Văn Nam", "Huyện", "213", "", date(2024, 2, 1)],
            ["Lý Thị Hoa", "Huyện", "213", "", date(2025, 8, 1)]]  # fmt: skip
    response, _url = preview(client, "trainer", TRAINER_HEADERS, rows)
    plan = response.context["plan"]
    assert [(e.row, e.column) for e in plan.errors] == [(3, "Đơn vị (mã hoặc tên)")]
    assert "01/08/2025" in plan.errors[0].message


def test_an_export_after_the_cut_imports_back_without_a_change(client, province_staff):
    full_team("Thôn Đông", "07201")
    full_team("Thôn Đông", "07207")
    reform.apply(SUCCESSORS)
    client.force_login(province_staff)
    exported = client.get(reverse("admin:network_mediationteam_excel_export"))
    file = BytesIO(exported.content)
    file.name = "to-hoa-giai.xlsx"
    url = reverse("admin:network_mediationteam_excel_import")
    plan = client.post(url, {"file": file}).context["plan"]
    assert plan.ok and not plan.warnings
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (0, 0, 2)


def test_the_department_can_replace_a_district_target_from_a_year(
    django_capture_on_commit_callbacks,
):
    from targets.models import Target

    with django_capture_on_commit_callbacks(execute=True):  # the figures recount on commit
        full_team("Thôn Đông", "07201")
    with django_capture_on_commit_callbacks(execute=True):
        reform.apply(SUCCESSORS)
    province = unit("24", AFTER)
    Trainer.objects.create(
        full_name="Ngô Thị Hạnh", level="province", unit=province, active_from=date(2025, 8, 1)
    )
    o2a = Target.objects.get(code="O2a")
    replacement = Target(
        code="O2a.2026",
        title="Tập huấn viên: tối thiểu 01 người/80 tổ hòa giải (toàn tỉnh)",
        plan_text=o2a.plan_text,
        measure="Số tổ hòa giải ÷ số tập huấn viên của tỉnh",
        value_kind=o2a.value_kind,
        comparator="<=",
        threshold=80,
        deadline_year=2030,
        scope=Target.Scope.PROVINCE,
        source_clause=o2a.source_clause,
        replaces=o2a,
        from_year=2026,
    )
    replacement.full_clean()
    replacement.save()

    def results(year):
        return {r.code: r for r in Kpi(year, province).results()}

    in_2025, in_2026 = results(2025), results(2026)
    assert in_2025["O2a"].reason == "không còn cấp huyện từ 01/7/2025"
    assert (in_2025["O2a.2026"].applies, in_2025["O2a.2026"].reason) == (
        False,
        "áp dụng từ năm 2026",
    )
    assert in_2026["O2a"].applies is False and "O2a.2026" in in_2026["O2a"].reason
    counted = in_2026["O2a.2026"]
    assert counted.applies and (counted.numerator, counted.denominator) == (1, 1)
    assert counted.met is True  # 1 team for 1 trainer ≤ 80
    # 2024 has its districts: O2a is counted as before, the replacement not at all.
    in_2024 = (
        results(2024) if False else {r.code: r for r in Kpi(2024, unit("24", BEFORE)).results()}
    )
    assert in_2024["O2a"].applies and not in_2024["O2a.2026"].applies


def test_only_a_district_target_can_be_replaced():
    from targets.models import Target

    o4 = Target.objects.get(code="O4")
    copy = Target(
        **{f.name: getattr(o4, f.name) for f in Target._meta.concrete_fields if f.name != "id"}
    )
    copy.code, copy.replaces, copy.from_year = "O4.2026", o4, 2026
    with pytest.raises(ValidationError) as error:
        copy.full_clean()
    assert "replaces" in error.value.message_dict


def test_a_new_team_cannot_be_put_in_a_commune_that_ended(client, province_staff):
    reform.apply(SUCCESSORS)
    client.force_login(province_staff)
    url = reverse("admin:network_mediationteam_add")
    choices = client.get(url).context["adminform"].form.fields["commune"].queryset
    assert unit("07210", AFTER) in choices
    assert unit("07201", BEFORE) not in choices and choices.count() == 99
    old = unit("07201", BEFORE)
    response = client.post(url, {"commune": old.pk, "name": "Thôn Mới"})
    assert response.status_code == 200  # the form again, with the reason
    assert not MediationTeam.objects.filter(name="Thôn Mới").exists()
    team = MediationTeam(commune=old, name="Thôn Mới")
    with pytest.raises(ValidationError, match="Phường Bắc Giang"):
        team.full_clean()
