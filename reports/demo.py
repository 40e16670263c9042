"""Demo yearly reports at every step of the workflow: Bắc Giang's districts for 2024, the
plan area's communes of the new Tỉnh Bắc Ninh from 2025.

Built on the demo registry (``seed_demo``): each report is opened as its unit's officer
would open it (prefilled from the registry) and moved through the workflow with the same
service, so the board, the dashboard's "approved" source and the history have something
real to show. Every report is marked ``is_demo``; ``seed_demo --clear`` removes them.
"""

import random
from collections import Counter
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_COMMUNE_CODE
from hoagiai.caching import changed
from units.models import AdminUnit

from . import services
from .models import GroupResult, ReportEvent, YearlyReport

Status, Action = YearlyReport.Status, ReportEvent.Action

# Where each district's report for a year stands: the previous years approved, this
# year's in every state a reviewer meets.
PAST = [Status.APPROVED] * 10
CURRENT = [
    Status.APPROVED,
    Status.APPROVED,
    Status.APPROVED,
    Status.APPROVED,
    Status.SUBMITTED,
    Status.SUBMITTED,
    Status.RETURNED,
    Status.DRAFT,
    Status.DRAFT,
    None,
]

DIFFICULTIES = [
    "Một số hòa giải viên lớn tuổi, ít có điều kiện tham gia tập huấn tập trung; kinh phí hỗ "
    "trợ vụ việc hòa giải còn thấp so với thực tế.",
    "Địa bàn rộng, giao thông đến các thôn vùng cao khó khăn; việc cập nhật tài liệu hướng "
    "dẫn nghiệp vụ cho tổ hòa giải chưa kịp thời.",
    "Một số tổ hòa giải thay đổi thành viên sau bầu trưởng thôn, phải kiện toàn lại; hồ sơ, "
    "sổ theo dõi vụ việc ở một số xã chưa đầy đủ.",
]
PROPOSALS = [
    "Đề nghị Sở Tư pháp tiếp tục tổ chức tập huấn theo Chương trình khung cho tập huấn viên "
    "cấp huyện và cung cấp thêm bộ tài liệu in cho các tổ hòa giải.",
    "Đề nghị bố trí kinh phí cho tổ hòa giải của xã điểm để tổ chức các buổi sinh hoạt "
    "chuyên đề, trao đổi kinh nghiệm.",
]
GROUP_TEXT = (
    "Đã ban hành kế hoạch triển khai, phân công nhiệm vụ cho các phòng, ban và UBND cấp xã; "
    "tổ chức kiểm tra, hướng dẫn việc thực hiện tại một số xã."
)
RETURN_COMMENT = (
    "Đề nghị rà soát lại số vụ việc hòa giải thành và số hòa giải viên được tập huấn của các "
    "xã: số liệu chưa khớp với báo cáo 6 tháng."
)


# Where the communes' reports for this year stand: most still being written before the
# deadline, some in every state a reviewer meets.
CURRENT_COMMUNES = {
    Status.APPROVED: 0.15,
    Status.SUBMITTED: 0.2,
    Status.RETURNED: 0.05,
    Status.DRAFT: 0.3,
    None: 0.3,
}
# The demo commune officer's commune (accounts.demo): its report for this year is left
# untouched, for the officer to open, fill and submit.
KEEP_OPEN = {DEMO_COMMUNE_CODE}


@transaction.atomic
def seed_reports(seed: int = 1) -> Counter:
    """Open, fill and move every reporting unit's reports; return counts by status."""
    rng = random.Random(f"{seed}:reports")
    years = services.report_years()
    counts = Counter()
    for year in years:
        units = list(services.reporting_units(year))
        if not units:
            continue
        if units[0].level == AdminUnit.Level.DISTRICT:
            plan = list(CURRENT if year == years[-1] else PAST)
            rng.shuffle(plan)
        elif year == years[-1]:
            states, weights = zip(*CURRENT_COMMUNES.items(), strict=True)
            plan = rng.choices(states, weights, k=len(units))
        else:
            plan = [Status.APPROVED] * len(units)
        for unit, status in zip(units, plan, strict=False):
            if status is None or (year == years[-1] and unit.code in KEEP_OPEN):
                continue
            report = services.open_report(unit, year, is_demo=True)
            YearlyReport.objects.filter(pk=report.pk).update(
                budget_spent=rng.randrange(20, 160)
                * 1_000_000
                // (1 + 9 * report.is_commune_report),
                difficulties=rng.choice(DIFFICULTIES),
                proposals=rng.choice(PROPOSALS),
            )
            GroupResult.objects.filter(report=report).update(text=GROUP_TEXT)
            changed(YearlyReport, GroupResult)  # queryset updates send no signals
            _move(report, status)
            _backdate(rng, report, year)
            counts[status] += 1
    return counts


def _backdate(rng, report, year):
    """Spread the steps over the reporting season instead of the moment of seeding: past
    years' reports went in during the first half of January, this year's in recent days."""
    now = timezone.now()
    if year < now.year:
        start = timezone.make_aware(datetime.combine(datetime(year + 1, 1, 2), time(8)))
    else:
        start = now - timedelta(days=12)
    moment = start + timedelta(days=rng.randrange(0, 10), minutes=rng.randrange(0, 480))
    submitted = None
    for event in report.events.order_by("pk"):
        moment += timedelta(days=rng.randrange(0, 3), hours=rng.randrange(1, 6))
        moment = min(moment, now)
        event.at = moment
        event.save(update_fields=["at"])
        if event.action == Action.SUBMIT:
            submitted = submitted or moment
    approved = report.events.filter(action=Action.APPROVE).values_list("at", flat=True).first()
    YearlyReport.objects.filter(pk=report.pk).update(submitted_at=submitted, approved_at=approved)
    changed(YearlyReport)  # a queryset update sends no signals


def _move(report, status):
    """Walk the report to ``status`` the way people would (no user: demo steps)."""
    if status == Status.DRAFT:
        return
    report = services.step(report, None, Action.SUBMIT, YearlyReport.EDITABLE, Status.SUBMITTED)
    if status == Status.RETURNED:
        services.step(
            report, None, Action.RETURN, [Status.SUBMITTED], Status.RETURNED, RETURN_COMMENT
        )
    elif status == Status.APPROVED:
        services.step(report, None, Action.APPROVE, [Status.SUBMITTED], Status.APPROVED)


def demo_reports_exist() -> bool:
    return YearlyReport.objects.filter(is_demo=True).exists()
