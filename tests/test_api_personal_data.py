"""No public API answer carries a person's data.

Sentinel values go into every personal field of a mediator (full name, year of birth,
ethnicity, background; the model has no phone), and into the other people the registry
names (a trainer, a legal supporter, a commune official, an officer's account with its
phone and email). Their commune's 2024 report is approved, so the public figures count that
mediator. Then every public operation of the OpenAPI schema is called with parameters that
reach that commune, its district and the province, and no answer may contain a sentinel.
A registry call with a token does return them: the search would find them if they leaked.
"""

import itertools
from datetime import date

import pytest

from accounts.models import Role
from api.views import api
from network.models import LegalSupport, OfficialAttendance, Trainer
from reports.models import CommuneYear, YearlyReport
from units.models import AdminUnit

from . import factories
from .api_world import bearer, token_for
from .conftest import make_user

pytestmark = pytest.mark.django_db

SENTINELS = {
    "full_name": "Zzyzx Họ Tên Canh Gác",
    "birth_year": 1913,
    "ethnicity": "Dân tộc Zzyzx",
    "background": "Nghề nghiệp Zzyzx",
}
OTHERS = ["Tập huấn viên Qwxq", "Luật sư Qwxq", "Cán bộ xã Qwxq", "0987654321", "qwxq@example.vn"]
COMMUNE = "07201"
SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")


@pytest.fixture
def sentinels(db):
    team = factories.full_team("Thôn Canh Gác", COMMUNE)
    factories.mediator(
        team,
        SENTINELS["full_name"],
        sex="F",
        **{key: value for key, value in SENTINELS.items() if key != "full_name"},
    )
    district = AdminUnit.objects.get(code="213")
    commune = AdminUnit.objects.get(code=COMMUNE)
    Trainer.objects.create(
        full_name=OTHERS[0], level="district", unit=district, active_from=date(2024, 1, 1)
    )
    LegalSupport.objects.create(
        team=team, kind="lawyer", supporter_name=OTHERS[1], start_on=date(2024, 1, 1)
    )
    training = factories.training(date(2024, 5, 1))
    OfficialAttendance.objects.create(training=training, full_name=OTHERS[2], commune=commune)
    officer = make_user("an", Role.DISTRICT_OFFICER, "213")
    officer.first_name, officer.phone, officer.email = OTHERS[2], OTHERS[3], OTHERS[4]
    officer.save()
    for year in (2024, 2025):
        CommuneYear.objects.update_or_create(
            commune=commune,
            year=year,
            defaults={"teams": 1, "mediators": 4, "cases_received": 5, "cases_successful": 5},
        )
    YearlyReport.objects.create(unit=district, year=2024, status=YearlyReport.Status.APPROVED)
    return officer


# The values each parameter takes: every public operation is called with every combination
# of the parameters it declares.
VALUES = {
    "code": ["24", "213", COMMUNE],
    "number": ["2.1", "3.2", "10.2"],
    "year": [2024, 2025],
    "unit": [None, "24", "213", COMMUNE],
    "date": [None, "2024-06-01"],
    "level": [None, "commune"],
    "parent": [None, "213"],
    "after": [None],
    "limit": [None, 500],
}


def public_requests():
    for path, methods in SCHEMA["paths"].items():
        operation = methods["get"]
        if operation.get("security"):
            continue
        parameters = operation.get("parameters", [])
        names = [parameter["name"] for parameter in parameters]
        choices = [
            [v for v in VALUES[p["name"]] if v is not None or not p.get("required")]
            for p in parameters
        ]
        for combination in itertools.product(*choices):
            values = dict(zip(names, combination, strict=True))
            url = path.format(**{k: v for k, v in values.items() if "{" + k + "}" in path})
            query = "&".join(
                f"{k}={v}" for k, v in values.items() if v is not None and "{" + k + "}" not in path
            )
            yield url + (f"?{query}" if query else "")


def test_no_public_answer_holds_personal_data(client, sentinels):
    requests = list(public_requests())
    assert {url.split("?")[0] for url in requests} >= {
        "/api/v1/units",
        "/api/v1/plan",
        "/api/v1/targets",
        "/api/v1/figures",
    }
    answered = 0
    for url in requests:
        response = client.get(url)
        assert response.status_code < 500, url
        answered += response.status_code == 200
        body = response.content.decode()
        for value in [*map(str, SENTINELS.values()), *OTHERS]:
            assert value not in body, f"{value!r} in {url}"
    assert answered >= len(requests) * 3 // 4
    # The figures did count the sentinel's commune (an approved 2024 report).
    figures = client.get(f"/api/v1/figures?year=2024&unit={COMMUNE}").json()
    assert figures["totals"]["mediators"] == 4


def test_the_registry_does_return_them_to_a_token_in_scope(client, sentinels):
    body = client.get("/api/v1/mediators?limit=500", **bearer(token_for(sentinels))).content
    for value in SENTINELS.values():
        assert str(value) in body.decode()
