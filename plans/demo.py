"""Demo progress of the plan's tasks: statuses and activities as the districts and Sở Tư
pháp would report them, so the timeline and the dashboard have something real to show.

Responsibilities are the plan's own rows: the demo only sets their status (flagged
``status_is_demo``) and adds activities marked ``is_demo``; ``seed_demo --clear`` deletes
the activities and puts those statuses back.
"""

import random
from collections import Counter
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from hoagiai import caching

from .models import Activity, Responsibility

Status = Responsibility.Status

ACTIVITIES = [
    "Ban hành kế hoạch triển khai, phân công cơ quan, đơn vị thực hiện",
    "Tổ chức hội nghị quán triệt, triển khai nhiệm vụ đến cấp xã",
    "Tổ chức lớp tập huấn kỹ năng hòa giải theo Chương trình khung",
    "Kiểm tra, hướng dẫn nghiệp vụ hòa giải tại các xã",
    "Biên soạn, in và cấp phát tài liệu cho tổ hòa giải",
    "Sơ kết, đánh giá kết quả thực hiện, báo cáo Sở Tư pháp",
]


def _status(rng, year, this_year):
    """Past years mostly done with a few left behind; this year under way."""
    if year < this_year:
        return rng.choices([Status.DONE, Status.IN_PROGRESS, Status.NOT_STARTED], [86, 10, 4])[0]
    if year == this_year:
        return rng.choices([Status.DONE, Status.IN_PROGRESS, Status.NOT_STARTED], [25, 55, 20])[0]
    return Status.NOT_STARTED


@transaction.atomic
def seed_progress(seed: int = 1) -> Counter:
    rng = random.Random(f"{seed}:progress")
    this_year = timezone.localdate().year
    counts = Counter()
    activities, changed = [], []
    rows = Responsibility.objects.filter(in_plan=True, year__lte=this_year).order_by("pk")
    for row in rows:
        status = _status(rng, row.year, this_year)
        if status == Status.NOT_STARTED:
            continue
        row.status, row.status_is_demo = status, True
        changed.append(row)
        counts[status] += 1
        first_day = date(row.year, 1, 2)
        days = (min(date(row.year, 12, 31), timezone.localdate()) - first_day).days
        for _ in range(rng.randint(1, 2)):
            activities.append(
                Activity(
                    responsibility=row,
                    held_on=first_day + timedelta(days=rng.randint(0, max(days, 0))),
                    description=rng.choice(ACTIVITIES),
                    participants=rng.randint(15, 120),
                    budget=rng.randrange(0, 40) * 1_000_000,
                    is_demo=True,
                )
            )
    # Bulk writes: demo statuses leave no trace in the rows' audit history.
    Responsibility.objects.bulk_update(changed, ["status", "status_is_demo"], batch_size=1000)
    Activity.objects.bulk_create(activities, batch_size=1000)
    caching.changed(Responsibility, Activity)  # bulk writes send no signals
    counts["activities"] = len(activities)
    return counts


def demo_progress_exists() -> bool:
    return Activity.objects.filter(is_demo=True).exists()
