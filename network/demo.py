"""Deterministic, realistic demo data for the registry (``manage.py seed_demo``).

Two scales:

- ``province``: Bắc Giang's real units (province 24, 10 districts, 195 communes, loaded from
  ``fixtures/units_bac_giang.json``) get ≈ 2,500 teams and ≈ 17,000 mediators, near the real
  2,532 and 17,396, with trainers, trainings, materials, pilot and model communes and case
  figures for 2024–2026.
- ``national``: Bắc Giang exactly as above plus 62 synthetic provinces ("Tỉnh Demo 25" …) with
  690 districts and 9,900 communes: ≈ 87,000 teams and ≈ 550,000 mediators in all, the
  country's size in 2024 (87,396 teams, 549,446 mediators).

Every row created is marked ``is_demo`` (attendance rows have no flag: they belong to demo
trainings) and ``clear_demo`` removes exactly those rows. Randomness comes from
``random.Random`` seeded per province from the seed, and every date is a fixed one, so a seed
always gives the same data, and Bắc Giang's part is the same at both scales.

The data misses some targets on purpose (DESIGN §4: that is what a dashboard is for): a few
teams lack a woman, a leader or three active mediators, some districts have too few trainers,
some trainers were never trained, and success rates sit near, not on, the thresholds.
"""

import bisect
import itertools
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.db import connection, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone

from hoagiai.caching import changed
from hoagiai.text import fold
from units.codes import kind_from_name
from units.models import AdminUnit, Succession

from .bulk import insert
from .dates import add_months
from .figures import commune_figures
from .history import CREATED, bulk_history
from .models import (
    MAJORITY_ETHNICITY,
    LegalSupport,
    Material,
    MediationTeam,
    Mediator,
    MediatorAttendance,
    ModelCommune,
    OfficialAttendance,
    PilotCommune,
    Trainer,
    TrainerAttendance,
    Training,
    fill_derived,
)
from .signals import announce

PROVINCE = "province"
NATIONAL = "national"
SCALES = (PROVINCE, NATIONAL)

BAC_GIANG = "24"
PLAN_FOUND_ON = date(2024, 1, 1)
SYNTHETIC_DISTRICTS = 690
SYNTHETIC_COMMUNES = 9900
CHANGE_REASON = "seed_demo"

# Fixed dates, never "today": the data must not change with the day it is generated.
NEW_FROM = date(2024, 1, 1)  # recognised from here on = "newly recognised" in the plan's years
LAST_DAY = date(2026, 10, 31)
YEARS = (2024, 2025, 2026)
MATERIAL_SET_OUT = date(2024, 4, 15)  # when the Ministry's material set reached the communes

# Team consolidation years (many teams were re-formed after the 2019–2020 village mergers).
BASE_YEARS = {2019: 25, 2020: 25, 2021: 15, 2022: 15, 2023: 20}

# Shares of teams with each defect of composition (Law 35/2013 Art. 12, target O4).
NEW_TEAM_SHARE = 0.02
SHORT_TEAM_SHARE = 0.05  # fewer than 3 active mediators
NO_LEADER_SHARE = 0.02  # no active team leader (tổ trưởng)
NO_WOMAN_SHARE = 0.04
NO_MINORITY_SHARE = 0.12  # of the teams in an ethnic-minority area
LEADER_TURNOVER_SHARE = 0.06
NEWCOMER_SHARE = 0.11  # active mediators recognised 2024–2026 …
REPLACEMENT_SHARE = 0.5  # … of whom half replaced one who left (the others joined a team)


class DemoError(Exception):
    """The demo data cannot be built or removed; the message says why and what to do."""


@dataclass(frozen=True)
class Sizes:
    teams_per_commune: tuple[int, int]
    active_mediators: dict[int, int]  # relative weight of each number of active mediators
    cases_per_commune: tuple[int, int]  # cases received by a commune in a year
    mediator_trainings_per_year: tuple[int, int]  # per district


# Bắc Giang: 2,532 teams over 195 communes (≈ 13 each), 17,396 mediators (≈ 6.9 a team).
BAC_GIANG_SIZES = Sizes((8, 18), {5: 20, 6: 27, 7: 26, 8: 15, 9: 12}, (5, 40), (5, 5))
# The country: 87,396 teams over ≈ 10,000 communes (≈ 8.6), 549,446 mediators (≈ 6.3 a team),
# ≈ 95,700 cases a year (≈ 9.5 a commune).
SYNTHETIC_SIZES = Sizes((4, 13), {4: 10, 5: 28, 6: 31, 7: 17, 8: 9, 9: 5}, (2, 17), (3, 5))

# Bắc Giang's mountain districts: share of rural teams in an ethnic-minority area and the mix of
# minority groups there. Chũ (224) was carved out of Lục Ngạn in 2025 and shares its make-up.
BAC_GIANG_MIX = {"Nùng": 30, "Tày": 25, "Sán Dìu": 25, "Hoa": 10, "Sán Chay": 10}
BAC_GIANG_MINORITIES = {
    "220": (0.75, {"Tày": 35, "Nùng": 25, "Dao": 15, "Sán Chay": 10, "Hoa": 10, "Sán Dìu": 5}),
    "219": (0.60, {"Nùng": 40, "Tày": 25, "Sán Chay": 15, "Hoa": 10, "Dao": 10}),
    "218": (0.40, {"Nùng": 30, "Sán Dìu": 25, "Tày": 20, "Dao": 15, "Hoa": 10}),
    "215": (0.35, {"Nùng": 35, "Tày": 25, "Sán Dìu": 20, "Sán Chay": 10, "Hoa": 10}),
    "224": (0.25, {"Nùng": 40, "Tày": 30, "Sán Chay": 20, "Hoa": 10}),
}
MOUNTAIN_DISTRICTS = {"215", "218", "219", "220"}

# Regions of the synthetic provinces: (weight, share range of minority-area rural teams, mix).
REGIONS = [
    (22, (0.3, 0.9), {"Tày": 25, "Thái": 20, "Mông": 20, "Nùng": 15, "Dao": 15, "Mường": 5}),
    (8, (0.3, 0.7), {"Gia Rai": 30, "Ê Đê": 25, "Ba Na": 20, "Xơ Đăng": 10, "Cơ Ho": 10,
                     "Mnông": 5}),
    (15, (0.1, 0.5), {"Mường": 35, "Thái": 35, "Thổ": 10, "Khơ mú": 10, "Mông": 10}),
    (15, (0.05, 0.4), {"Chăm": 30, "Ra Glai": 25, "Cơ Tu": 15, "Hrê": 15, "Bru Vân Kiều": 15}),
    (20, (0.05, 0.3), {"Khmer": 70, "Hoa": 20, "Chăm": 10}),
    (20, (0.0, 0.03), {"Hoa": 40, "Mường": 30, "Tày": 15, "Nùng": 15}),
]  # fmt: skip

FAMILY_NAMES = {
    "Nguyễn": 300, "Trần": 90, "Lê": 80, "Phạm": 60, "Hoàng": 45, "Vũ": 40, "Đỗ": 30,
    "Ngô": 30, "Dương": 28, "Bùi": 28, "Thân": 25, "Đặng": 20, "Đinh": 18, "Giáp": 15,
    "Phan": 15, "Hà": 15, "Đào": 15, "Lương": 10, "Trương": 10, "Chu": 10, "Lưu": 8, "Tạ": 8,
    "Nghiêm": 6, "Mai": 6, "Cao": 6, "Lý": 5, "Tô": 5, "Vương": 5, "Hồ": 5, "Đồng": 5,
}  # fmt: skip
MINORITY_FAMILY_NAMES = {
    "Tày": ["Hoàng", "Nông", "Vi", "Lương", "Hà", "Lăng", "Ma", "Đàm", "Triệu", "Lộc"],
    "Nùng": ["Hoàng", "Nông", "Vi", "Lương", "Lăng", "Mã", "Lục", "Chu", "Dương", "Sầm"],
    "Dao": ["Triệu", "Bàn", "Đặng", "Lý", "Chìu", "Phùng"],
    "Sán Dìu": ["Diệp", "Lương", "Trương", "Tạ", "Lục", "Đặng", "Chu"],
    "Sán Chay": ["Hoàng", "Lý", "Ninh", "Nịnh", "Trần", "La"],
    "Hoa": ["Lưu", "Trương", "Diệp", "Hứa", "Lâm", "Tăng"],
    "Thái": ["Lò", "Lường", "Cầm", "Quàng", "Tòng", "Vì", "Hà"],
    "Mường": ["Đinh", "Quách", "Bạch", "Hà", "Bùi"],
    "Mông": ["Giàng", "Sùng", "Vàng", "Thào", "Lầu", "Mùa"],
    "Khmer": ["Thạch", "Sơn", "Kim", "Danh", "Lâm", "Châu"],
    "Chăm": ["Đàng", "Thành", "Quảng", "Lưu"],
}
MIDDLE_NAMES = {
    "M": {"Văn": 50, "Đức": 8, "Minh": 7, "Quang": 6, "Hữu": 6, "Công": 5, "Xuân": 4, "Ngọc": 3,
          "Thanh": 4, "Mạnh": 3, "Tiến": 2, "Duy": 2, "Đình": 5, "Trọng": 3, "Thế": 3},
    "F": {"Thị": 70, "Ngọc": 5, "Thu": 5, "Thanh": 4, "Minh": 3, "Phương": 3, "Hồng": 3,
          "Kim": 3, "Hải": 2, "Bích": 2},
}  # fmt: skip
GIVEN_NAMES = {
    "M": ["Hùng", "Dũng", "Tuấn", "Minh", "Hải", "Nam", "Sơn", "Thắng", "Long", "Cường", "Quân",
          "Hưng", "Trung", "Thành", "Hiếu", "Phong", "Bình", "Tùng", "Toàn", "Khánh", "Vinh",
          "Hòa", "Lâm", "Đạt", "Phúc", "Thịnh", "Chiến", "Tiến", "Lợi", "Quý", "Nghĩa", "Tâm",
          "Kiên", "Việt", "Huy", "Đông", "Bảo", "An", "Lực", "Thuận", "Hoan", "Tuyên"],
    "F": ["Hoa", "Lan", "Hương", "Hằng", "Mai", "Hà", "Thủy", "Nga", "Linh", "Huyền", "Trang",
          "Thảo", "Nhung", "Yến", "Phương", "Loan", "Liên", "Hạnh", "Dung", "Oanh", "Tuyết",
          "Vân", "Hồng", "Thu", "Ngọc", "Nhàn", "Xuân", "Hiền", "Thơm", "Lý", "Hậu", "Quyên",
          "Chi", "Uyên", "Sen", "Cúc", "Đào", "Lụa", "Nụ", "Thoa", "Huệ", "Gấm"],
}  # fmt: skip

# Village names: "Thôn Đồng Vàng", "Bản Khe Nghè".
VILLAGE_FIRST = [
    "Đồng", "Tân", "Hòa", "Bãi", "Khe", "Cầu", "Trại", "Gốc", "Hố", "Ao", "Hồ", "Bình", "Phú",
    "An", "Thanh", "Hạ", "Thượng", "Kép", "Trám", "Đèo", "Bến", "Núi", "Dốc", "Chợ", "Xóm",
    "Quyết", "Liên", "Thống", "Đình", "Mỏ",
]  # fmt: skip
VILLAGE_SECOND = [
    "Vàng", "Quan", "Sơn", "Lập", "Thành", "Tiến", "Mới", "Cả", "Chùa", "Trên", "Dưới",
    "Giữa", "Đông", "Tây", "Nam", "Bắc", "Trung", "Cao", "Thịnh", "Hưng", "Tâm", "Lợi",
    "Vượng", "Minh", "Sen", "Mai", "Tre", "Lim", "Dẻ", "Gạo", "Mận", "Vải", "Nhất", "Phúc",
]  # fmt: skip
MOUNTAIN_FIRST = ["Nà", "Khe", "Khuôn", "Pá", "Bản", "Đồng", "Lục", "Rừng", "Suối", "Đèo"]
MOUNTAIN_SECOND = ["Nghè", "Cáy", "Rào", "Mản", "Ó", "Hin", "Vặt", "Đẩy", "Pheo", "Tâu",
                   "Ké", "Chợ", "Mậu", "Dày", "Lường", "Tân", "Mới", "Trên", "Dưới"]  # fmt: skip

# Backgrounds by age: only those born by 1966 are retired, only the young lead the youth union.
LEADER_BACKGROUNDS = {
    "Trưởng ban công tác Mặt trận {place}": 55,
    "{head}": 20,
    "Bí thư chi bộ {place}": 20,
    "Cựu chiến binh": 5,
}
RETIRED_BACKGROUNDS = {
    "Cán bộ hưu trí": 35,
    "Giáo viên nghỉ hưu": 25,
    "Y sĩ nghỉ hưu": 8,
    "Cựu chiến binh": 17,
    "Trưởng dòng họ": 15,
}
MEMBER_BACKGROUNDS = {
    "{head}": 8,
    "Bí thư chi bộ {place}": 5,
    "Chi hội trưởng Hội Nông dân": 12,
    "Chi hội trưởng Hội Cựu chiến binh": 8,
    "Tổ viên tổ bảo vệ an ninh, trật tự ở cơ sở": 12,
    "Trưởng dòng họ": 5,
    "Luật gia": 2,
    "Nông dân": 14,
    "Kinh doanh tự do": 5,
    "Công nhân": 4,
}
YOUNG_BACKGROUNDS = {
    "Bí thư chi đoàn {place}": 25,
    "Tổ viên tổ bảo vệ an ninh, trật tự ở cơ sở": 25,
    "Nông dân": 15,
    "Kinh doanh tự do": 12,
    "Công nhân": 10,
    "Luật gia": 5,
    "Cựu chiến binh": 8,
}
WOMEN_BACKGROUND = "Chi hội trưởng Hội Liên hiệp Phụ nữ"
MINORITY_BACKGROUND = "Người có uy tín trong đồng bào dân tộc thiểu số"

SUPPORT_KINDS = {
    LegalSupport.Kind.POLICE: 30,
    LegalSupport.Kind.JURIST: 20,
    LegalSupport.Kind.LEGAL_OFFICIAL: 20,
    LegalSupport.Kind.LAWYER: 10,
    LegalSupport.Kind.ASSESSOR: 10,
    LegalSupport.Kind.FORMER_JUSTICE: 5,
    LegalSupport.Kind.OTHER: 5,
}
PROVINCE_AGENCIES = [
    "Sở Tư pháp", "Tòa án nhân dân tỉnh", "Viện kiểm sát nhân dân tỉnh", "Công an tỉnh",
    "Hội Luật gia tỉnh", "Đoàn Luật sư tỉnh", "Ủy ban MTTQ Việt Nam tỉnh", "Trường Chính trị tỉnh",
]  # fmt: skip
DISTRICT_AGENCIES = [
    "Phòng Tư pháp", "Tòa án nhân dân", "Viện kiểm sát nhân dân", "Công an", "Hội Luật gia",
    "Ủy ban MTTQ Việt Nam",
]  # fmt: skip
OFFICIAL_POSITIONS = [
    "Chủ tịch UBND {kind}",
    "Phó Chủ tịch UBND {kind}",
    "Công chức Tư pháp - Hộ tịch",
]
COMMUNE_WORD = {"ward": "phường", "township": "thị trấn", "commune": "xã"}

# (kind, title, publisher is a district, published on) of the province's materials; the
# synthetic provinces get one of each kind, sometimes not (target O1 then falls short).
BAC_GIANG_MATERIALS = [
    (Material.Kind.FOR_TRAINERS, "Tài liệu bồi dưỡng kỹ năng cho tập huấn viên hòa giải ở cơ sở",
     False, date(2024, 5, 20)),
    (Material.Kind.FOR_TRAINERS, "Bộ bài giảng mẫu theo Chương trình khung bồi dưỡng hòa giải viên",
     False, date(2025, 3, 10)),
    (Material.Kind.FOR_TRAINERS, "Tài liệu bồi dưỡng tập huấn viên (dự thảo cập nhật 2026)",
     False, None),
    (Material.Kind.FOR_MEDIATORS, "Sổ tay hòa giải viên ở cơ sở", False, date(2024, 6, 12)),
    (Material.Kind.FOR_MEDIATORS, "Tình huống hòa giải thường gặp ở cơ sở", False,
     date(2025, 1, 15)),
    (Material.Kind.FOR_MEDIATORS, "Kỹ năng hòa giải tranh chấp đất đai ở thôn, tổ dân phố", True,
     date(2025, 9, 8)),
    (Material.Kind.DISSEMINATION, "Tờ gấp: Luật Hòa giải ở cơ sở năm 2013", False,
     date(2024, 4, 2)),
    (Material.Kind.DISSEMINATION, "Tờ gấp: Quyền và nghĩa vụ của hòa giải viên", True,
     date(2024, 10, 21)),
    (Material.Kind.DISSEMINATION, "Video: Hòa giải viên - cầu nối tình làng nghĩa xóm", True,
     date(2025, 6, 30)),
    (Material.Kind.DISSEMINATION, "Bản tin Tư pháp: chuyên đề hòa giải ở cơ sở", False,
     date(2026, 2, 26)),
]  # fmt: skip
# What the library says of each (the demo's own words, not a real publication's).
MATERIAL_DESCRIPTIONS = {
    "Tài liệu bồi dưỡng kỹ năng cho tập huấn viên hòa giải ở cơ sở": (
        "Phương pháp tổ chức lớp bồi dưỡng, kỹ năng truyền đạt và đánh giá học viên dành cho "
        "tập huấn viên cấp tỉnh và cấp huyện."
    ),
    "Bộ bài giảng mẫu theo Chương trình khung bồi dưỡng hòa giải viên": (
        "Mười bài giảng mẫu kèm câu hỏi thảo luận, bám sát Chương trình khung của Bộ Tư pháp."
    ),
    "Sổ tay hòa giải viên ở cơ sở": (
        "Những điều hòa giải viên cần biết: trình tự hòa giải, quyền và nghĩa vụ, mẫu biên bản "
        "hòa giải thành và không thành."
    ),
    "Tình huống hòa giải thường gặp ở cơ sở": (
        "Hai mươi tình huống về mâu thuẫn gia đình, hàng xóm, đất đai và cách hòa giải viên xử lý."
    ),
    "Kỹ năng hòa giải tranh chấp đất đai ở thôn, tổ dân phố": (
        "Những lưu ý khi hòa giải tranh chấp ranh giới, lối đi và thừa kế quyền sử dụng đất."
    ),
    "Tờ gấp: Luật Hòa giải ở cơ sở năm 2013": (
        "Tóm tắt các nguyên tắc và phạm vi hòa giải ở cơ sở để phát cho người dân."
    ),
    "Tờ gấp: Quyền và nghĩa vụ của hòa giải viên": (
        "Tờ gấp phổ biến quyền, nghĩa vụ và chế độ hỗ trợ đối với hòa giải viên."
    ),
    "Video: Hòa giải viên - cầu nối tình làng nghĩa xóm": (
        "Phóng sự ngắn về một tổ hòa giải tiêu biểu, phát trên sóng phát thanh - truyền hình."
    ),
}
SYNTHETIC_MATERIALS = [
    (Material.Kind.FOR_TRAINERS, "Tài liệu bồi dưỡng tập huấn viên hòa giải ở cơ sở"),
    (Material.Kind.FOR_MEDIATORS, "Sổ tay hòa giải viên ở cơ sở"),
    (Material.Kind.DISSEMINATION, "Tờ gấp: Luật Hòa giải ở cơ sở năm 2013"),
]
# Links on a reserved domain (RFC 2606): clearly not a real publication.
LINK_BASE = "https://demo.example/tai-lieu"

# Province-wide success rate by year (target O8a: ≥ 85% by 2030) and in the pilot communes
# (O8b: > 90%); Bắc Giang's rates are steered into these bands, never exactly on a threshold.
BAC_GIANG_SUCCESS = {2024: (0.800, 0.812), 2025: (0.815, 0.827), 2026: (0.830, 0.842)}
BAC_GIANG_PILOT_SUCCESS = {2024: (0.880, 0.890), 2025: (0.888, 0.898), 2026: (0.904, 0.915)}


def _weighted(choices: dict) -> Callable[[random.Random], object]:
    """A picker over ``{value: weight}``: one ``random()`` call per pick (fast, deterministic)."""
    values = list(choices)
    cumulative = list(itertools.accumulate(choices.values()))
    total = cumulative[-1]

    def pick(rng):
        return values[bisect.bisect_right(cumulative, rng.random() * total)]

    return pick


def _day(rng, start: date, end: date) -> date:
    """A day between ``start`` and ``end`` inclusive (``start`` if the range is empty)."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, span)) if span > 0 else start


def _lower_first(name: str) -> str:
    """ "Huyện Yên Thế" → "huyện Yên Thế", as the unit's name reads inside a sentence."""
    return name[:1].lower() + name[1:]


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split())


def _decision(rng, day: date, issuer: str) -> str:
    return f"Quyết định số {rng.randint(100, 3999)}/QĐ-UBND ngày {day:%d/%m/%Y} của {issuer}"


_pick_family = _weighted(FAMILY_NAMES)
_pick_middle = {sex: _weighted(names) for sex, names in MIDDLE_NAMES.items()}
_pick_base_year = _weighted(BASE_YEARS)
_pick_leader_background = _weighted(LEADER_BACKGROUNDS)
_pick_member_background = _weighted(MEMBER_BACKGROUNDS)
_pick_retired_background = _weighted(RETIRED_BACKGROUNDS)
_pick_young_background = _weighted(YOUNG_BACKGROUNDS)
_pick_support_kind = _weighted(SUPPORT_KINDS)


def full_name(rng, sex: str, ethnicity: str = MAJORITY_ETHNICITY) -> str:
    """A Vietnamese full name, family name first ("Nguyễn Thị Hoa")."""
    families = MINORITY_FAMILY_NAMES.get(ethnicity)
    family = rng.choice(families) if families and rng.random() < 0.8 else _pick_family(rng)
    return f"{family} {_pick_middle[sex](rng)} {rng.choice(GIVEN_NAMES[sex])}"


# ---------------------------------------------------------------------------------------------
# Writing: bulk inserts, with history rows where asked.


class _Writer:
    """Bulk-inserts rows and counts them; with ``history``, one "+" history row for each."""

    def __init__(self, history: bool):
        self.history = history
        self.counts = Counter()
        # One timestamp for the whole run: the history says when the demo was loaded.
        self.when = timezone.now()

    def save(self, model, objs):
        if not objs:
            return
        fill_derived(objs)  # bulk inserts skip save(): the search column too
        # The imports' bulk path (network/bulk.py): COPY on PostgreSQL, executemany on
        # SQLite, for the rows and their history alike (simple-history's
        # bulk_create_with_history built and compiled a model instance per history row).
        insert(model, objs)
        if self.history:
            bulk_history(objs, model, CREATED, None, CHANGE_REASON, when=self.when)
        changed(model)  # bulk inserts send no signals: drop the cached reads of the model
        self.counts[model._meta.label] += len(objs)
        # With DEBUG on, Django keeps every query's SQL: at national scale that is hundreds of
        # megabytes of INSERT text nobody reads.
        reset_queries()


# ---------------------------------------------------------------------------------------------
# Units.


@dataclass
class _District:
    unit: AdminUnit
    communes: list[AdminUnit]
    minority_share: float  # of its rural teams in an ethnic-minority area
    mix: dict  # minority groups there, {ethnicity: weight}
    mountain: bool = False
    pick_group: Callable | None = None
    # Drawn when the district is seeded:
    trained_share: float = 0.0
    support_share: float = 0.0
    trainings: list = field(default_factory=list)  # mediator trainings, by date
    training_days: list = field(default_factory=list)
    teams: int = 0

    def __post_init__(self):
        self.pick_group = _weighted(self.mix) if self.mix else None


@dataclass
class _Province:
    unit: AdminUnit
    districts: list[_District]
    sizes: Sizes
    real: bool  # Bắc Giang (steered rates, its own materials) or synthetic
    pick_size: Callable | None = None

    def __post_init__(self):
        self.pick_size = _weighted(self.sizes.active_mediators)


def bac_giang_units() -> tuple[AdminUnit, list[tuple[AdminUnit, list[AdminUnit]]]]:
    """The real province 24 with its districts and their communes, by code: Bắc Giang as
    the plan found it (the code now names the new Bắc Ninh). Seeded after the 1/7/2025
    reform, the demo lands on the old communes: apply_reform_2025 then moves it."""
    province = AdminUnit.objects.by_code(BAC_GIANG, PLAN_FOUND_ON)
    communes = list(
        AdminUnit.objects.communes()
        .filter(parent__parent=province, is_demo=False)
        .select_related("parent")
        .order_by("code")
    )
    if province is None or not communes:
        raise DemoError(
            "The units of Bắc Giang are not loaded. "
            "Run: manage.py loaddata units_bac_giang plan targets"
        )
    districts = {}
    for commune in communes:
        districts.setdefault(commune.parent.code, (commune.parent, []))[1].append(commune)
    return province, [districts[code] for code in sorted(districts)]


def _bac_giang(sizes: Sizes) -> _Province:
    province, districts = bac_giang_units()
    plans = []
    for district, communes in districts:
        share, mix = BAC_GIANG_MINORITIES.get(district.code, (0.0, BAC_GIANG_MIX))
        plans.append(
            _District(district, communes, share, mix, mountain=district.code in MOUNTAIN_DISTRICTS)
        )
    return _Province(province, plans, sizes, real=True)


def _spread(rng, total: int, parts: int, low: int, high: int) -> list[int]:
    """``parts`` random counts between ``low`` and ``high`` that add up to ``total``."""
    counts = [rng.randint(low, high) for _ in range(parts)]
    while (gap := total - sum(counts)) != 0:
        index = rng.randrange(parts)
        step = 1 if gap > 0 else -1
        if low <= counts[index] + step <= high:
            counts[index] += step
    return counts


def _synthetic_provinces(rng, writer: _Writer, sizes: Sizes) -> list[_Province]:
    """62 provinces, 690 districts and 9,900 communes, all ``is_demo``.

    With Bắc Giang's that makes 63 provinces, 700 districts and ≈ 10,100 communes; fixed totals
    keep the national size near the real one whatever the seed.

    Codes avoid Bắc Giang's (24, 213–224, 07xxx): provinces 25–86, after 24 so that Bắc Giang
    stays the first province by code (the dashboard's and ``kpi``'s default unit), districts
    from 100 up skipping 213–224, communes from 40001 up (beyond every real commune code).
    """
    district_codes = (c for c in itertools.count(100) if not 213 <= c <= 224)
    commune_codes = itertools.count(40001)
    pick_region = _weighted({i: region[0] for i, region in enumerate(REGIONS)})

    provinces = [
        _new_unit(f"{number:02d}", f"Tỉnh Demo {number:02d}", AdminUnit.Level.PROVINCE, None)
        for number in range(int(BAC_GIANG) + 1, int(BAC_GIANG) + 63)
    ]
    writer.save(AdminUnit, provinces)

    districts = []  # (province index, unit, minority share, mix)
    district_counts = _spread(rng, SYNTHETIC_DISTRICTS, len(provinces), 8, 14)
    for index, province in enumerate(provinces):
        _, share_range, mix = REGIONS[pick_region(rng)]
        for position in range(district_counts[index]):
            code = next(district_codes)
            # A city first (the provincial capital), now and then a town, otherwise rural.
            prefix = "Thành phố" if position == 0 else "Thị xã" if rng.random() < 0.1 else "Huyện"
            unit = _new_unit(
                f"{code:03d}", f"{prefix} Demo {code:03d}", AdminUnit.Level.DISTRICT, province
            )
            districts.append((index, unit, rng.uniform(*share_range), mix))
    writer.save(AdminUnit, [unit for _, unit, _, _ in districts])

    plans = [[] for _ in provinces]
    all_communes = []
    commune_counts = _spread(rng, SYNTHETIC_COMMUNES, len(districts), 9, 20)
    for (index, district, share, mix), count in zip(districts, commune_counts, strict=True):
        communes = []
        for position in range(count):
            code = next(commune_codes)
            if district.kind == AdminUnit.Kind.CITY:
                prefix = "Phường" if rng.random() < 0.7 else "Xã"
            elif district.kind == AdminUnit.Kind.TOWN:
                prefix = "Phường" if rng.random() < 0.5 else "Xã"
            else:
                prefix = "Thị trấn" if position == 0 else "Xã"
            communes.append(
                _new_unit(f"{code:05d}", f"{prefix} Demo {code}", AdminUnit.Level.COMMUNE, district)
            )
        all_communes.extend(communes)
        plans[index].append(_District(district, communes, share, mix, mountain=share > 0.3))
    writer.save(AdminUnit, all_communes)
    return [
        _Province(province, districts, sizes, real=False)
        for province, districts in zip(provinces, plans, strict=True)
    ]


def _new_unit(code, name, level, parent):
    return AdminUnit(
        code=code, name=name, level=level, kind=kind_from_name(name), parent=parent, is_demo=True
    )


# ---------------------------------------------------------------------------------------------
# Teams and mediators.


def _team_names(rng, commune: AdminUnit, count: int, mountain: bool) -> list[str]:
    """Distinct names of the commune's villages (thôn, bản) or residential groups (tổ dân phố)."""
    if commune.kind in (AdminUnit.Kind.WARD, AdminUnit.Kind.TOWNSHIP):
        return [f"Tổ dân phố số {number}" for number in range(1, count + 1)]
    names = []
    while len(names) < count:
        if mountain and rng.random() < 0.3:
            first, second = rng.choice(MOUNTAIN_FIRST), rng.choice(MOUNTAIN_SECOND)
            word = "Bản" if rng.random() < 0.4 else "Thôn"
        else:
            first, second = rng.choice(VILLAGE_FIRST), rng.choice(VILLAGE_SECOND)
            word = "Thôn"
        name = f"{word} {first} {second}"
        if first != second and name not in names:
            names.append(name)
    return names


class _TeamBuilder:
    """One team and its mediators, active and former, with the defects drawn for it."""

    def __init__(self, rng, district: _District, commune: AdminUnit, name: str, pick_size):
        self.rng = rng
        self.district = district
        urban = commune.kind in (AdminUnit.Kind.WARD, AdminUnit.Kind.TOWNSHIP)
        self.place = "tổ dân phố" if urban else "thôn"
        self.head = "Tổ trưởng tổ dân phố" if urban else "Trưởng thôn"
        minority_area = not urban and rng.random() < district.minority_share
        self.team = MediationTeam(
            commune=commune, name=name, ethnic_minority_area=minority_area, is_demo=True
        )
        self.pick_group = district.pick_group
        self.main_group = self.pick_group(rng) if self.pick_group else None
        self.mediators: list[Mediator] = []
        self.pick_size = pick_size

    def build(self) -> tuple[MediationTeam, list[Mediator]]:
        rng = self.rng
        new_team = rng.random() < NEW_TEAM_SHARE
        if new_team:
            base = _day(rng, NEW_FROM, date(2026, 6, 30))
        else:
            year = _pick_base_year(rng)
            base = _day(rng, date(year, 1, 1), date(year, 12, 31))
        short = rng.random() < SHORT_TEAM_SHARE
        no_leader = rng.random() < NO_LEADER_SHARE
        no_woman = rng.random() < NO_WOMAN_SHARE
        no_minority = self.team.ethnic_minority_area and rng.random() < NO_MINORITY_SHARE
        size = rng.choice((1, 2, 2, 2)) if short else self.pick_size(rng)

        active = []
        for position in range(size):
            leader = position == 0 and not no_leader
            recognised = base
            if not new_team:
                draw = rng.random()
                if draw < NEWCOMER_SHARE:
                    recognised = _day(rng, max(NEW_FROM, base + timedelta(days=180)), LAST_DAY)
                    if rng.random() < REPLACEMENT_SHARE:
                        left = recognised - timedelta(days=rng.randint(0, 60))
                        self._former(base, left, leader=leader)
                elif draw < NEWCOMER_SHARE + 0.15:
                    recognised = _day(rng, base, max(base, date(2023, 12, 31)))
            active.append(self._mediator(recognised, leader=leader))

        if no_leader and not new_team and rng.random() < 0.5:
            # The leader left and nobody has been recognised in the post since.
            left = _day(rng, max(NEW_FROM, base + timedelta(days=90)), LAST_DAY)
            self._former(base, left, leader=True)
        elif (
            not no_leader
            and not new_team
            and rng.random() < LEADER_TURNOVER_SHARE
            and active[0].recognised_on == base
        ):
            # The first leader left; a new one was recognised within the month.
            left = _day(rng, max(date(2021, 1, 1), base + timedelta(days=180)), LAST_DAY)
            active[0].recognised_on = min(left + timedelta(days=rng.randint(0, 30)), LAST_DAY)
            active[0].birth_year = rng.randint(1960, 1985)
            self._former(base, left, leader=True)
        if short and not new_team:
            # Members who left without being replaced.
            for _ in range(rng.randint(1, 2)):
                start = max(date(2022, 1, 1), base + timedelta(days=180))
                self._former(base, _day(rng, start, LAST_DAY))

        self._compose(active, no_woman=no_woman, no_minority=no_minority)
        if no_woman and not new_team and rng.random() < 0.5:
            start = max(NEW_FROM, base + timedelta(days=180))
            self._former(base, _day(rng, start, LAST_DAY), sex=Mediator.Sex.FEMALE)
        for mediator in self.mediators:
            self._finish(mediator)
        self.team.established_on = min(m.recognised_on for m in self.mediators)
        return self.team, self.mediators

    def _mediator(self, recognised_on, *, leader=False, left_on=None, sex=None):
        rng = self.rng
        if sex is None:
            female = rng.random() < (0.25 if leader else 0.51)
            sex = Mediator.Sex.FEMALE if female else Mediator.Sex.MALE
        mediator = Mediator(
            team=self.team,
            sex=sex,
            role=Mediator.Role.LEADER if leader else Mediator.Role.MEMBER,
            recognised_on=min(recognised_on, LAST_DAY),
            left_on=left_on,
            ethnicity=self._ethnicity(),
            is_demo=True,
        )
        if leader:
            mediator.birth_year = rng.randint(1952, 1980)
        elif recognised_on >= NEW_FROM:
            mediator.birth_year = int(rng.triangular(1965, 2000, 1985))
        else:
            mediator.birth_year = int(rng.triangular(1950, 2000, 1966))
        self.mediators.append(mediator)
        return mediator

    def _former(self, recognised_on, left_on, *, leader=False, sex=None):
        left_on = max(min(left_on, LAST_DAY), recognised_on + timedelta(days=30))
        mediator = self._mediator(recognised_on, leader=leader, left_on=left_on, sex=sex)
        mediator.birth_year = int(self.rng.triangular(1950, 1985, 1956))
        return mediator

    def _ethnicity(self, force_minority=False):
        rng = self.rng
        if self.pick_group is None:
            return MAJORITY_ETHNICITY
        share = 0.55 if self.team.ethnic_minority_area else 0.02
        if force_minority or rng.random() < share:
            return self.main_group if rng.random() < 0.8 else self.pick_group(rng)
        return MAJORITY_ETHNICITY

    def _compose(self, active, *, no_woman, no_minority):
        """Make the active members meet the Law, except for the defects drawn for the team."""
        rng = self.rng
        if no_woman:
            for mediator in active:
                mediator.sex = Mediator.Sex.MALE
        elif not any(m.sex == Mediator.Sex.FEMALE for m in active):
            members = [m for m in active if m.role == Mediator.Role.MEMBER] or active
            rng.choice(members).sex = Mediator.Sex.FEMALE
        if self.team.ethnic_minority_area:
            if no_minority:
                for mediator in active:
                    mediator.ethnicity = MAJORITY_ETHNICITY
            elif all(m.ethnicity == MAJORITY_ETHNICITY for m in active):
                rng.choice(active).ethnicity = self._ethnicity(force_minority=True)

    def _finish(self, mediator):
        rng = self.rng
        mediator.full_name = full_name(rng, mediator.sex, mediator.ethnicity)
        born = mediator.birth_year
        if born <= 1966 and rng.random() < 0.4:
            background = _pick_retired_background(rng)
        elif mediator.role == Mediator.Role.LEADER:
            background = _pick_leader_background(rng)
        elif mediator.sex == Mediator.Sex.FEMALE and rng.random() < 0.3:
            background = WOMEN_BACKGROUND
        elif mediator.ethnicity != MAJORITY_ETHNICITY and rng.random() < 0.2:
            background = MINORITY_BACKGROUND
        elif born >= 1985:
            background = _pick_young_background(rng)
        else:
            background = _pick_member_background(rng)
        mediator.background = background.format(place=self.place, head=self.head)
        # Most could reach the Ministry's material set once it was out (target O7).
        start = max(mediator.recognised_on, MATERIAL_SET_OUT)
        end = min(mediator.left_on or LAST_DAY, LAST_DAY)
        if start < end and rng.random() < (0.93 if mediator.left_on is None else 0.6):
            mediator.material_access_on = min(start + timedelta(days=rng.randint(0, 150)), end)


def _supports(rng, team: MediationTeam) -> list[LegalSupport]:
    supports = []
    for _ in range(2 if rng.random() < 0.1 else 1):
        if rng.random() < 0.6:
            start = _day(rng, max(team.established_on, NEW_FROM), LAST_DAY)
        else:
            start = _day(rng, max(team.established_on, date(2020, 1, 1)), LAST_DAY)
        end = None
        if rng.random() < 0.12:
            end = start + timedelta(days=rng.randint(180, 900))
            end = end if end < LAST_DAY else None
        kind = _pick_support_kind(rng)
        name = "" if rng.random() < 0.1 else full_name(rng, rng.choice("MMF"))
        supports.append(
            LegalSupport(
                team=team,
                kind=kind,
                supporter_name=name,
                start_on=start,
                end_on=end,
                is_demo=True,
            )
        )
    return supports


# ---------------------------------------------------------------------------------------------
# Trainers and trainings.


def _district_trainings(rng, province: _Province, district: _District) -> list[Training]:
    """The district's courses for mediators (Framework Programme), every two months or so."""
    where = _lower_first(district.unit.name)
    trainings = []
    for year in YEARS:
        last_month = LAST_DAY.month if year == LAST_DAY.year else 12
        count = rng.randint(*province.sizes.mediator_trainings_per_year)
        months = sorted(rng.sample(range(2, last_month + 1), min(count, last_month - 1)))
        for number, month in enumerate(months, start=1):
            if rng.random() < 0.3:
                place = f"Hội trường UBND {_lower_first(rng.choice(district.communes).name)}"
            else:
                place = rng.choice(("Hội trường UBND ", "Trung tâm Chính trị ")) + where
            trainings.append(
                Training(
                    title=f"Tập huấn nghiệp vụ hòa giải ở cơ sở năm {year} (lớp {number})",
                    held_on=date(year, month, rng.randint(5, 25)),
                    organiser=district.unit,
                    level=Training.Level.DISTRICT,
                    audience=Training.Audience.MEDIATORS,
                    programme=Training.Programme.FRAMEWORK,
                    place=place,
                    is_demo=True,
                )
            )
    return trainings


def _mediator_courses(rng, district: _District, mediator: Mediator) -> list[Training]:
    """The district courses a mediator attended: held on or after recognition, before leaving.

    Of the newly recognised, most are trained within six months (target O6b), some later,
    some not yet; of the others, the district's share is trained over 2024–2026 (O6a).
    """
    days, trainings = district.training_days, district.trainings
    recognised, left = mediator.recognised_on, mediator.left_on or date.max
    first = bisect.bisect_left(days, recognised)
    end = bisect.bisect_left(days, left)
    if first >= end:
        return []
    if recognised >= NEW_FROM:
        draw = rng.random()
        deadline = bisect.bisect_right(days, add_months(recognised, 6), first, end)
        if draw < 0.84 and first < deadline:
            chosen = rng.randrange(first, deadline)
        elif draw < 0.93 and deadline < end:
            chosen = rng.randrange(deadline, end)
        else:
            return []
    else:
        if rng.random() >= district.trained_share:
            return []
        # Most of the existing mediators were trained early in the plan.
        year = rng.choices(YEARS, weights=(45, 35, 20))[0]
        in_year = [i for i in range(first, end) if trainings[i].held_on.year == year] or list(
            range(first, end)
        )
        chosen = rng.choice(in_year)
    courses = [trainings[chosen]]
    if rng.random() < 0.15 and chosen + 1 < end:
        courses.append(trainings[rng.randrange(chosen + 1, end)])  # a refresher course
    return courses


def _trainers(rng, province: _Province) -> list[Trainer]:
    """The provincial pool (plan task 3.1: 23–25 people) and the district pools (3.2)."""
    trainers = []
    pool_day = _day(rng, date(2024, 2, 20), date(2024, 3, 15))
    if province.real:
        size = 25
    else:
        teams = sum(d.teams for d in province.districts)
        size = max(10, min(40, round(teams / 100 * rng.uniform(0.7, 1.3))))
    for position in range(size):
        later = position >= size - 3
        start = _day(rng, date(2025, 3, 1), date(2025, 3, 20)) if later else pool_day
        trainer = _trainer(rng, province.unit, Trainer.Level.PROVINCE, start)
        trainer.agency = rng.choice(PROVINCE_AGENCIES)
        if position == 1:
            trainer.active_to = date(2025, 8, 31)  # one member left the pool
        trainers.append(trainer)

    for district in province.districts:
        needed = math.ceil(district.teams / 80)  # target O2a: one per 80 teams
        if rng.random() < 0.6:
            count = needed + (1 if rng.random() < 0.3 else 0)
        else:
            count = max(1, needed - 1)
        decision_day = _day(rng, date(2024, 4, 1), date(2024, 9, 30))
        for _ in range(count):
            start = decision_day if rng.random() < 0.8 else _day(rng, date(2025, 2, 1), LAST_DAY)
            trainer = _trainer(rng, district.unit, Trainer.Level.DISTRICT, start)
            agency = rng.choice(DISTRICT_AGENCIES)
            trainer.agency = f"{agency} {_lower_first(district.unit.name)}"
            if rng.random() < 0.05 and start < date(2025, 6, 1):
                trainer.active_to = _day(rng, date(2025, 6, 1), LAST_DAY)
            trainers.append(trainer)
    return trainers


def _trainer(rng, unit, level, start):
    received = None
    if rng.random() < 0.95:
        received = min(start + timedelta(days=rng.randint(0, 60)), LAST_DAY)
    return Trainer(
        full_name=full_name(rng, "F" if rng.random() < 0.4 else "M"),
        level=level,
        unit=unit,
        active_from=start,
        materials_received_on=received,
        is_demo=True,
    )


def _province_trainings(rng, province: _Province, audience) -> list[Training]:
    """One provincial course a year for the trainers, or for the commune officials."""
    where = _lower_first(province.unit.name)
    trainings = []
    for year in YEARS:
        if audience == Training.Audience.TRAINERS:
            title = f"Bồi dưỡng nghiệp vụ cho tập huấn viên hòa giải ở cơ sở năm {year}"
            held_on = date(year, rng.randint(5, 6), rng.randint(5, 25))
            programme = Training.Programme.FRAMEWORK
        else:
            title = (
                "Tập huấn công tác hòa giải ở cơ sở cho lãnh đạo UBND cấp xã và công chức "
                f"Tư pháp - Hộ tịch năm {year}"
            )
            held_on = date(year, rng.randint(7, 9), rng.randint(5, 25))
            programme = Training.Programme.OTHER
        trainings.append(
            Training(
                title=title,
                held_on=held_on,
                organiser=province.unit,
                level=Training.Level.PROVINCE,
                audience=audience,
                programme=programme,
                place=f"Hội trường Sở Tư pháp {where}",
                is_demo=True,
            )
        )
    return trainings


def _officials(rng, province: _Province, training: Training) -> list[OfficialAttendance]:
    rows = []
    for district in province.districts:
        for commune in district.communes:
            if rng.random() >= 0.65:
                continue
            for position in rng.sample(OFFICIAL_POSITIONS, rng.randint(1, 2)):
                rows.append(
                    OfficialAttendance(
                        training=training,
                        full_name=full_name(rng, "F" if rng.random() < 0.4 else "M"),
                        position=position.format(kind=COMMUNE_WORD.get(commune.kind, "xã")),
                        commune=commune,
                    )
                )
    return rows


# ---------------------------------------------------------------------------------------------
# Materials, pilot and model communes, case figures.


def _materials(rng, province: _Province) -> list[Material]:
    if province.real:
        specs = BAC_GIANG_MATERIALS
    else:
        specs = [
            (kind, title, rng.random() < 0.3, _day(rng, date(2024, 3, 1), date(2025, 12, 31)))
            for kind, title in SYNTHETIC_MATERIALS
            if rng.random() < 0.85
        ]
    materials = []
    for kind, title, by_district, published_on in specs:
        publisher = rng.choice(province.districts).unit if by_district else province.unit
        # A draft too has its link (the library shows it once published): exactly one of
        # file and link (Material.clean).
        year = published_on.year if published_on else "du-thao"
        link = f"{LINK_BASE}/{publisher.code}/{year}/{_slug(title)}"
        materials.append(
            Material(
                title=title,
                kind=kind,
                description=MATERIAL_DESCRIPTIONS.get(title, ""),
                link=link,
                published_on=published_on,
                publisher=publisher,
                is_demo=True,
            )
        )
    return materials


def _pilots(rng, province: _Province) -> list[PilotCommune]:
    """One pilot commune per district for 2024–2026 (plan task 2.1)."""
    pilots = []
    for district in province.districts:
        issuer = f"UBND {_lower_first(district.unit.name)}"
        pilots.append(
            PilotCommune(
                commune=rng.choice(district.communes),
                start_year=2024,
                end_year=2026,
                decision=_decision(rng, _day(rng, date(2024, 2, 1), date(2024, 4, 30)), issuer),
                is_demo=True,
            )
        )
    return pilots


def _model_communes(rng, province: _Province, pilots) -> list[ModelCommune]:
    """3–6% of the communes recognised over 2024–2026, more each year, pilots first in line."""
    communes = [c for d in province.districts for c in d.communes]
    total = max(1, round(len(communes) * rng.uniform(0.03, 0.06)))
    pilot_communes = [p.commune for p in pilots]
    rng.shuffle(pilot_communes)
    others = [c for c in communes if c not in pilot_communes]
    rng.shuffle(others)
    chosen = (pilot_communes[: total // 2] + others)[:total]
    # About a quarter in 2024, a third in 2025, the rest in 2026.
    first_2025, first_2026 = round(total * 0.25), round(total * 0.58)
    issuer = f"UBND {_lower_first(province.unit.name)}"
    rows = []
    for index, commune in enumerate(chosen):
        year = 2024 if index < first_2025 else 2025 if index < first_2026 else 2026
        rows.append(
            ModelCommune(
                commune=commune,
                year=year,
                decision=_decision(rng, _day(rng, date(year, 10, 1), date(year, 10, 31)), issuer),
                is_demo=True,
            )
        )
    return rows


def _case_figures(rng, province: _Province, pilots) -> list:
    """Case figures for every commune and year: received = successful + unsuccessful + pending.

    A commune that already has its line for a year (real figures, or the registry counts of a
    real team) keeps it: demo data never overwrites other rows.
    """
    CommuneYear = _commune_year_model()
    pilot_ids = {p.commune.pk for p in pilots}
    taken = set()
    if province.real:
        taken = set(
            CommuneYear.objects.filter(
                commune__in=[c for d in province.districts for c in d.communes], year__in=YEARS
            ).values_list("commune_id", "year")
        )
    if province.real:
        targets = {y: sum(band) / 2 for y, band in BAC_GIANG_SUCCESS.items()}
        pilot_targets = {y: sum(band) / 2 for y, band in BAC_GIANG_PILOT_SUCCESS.items()}
    else:
        base = rng.uniform(0.80, 0.90)
        targets = {y: base + 0.01 * (y - 2025) for y in YEARS}
        pilot_targets = {y: min(0.97, rate + 0.05) for y, rate in targets.items()}
    rows = []
    for year in YEARS:
        lines, pilot_lines = [], []
        for district in province.districts:
            for commune in district.communes:
                pilot = commune.pk in pilot_ids
                if pilot:
                    rate = pilot_targets[year] + rng.uniform(-0.04, 0.04)
                else:
                    rate = targets[year] + rng.uniform(-0.10, 0.08)
                received = rng.randint(*province.sizes.cases_per_commune)
                successful = min(received, round(received * rate))
                rest = received - successful
                in_progress = min(rest, round(rest * rng.uniform(0, 0.4)))
                line = CommuneYear(
                    commune=commune,
                    year=year,
                    cases_received=received,
                    cases_successful=successful,
                    cases_unsuccessful=rest - in_progress,
                    cases_in_progress=in_progress,
                    is_demo=True,
                )
                if (commune.pk, year) not in taken:
                    (pilot_lines if pilot else lines).append(line)
        if province.real:
            _steer(rng, pilot_lines, *BAC_GIANG_PILOT_SUCCESS[year])
            # The pilots count in the province too: steer the others around them.
            _steer(rng, lines, *BAC_GIANG_SUCCESS[year], fixed=pilot_lines)
        rows.extend(lines)
        rows.extend(pilot_lines)
    rows.sort(key=lambda row: (row.year, row.commune.code))
    return rows


def _steer(rng, lines, low, high, fixed=()):
    """Move single cases between successful and unsuccessful until low ≤ rate ≤ high."""
    received = sum(r.cases_received for r in itertools.chain(lines, fixed))
    successful = sum(r.cases_successful for r in itertools.chain(lines, fixed))
    if not received:
        return
    while successful < low * received:
        candidates = [r for r in lines if r.cases_unsuccessful]
        if not candidates:
            return
        line = rng.choice(candidates)
        line.cases_unsuccessful -= 1
        line.cases_successful += 1
        successful += 1
    while successful > high * received:
        candidates = [r for r in lines if r.cases_successful]
        if not candidates:
            return
        line = rng.choice(candidates)
        line.cases_successful -= 1
        line.cases_unsuccessful += 1
        successful -= 1


def _app_model(app_label, name):
    # network never imports reports or plans (DESIGN §2): the demo reaches them by name.
    return apps.get_model(app_label, name)


def _commune_year_model():
    # Seeding spans the registry and the reports' case figures; a lookup by name keeps network
    # free of an import of reports (DESIGN §2: network never imports reports).
    return apps.get_model("reports", "CommuneYear")


# ---------------------------------------------------------------------------------------------
# One province.


def _seed_province(rng, province: _Province, writer: _Writer, teams_per_commune=None):
    teams, mediators, supports = [], [], []
    mediator_district = []
    team_range = teams_per_commune or province.sizes.teams_per_commune
    for district in province.districts:
        district.trained_share = rng.uniform(0.72, 0.88)
        district.support_share = rng.uniform(0.05, 0.16)
        district.trainings = _district_trainings(rng, province, district)
        district.trainings.sort(key=lambda t: t.held_on)
        district.training_days = [t.held_on for t in district.trainings]
        for commune in district.communes:
            names = _team_names(rng, commune, rng.randint(*team_range), district.mountain)
            for name in names:
                builder = _TeamBuilder(rng, district, commune, name, province.pick_size)
                team, members = builder.build()
                teams.append(team)
                district.teams += 1
                mediators.extend(members)
                mediator_district.extend([district] * len(members))
                if rng.random() < district.support_share:
                    supports.extend(_supports(rng, team))

    trainers = _trainers(rng, province)
    trainer_courses = _province_trainings(rng, province, Training.Audience.TRAINERS)
    official_courses = _province_trainings(rng, province, Training.Audience.OFFICIALS)
    mediator_courses = [t for d in province.districts for t in d.trainings]

    writer.save(MediationTeam, teams)
    writer.save(Mediator, mediators)
    writer.save(LegalSupport, supports)
    writer.save(Trainer, trainers)
    writer.save(Training, trainer_courses + official_courses + mediator_courses)

    writer.save(
        MediatorAttendance,
        [
            MediatorAttendance(training=course, mediator=mediator)
            for mediator, district in zip(mediators, mediator_district, strict=True)
            for course in _mediator_courses(rng, district, mediator)
        ],
    )
    trainer_rows = []
    for course in trainer_courses:
        for trainer in trainers:
            active = trainer.active_from <= course.held_on and (
                trainer.active_to is None or trainer.active_to > course.held_on
            )
            if active and rng.random() < 0.88:
                trainer_rows.append(TrainerAttendance(training=course, trainer=trainer))
    writer.save(TrainerAttendance, trainer_rows)
    writer.save(
        OfficialAttendance,
        [row for course in official_courses for row in _officials(rng, province, course)],
    )

    writer.save(Material, _materials(rng, province))
    pilots = _pilots(rng, province)
    writer.save(PilotCommune, pilots)
    writer.save(ModelCommune, _model_communes(rng, province, pilots))
    return _case_figures(rng, province, pilots)


def _fill_registry_figures(lines, commune_ids=None):
    """Give the new commune-year lines their registry counts before they are inserted.

    The recount that follows the commit then finds them current: updating 30,000 lines in
    bulk costs minutes at national scale, counting them costs seconds.
    """
    for year in YEARS:
        figures = commune_figures(year, commune_ids)
        for line in lines:
            if line.year == year:
                for key, value in figures.get(line.commune.pk, {}).items():
                    setattr(line, key, value)


# ---------------------------------------------------------------------------------------------
# Entry points.


def seed_demo(
    scale: str,
    seed: int,
    *,
    history: bool = True,
    teams_per_commune: tuple[int, int] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Counter:
    """Create the demo data set; return the number of rows created per model label.

    ``teams_per_commune`` overrides the number of teams per commune (tests use a small one to
    stay fast; the command always uses the real sizes).
    """
    if scale not in SCALES:
        raise DemoError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}.")
    if demo_exists():
        raise DemoError("Demo data is already present: remove it first (seed_demo --clear).")
    if not connection.features.can_return_rows_from_bulk_insert:
        # Children point at the parents' ids: they must come back from the bulk inserts.
        raise DemoError(
            "seed_demo needs a database that returns ids from bulk inserts, "
            f"not {connection.vendor}."
        )
    started = time.monotonic()

    def report(message):
        if progress:
            progress(f"  {time.monotonic() - started:6.1f} s  {message}")

    writer = _Writer(history)
    lines = []
    with transaction.atomic():
        provinces = [_bac_giang(BAC_GIANG_SIZES)]
        if scale == NATIONAL:
            units_rng = random.Random(f"{seed}:units")
            provinces += _synthetic_provinces(units_rng, writer, SYNTHETIC_SIZES)
            report("synthetic units")
        for number, province in enumerate(provinces, start=1):
            # One generator per province: each province's data depends only on the seed and its
            # code, so Bắc Giang is the same at both scales.
            rng = random.Random(f"{seed}:{province.unit.code}")
            lines += _seed_province(rng, province, writer, teams_per_commune)
            if number % 10 == 0 or number == len(provinces):
                report(f"{number}/{len(provinces)} provinces")
        communes = None
        if scale == PROVINCE:
            communes = {commune.pk for d in provinces[0].districts for commune in d.communes}
        _fill_registry_figures(lines, communes)
        writer.save(_commune_year_model(), lines)
        report("commune-year lines")
        # Bulk inserts send no model signals: announce the changed communes once, and their
        # registry figures (reports' commune-year counts) are recounted when this commits.
        announce(communes)
    report("committed (commune-year figures recounted)")
    return writer.counts


def flagged_models() -> list:
    """The models whose rows carry ``is_demo``."""
    return [
        AdminUnit,
        MediationTeam,
        Mediator,
        Trainer,
        LegalSupport,
        Training,
        Material,
        PilotCommune,
        ModelCommune,
        _commune_year_model(),
        _app_model("reports", "YearlyReport"),
        _app_model("plans", "Activity"),
    ]


def demo_exists() -> bool:
    return any(model.objects.filter(is_demo=True).exists() for model in flagged_models())


def _doomed() -> list[tuple]:
    """What ``clear_demo`` deletes, model by model, dependants first.

    Attendance and legal support rows go with their demo training, person or team, as
    ``on_delete=CASCADE`` would take them.
    """
    demo = Q(is_demo=True)
    level = AdminUnit.Level
    return [
        (MediatorAttendance, Q(training__is_demo=True) | Q(mediator__is_demo=True)),
        (TrainerAttendance, Q(training__is_demo=True) | Q(trainer__is_demo=True)),
        (OfficialAttendance, Q(training__is_demo=True)),
        (LegalSupport, demo | Q(team__is_demo=True)),
        (Mediator, demo),
        (MediationTeam, demo),
        (Trainer, demo),
        (Training, demo),
        (Material, demo),
        (PilotCommune, demo),
        (ModelCommune, demo),
        # Demo progress (plans.demo): evidence and activities; the statuses are reset below.
        (_app_model("plans", "Evidence"), Q(activity__is_demo=True)),
        (_app_model("plans", "Activity"), demo),
        # Demo reports (reports.demo) and what hangs off them; raw deletes do not cascade.
        (
            _app_model("reports", "Notice"),
            Q(report__is_demo=True) | Q(event__report__is_demo=True) | Q(unit__is_demo=True),
        ),
        (_app_model("reports", "ReportEvent"), Q(report__is_demo=True)),
        (_app_model("reports", "GroupResult"), Q(report__is_demo=True)),
        (_app_model("reports", "YearlyReport"), demo | Q(unit__is_demo=True)),
        # A demo commune's lines are demo data too, even those the figures service added.
        (_commune_year_model(), demo | Q(commune__is_demo=True)),
        (Succession, Q(predecessor__is_demo=True) | Q(successor__is_demo=True)),
        (AdminUnit, demo & Q(level=level.COMMUNE)),
        (AdminUnit, demo & Q(level=level.DISTRICT)),
        (AdminUnit, demo & Q(level=level.PROVINCE)),
    ]


def _blockers(doomed) -> list[str]:
    """Rows outside the demo data that point at demo rows and would be left dangling."""
    deleted = {}
    for model, condition in doomed:
        deleted[model] = deleted[model] | condition if model in deleted else condition
    flagged = set(flagged_models())
    problems = []
    for model in apps.get_models(include_auto_created=True):
        for fk in model._meta.concrete_fields:
            if not fk.many_to_one and not fk.one_to_one:
                continue
            if fk.related_model not in flagged or not fk.db_constraint:
                continue  # history rows keep plain ids (no constraint): they never block
            referring = model._default_manager.filter(**{f"{fk.name}__is_demo": True})
            if model in deleted:
                referring = referring.exclude(deleted[model])
            count = referring.count()
            if count:
                problems.append(
                    f"{count} {model._meta.label} row(s) that are not demo data point at demo "
                    f"{fk.related_model._meta.label} rows ({fk.name}): delete or reassign them "
                    "first."
                )
    return problems


def clear_demo() -> Counter:
    """Delete every demo row and its history; return the number deleted per model label.

    Raw deletes, in dependency order: Django's cascade collector would load each of the
    550,000 national-scale mediators and write a deletion history row for it. The history rows
    of demo rows (they carry ``is_demo`` too) go with them: the audit trail keeps no trace of
    synthetic data.
    """
    doomed = _doomed()
    counts = Counter()
    with transaction.atomic():
        problems = _blockers(doomed)
        if problems:
            raise DemoError("Cannot remove the demo data:\n" + "\n".join(problems))
        touched = _real_communes_touched()
        # The plan's responsibilities are real rows: only their demo statuses go back.
        responsibility = _app_model("plans", "Responsibility")
        responsibility.objects.filter(status_is_demo=True).update(
            status="not_started", status_is_demo=False
        )
        changed(responsibility)  # a queryset update sends no signals
        # History first: some of it is found through the live demo rows.
        for model, condition in doomed:
            history = _history_model(model)
            if history is not None:
                queryset = history._default_manager.filter(condition)
                queryset._raw_delete(queryset.db)
        for model, condition in doomed:
            queryset = model._default_manager.filter(condition)
            deleted = queryset._raw_delete(queryset.db)
            if deleted:
                counts[model._meta.label] += deleted
        # Real communes lost demo teams, mediators or attendance: recount their figures on
        # commit (the demo communes are gone with their lines).
        if touched:
            announce(touched)
    return counts


def _real_communes_touched() -> set:
    """Real communes whose registry figures change when the demo rows go."""
    teams = MediationTeam.objects.filter(is_demo=True, commune__is_demo=False)
    return (
        set(teams.values_list("commune_id", flat=True))
        | set(
            LegalSupport.objects.filter(is_demo=True, team__is_demo=False).values_list(
                "team__commune_id", flat=True
            )
        )
        | set(
            MediatorAttendance.objects.filter(
                training__is_demo=True, mediator__is_demo=False
            ).values_list("mediator__team__commune_id", flat=True)
        )
    )


def _history_model(model):
    manager = getattr(model, "history", None)
    return manager.model if manager is not None else None
