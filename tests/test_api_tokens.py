"""Who reads which registry list through the API, in the style of the permission matrix.

Personas (tests/conftest.py): no token at all, An (officer of district 213, "A"), Bình
(officer of district 215, "B"), Hoa (province staff), Lan (leadership: aggregates only, no
mediator rows on the pages either), a commune officer of 07201 (in district A), an inactive
account's token and a revoked token. A token acts for its account exactly as the pages do:
the same model permission (``training-due``: the leadership gets 403) and the same scope
(accounts.scoping: another unit is a 404, lists hold only the scope's rows).
"""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages

from accounts.models import User
from api.models import ApiToken, hash_token

from .api_world import bearer, commune_officer, registry, token_for
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

PERSONAS = ("none", "officer_a", "officer_b", "staff", "leader", "commune", "inactive", "revoked")

# fmt: off
MATRIX = {
    # request                         none officer_a officer_b staff leader commune inactive revoked
    "/api/v1/teams":                  (401,  200,     200,      200,  403,   200,    401,     401),
    "/api/v1/teams?unit=213":         (401,  200,     404,      200,  403,   404,    401,     401),
    "/api/v1/teams?unit=215":         (401,  404,     200,      200,  403,   404,    401,     401),
    "/api/v1/teams?unit=24":          (401,  404,     404,      200,  403,   404,    401,     401),
    "/api/v1/mediators":              (401,  200,     200,      200,  403,   200,    401,     401),
    "/api/v1/mediators?unit=213":     (401,  200,     404,      200,  403,   404,    401,     401),
    "/api/v1/mediators?unit={a1c}":   (401,  200,     404,      200,  403,   200,    401,     401),
    # The public endpoints answer everyone, a token or none.
    "/api/v1/units?limit=1":          (200,  200,     200,      200,  200,   200,    200,     200),
    "/api/v1/targets?year=2025":      (200,  200,     200,      200,  200,   200,    200,     200),
}
# Which teams each persona's full list holds.
SEES = {
    "officer_a": {"a1", "a2"},
    "officer_b": {"b1"},
    "staff": {"a1", "a2", "b1"},
    "commune": {"a1"},
}
# fmt: on


@pytest.fixture
def world(officer_a, officer_b, province_staff, leader):
    teams = registry()
    users = {
        "officer_a": officer_a,
        "officer_b": officer_b,
        "staff": province_staff,
        "leader": leader,
        "commune": commune_officer(teams["a1"].commune.code),
    }
    tokens = {name: token_for(user) for name, user in users.items()}
    gone = User.objects.create_user("da-nghi", is_active=False)
    gone.groups.add(Group.objects.get(name="province_staff"))
    tokens["inactive"] = token_for(gone)
    tokens["revoked"] = token_for(province_staff, "thu hồi")
    ApiToken.objects.filter(name="thu hồi").update(is_active=False)
    return {"teams": teams, "tokens": tokens}


CASES = [
    pytest.param(url, persona, id=f"{url} as {persona}") for url in MATRIX for persona in PERSONAS
]


@pytest.mark.parametrize(("url", "persona"), CASES)
def test_token_access(url, persona, world, client):
    headers = bearer(world["tokens"][persona]) if persona != "none" else {}
    response = client.get(url.format(a1c=world["teams"]["a1"].commune.code), **headers)
    assert response.status_code == MATRIX[url][PERSONAS.index(persona)], response.content
    assert response["Content-Type"].startswith("application/json")
    if response.status_code >= 400:
        assert response.json()["detail"]  # a message, in Vietnamese (tests/test_i18n.py)


@pytest.mark.parametrize("persona", sorted(SEES))
def test_a_list_holds_only_the_scope_s_rows(persona, world, client):
    tokens, teams = world["tokens"], world["teams"]
    listed = client.get("/api/v1/teams", **bearer(tokens[persona])).json()["items"]
    names = {team.name: key for key, team in teams.items()}
    assert {names[row["name"]] for row in listed} == SEES[persona]
    mediators = client.get("/api/v1/mediators", **bearer(tokens[persona])).json()["items"]
    expected_teams = {teams[key].pk for key in SEES[persona]}
    assert {row["team_id"] for row in mediators} == expected_teams
    assert len(mediators) == 3 * len(expected_teams)  # full_team: three each


def test_another_unit_s_team_filter_gives_an_empty_list(world, client):
    b1 = world["teams"]["b1"]
    url = f"/api/v1/mediators?team={b1.pk}"
    assert client.get(url, **bearer(world["tokens"]["officer_a"])).json()["items"] == []
    assert len(client.get(url, **bearer(world["tokens"]["staff"])).json()["items"]) == 3


def test_a_session_is_not_a_token(world, client, province_staff):
    client.force_login(province_staff)
    assert client.get("/api/v1/teams").status_code == 401


def test_a_wrong_token_or_scheme_is_refused(world, client):
    staff = world["tokens"]["staff"]
    for header in (f"Bearer {staff}x", f"Token {staff}", "Bearer ", f"Bearer {'a' * 5000}"):
        response = client.get("/api/v1/teams", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"] == "Bearer"


def test_pages_follow_next_after_to_the_end(world, client):
    token = world["tokens"]["staff"]
    seen, after = [], None
    for _ in range(10):
        url = "/api/v1/mediators?limit=5" + (f"&after={after}" if after else "")
        page = client.get(url, **bearer(token)).json()
        seen += [row["id"] for row in page["items"]]
        after = page["next_after"]
        if after is None:
            break
    assert len(seen) == 9 and seen == sorted(set(seen))


def test_only_a_hash_is_stored_and_the_admin_shows_the_token_once(client, officer_a):
    admin = User.objects.create_superuser("quan-tri", password=PASSWORD)
    client.force_login(admin)
    response = client.post(
        "/admin/api/apitoken/add/",
        {"user": officer_a.pk, "name": "Phần mềm thống kê", "is_active": "on"},
        follow=True,
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)] or [response.content.decode()]
    token = ApiToken.objects.get()
    text = " ".join(shown)
    secret = next(word for word in text.split() if word.startswith(token.prefix))
    assert token.key_hash == hash_token(secret) and secret not in token.key_hash
    assert secret not in str(list(ApiToken.objects.values()))
    assert secret not in str(list(ApiToken.history.values()))
    # Shown once: the token's own page does not have it.
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert token.prefix in page and secret not in page
    # And it works, for the officer's scope.
    assert client.get("/api/v1/teams", **bearer(secret)).status_code == 200


def test_province_staff_cannot_issue_tokens(client, province_staff):
    client.force_login(province_staff)
    assert client.get("/admin/api/apitoken/add/").status_code == 403
