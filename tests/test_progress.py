"""Plan progress: responsibilities expanded from the plan, kept in step, overdue by date."""

from datetime import date

import pytest

from plans import progress
from plans.models import Activity, Agency, Milestone, Responsibility, Task, TaskAgency
from units.models import AdminUnit

pytestmark = pytest.mark.django_db

DISTRICTS = 10  # Bắc Giang's district-level units


def rows(number, **filters):
    return Responsibility.objects.filter(task__number=number, in_plan=True, **filters)


def years(number, **filters):
    return sorted(set(rows(number, **filters).values_list("year", flat=True)))


def test_a_range_gives_its_years_for_each_district():
    # 2.1: UBND cấp huyện picks a pilot commune, 2024–2026.
    assert years("2.1") == [2024, 2025, 2026]
    assert rows("2.1").count() == 3 * DISTRICTS
    assert set(rows("2.1").values_list("agency__name", flat=True)) == {"UBND cấp huyện"}
    districts = set(rows("2.1", year=2025).values_list("unit__code", flat=True))
    assert districts == set(AdminUnit.objects.districts().values_list("code", flat=True))


def test_a_provincial_agency_stays_one_row_a_year():
    # 3.1: Sở Tư pháp builds the provincial trainer pool, 2024–2026.
    assert rows("3.1").count() == 3
    assert not rows("3.1", unit__isnull=False).exists()


def test_annual_gives_every_year_of_the_plan():
    assert years("7.1") == list(range(2024, 2031))


def test_milestones_give_their_years_with_their_labels():
    assert years("10.1") == list(range(2024, 2031))
    labels = dict(rows("10.1").values_list("year", "milestones"))
    assert labels[2025] == "Kiểm tra"
    assert labels[2026] == "Kiểm tra, Sơ kết"
    assert labels[2030] == "Kiểm tra, Tổng kết"
    assert years("10.2") == [2026, 2030]


def test_commune_level_leads_are_reported_by_their_district():
    # 2.3a: UBND cấp xã, every year: one row per district, not per commune.
    assert rows("2.3a", year=2024).count() == DISTRICTS


def test_rows_follow_a_changed_timeline_and_keep_reported_work(
    django_capture_on_commit_callbacks, district_a
):
    task = Task.objects.get(number="2.1")
    reported = rows("2.1", year=2026, unit=district_a).get()
    Activity.objects.create(
        responsibility=reported, held_on=date(2026, 3, 1), description="Chọn xã điểm"
    )
    with django_capture_on_commit_callbacks(execute=True):
        task.end_year = 2025
        task.save()
    assert years("2.1") == [2024, 2025]
    kept = Responsibility.objects.get(pk=reported.pk)
    assert not kept.in_plan  # the district's work is not lost
    assert Responsibility.objects.filter(task=task, year=2026).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        task.end_year = 2026
        task.save()
    assert Responsibility.objects.get(pk=reported.pk).in_plan
    assert rows("2.1", year=2026).count() == DISTRICTS


def test_rows_follow_the_lead_agencies_and_milestones(django_capture_on_commit_callbacks):
    task = Task.objects.get(number="10.2")
    finance = Agency.objects.get(name="Sở Tài chính")
    with django_capture_on_commit_callbacks(execute=True):
        TaskAgency.objects.create(task=task, agency=finance, role="lead", position=9)
        Milestone.objects.create(task=task, year=2028, label="Kiểm tra")
    assert rows("10.2", agency=finance).count() == 3
    assert years("10.2") == [2026, 2028, 2030]


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(date(2025, 12, 31), False), (date(2026, 1, 1), True)],
)
def test_overdue_turns_at_the_years_end(today, overdue):
    row = rows("3.1", year=2025).get()
    assert row.is_overdue(today) is overdue
    cell = progress.cells(Responsibility.objects.filter(pk=row.pk), today)[(row.task_id, 2025)]
    assert (cell.state == "overdue") is overdue


def test_done_is_never_overdue():
    row = rows("3.1", year=2024).get()
    row.status = Responsibility.Status.DONE
    row.save()
    assert not row.is_overdue(date(2030, 6, 1))
    cell = progress.cells(Responsibility.objects.filter(pk=row.pk), date(2030, 6, 1))
    assert cell[(row.task_id, 2024)].state == "done"


def test_the_dashboard_summary_counts_by_hand():
    # Group 3 as of 1/6/2026: 3.1 (Sở Tư pháp 2024–2026) 3 rows; 3.2 (each district,
    # 2024–2026) 30; 3.3 and 3.4 (Sở Tư pháp and each district, from 2024) 33 each so far.
    done = rows("3.1", year=2024).get()
    done.status = Responsibility.Status.DONE
    done.save()
    province = AdminUnit.objects.root_province()
    summary = dict(progress.unit_summary(province, date(2026, 6, 1)))
    group = next(counts for g, counts in summary.items() if g.number == 3)
    # Overdue: 2024 and 2025 not done: 2 + 20 + 22 + 22, less the one done.
    assert group == {"total": 99, "done": 1, "overdue": 65, "on_track": 34}


def test_a_districts_summary_holds_its_own_rows(district_a):
    summary = dict(progress.unit_summary(district_a, date(2026, 6, 1)))
    group = next(counts for g, counts in summary.items() if g.number == 3)
    assert group["total"] == 3 + 3 + 3  # 3.2, 3.3, 3.4 for this district, 2024–2026
