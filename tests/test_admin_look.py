"""The admin as a civil servant reads it (issue 19, item 9): Vietnamese that Django's own
catalog gets wrong, counts with their thousands grouped, teams in natural order, the
portal's colours, and the accent-insensitive mediator search on the stored folded name."""

import io
import json
import re
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from hoagiai.text import fold, natural_key
from network.imports import MediatorExcel
from network.models import MediationTeam, Mediator
from reports import reform

from . import factories
from .test_commune_officers import SUCCESSORS

pytestmark = pytest.mark.django_db


def changelist(client, user, model, **query) -> str:
    client.force_login(user)
    response = client.get(reverse(f"admin:network_{model}_changelist"), query)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_admins_words_read_right(client, province_staff):
    factories.team("Thôn Đông")  # the actions bar shows with a row
    page = changelist(client, province_staff, "mediationteam")
    assert "Thêm tổ hòa giải" in page and "Thêm vào" not in page
    assert "Thao tác:" in page and "Hoạt động:" not in page
    assert "Thực hiện" in page
    assert "Theo huyện" in page and "Bởi" not in page


def test_the_selection_counter_reads_right_in_both_catalogs(client, province_staff):
    factories.team("Thôn Đông")
    page = changelist(client, province_staff, "mediationteam")
    assert "Đã chọn 0/1" in page and "của" not in page.split("action-counter")[1][:80]
    team = MediationTeam.objects.get()
    assert (
        f'<input type="checkbox" name="_selected_action" value="{team.pk}" class="action-select"'
        in page
    )
    # The admin's JavaScript rewrites the counter from its own catalog.
    catalog = client.get(reverse("admin:jsi18n")).content.decode()
    wording = "Đã chọn %(sel)s/%(cnt)s"
    assert wording in catalog or json.dumps(wording)[1:-1] in catalog  # raw or \u-escaped


def test_counts_have_their_thousands_grouped(client, province_staff):
    commune = factories.commune()
    teams = [MediationTeam(commune=commune, name=f"Thôn {n}") for n in range(1, 1002)]
    for team in teams:
        team.fill_derived()
    MediationTeam.objects.bulk_create(teams)
    factories.team("Tổ dân phố Cầu")
    page = changelist(client, province_staff, "mediationteam")
    assert "1.002 tổ hòa giải" in page
    searched = changelist(client, province_staff, "mediationteam", q="thon")
    assert "1.001 kết quả" in searched and "tổng số 1.002" in searched


def test_teams_sort_naturally(client, province_staff):
    for name in ("Tổ 10", "Tổ 2", "Tổ 1", "Thôn Đông"):
        factories.team(name)
    names = list(MediationTeam.objects.values_list("name", flat=True))
    assert names == ["Thôn Đông", "Tổ 1", "Tổ 2", "Tổ 10"]
    page = changelist(client, province_staff, "mediationteam")
    shown = re.findall(r'<th class="field-name"><a [^>]*>([^<]*)</a>', page)
    assert [name for name in shown if name.startswith("Tổ")] == ["Tổ 1", "Tổ 2", "Tổ 10"]


def test_a_renamed_team_keeps_its_sort_key(db):
    # Two wards with a "Tổ dân phố số 2" merge on 1/7/2025: the reform renames one in bulk.
    factories.team("Tổ dân phố số 2", "07201")
    factories.team("Tổ dân phố số 2", "07207")
    reform.apply(SUCCESSORS)
    teams = list(MediationTeam.objects.all())
    assert any("cũ" in team.name for team in teams)
    assert all(team.sort_name == natural_key(team.name) for team in teams)


def test_the_admin_has_the_portals_colours(client, province_staff):
    page = changelist(client, province_staff, "mediationteam")
    assert "/static/css/admin.css" in page
    css = client.get("/static/css/admin.css")
    if css.status_code == 200:  # served in tests only with the static files app's finder
        assert b"#8a1c1c" in b"".join(css.streaming_content)


@pytest.fixture
def people(district_a, district_b):
    team = factories.team("Thôn Đông", "07201")  # Phường Thọ Xương
    other = factories.team("Thôn Tây", district_b.children.first().code)
    return {
        "anh": factories.mediator(team, "Nguyễn Văn Ánh"),
        "hoa": factories.mediator(team, "Trần Thị Hoa", sex="F"),
        "b": factories.mediator(other, "Nguyễn Văn Bình"),
    }


def found(client, user, term) -> set[str]:
    page = changelist(client, user, "mediator", q=term)
    return set(re.findall(r'<th class="field-full_name"><a [^>]*>([^<]*)</a>', page))


@pytest.mark.parametrize(
    ("term", "names"),
    [
        ("nguyen anh", {"Nguyễn Văn Ánh"}),  # typed without marks, words anywhere
        ("Nguyễn", {"Nguyễn Văn Ánh"}),  # with marks
        ("thon dong", {"Nguyễn Văn Ánh", "Trần Thị Hoa"}),  # the team
        ("tho xuong", {"Nguyễn Văn Ánh", "Trần Thị Hoa"}),  # the commune
        ("hoa tho xuong", {"Trần Thị Hoa"}),  # a name and a commune
        ("binh", set()),  # another district's mediator stays out of An's list
    ],
)
def test_the_mediator_search_ignores_marks_within_the_officers_scope(
    client, officer_a, people, term, names
):
    assert found(client, officer_a, term) == names


def test_the_folded_name_follows_every_way_a_name_is_written(officer_a, people):
    person = people["anh"]
    assert person.name_folded == "nguyen van anh"
    person.full_name = "Đặng Văn Ánh"
    person.save(update_fields=["full_name"])
    person.refresh_from_db()
    assert person.name_folded == "dang van anh"
    # An Excel import writes in bulk: the folded name is written too.
    book = MediatorExcel(officer_a).template()
    workbook = openpyxl.load_workbook(io.BytesIO(book))
    sheet = workbook.worksheets[0]
    sheet.append(
        ["07201", "Thôn Đông", "Lê Thị Ngọc Ánh", "Nữ", 1985, "Kinh", "Hòa giải viên",
         date(2025, 2, 1)]
    )  # fmt: skip
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "them.xlsx"
    excel = MediatorExcel(officer_a)
    plan = excel.plan(upload)
    assert plan.ok, plan.errors
    excel.apply(plan, "them.xlsx")
    assert Mediator.objects.get(full_name="Lê Thị Ngọc Ánh").name_folded == fold("Lê Thị Ngọc Ánh")
