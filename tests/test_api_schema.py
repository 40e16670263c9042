"""The API against its own OpenAPI schema (schemathesis): every endpoint, with parameters
that fit the schema and parameters that do not. Whatever is sent, the answer is never a
server error, its status is one the schema declares, and its body has the declared shape;
bad parameters get a 4xx.

Registry endpoints are called with province staff's token (the widest scope, so their rows
are serialised) and once more without a token.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.views import api
from hoagiai.wsgi import application

from .api_world import registry, token_for

pytestmark = pytest.mark.django_db

# The schema as the API builds it, read when the tests are collected (schemathesis' lazy
# loader from a fixture does not run under pytest 9); test_the_served_schema_is_this_one
# checks that /api/v1/openapi.json serves exactly this.
SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")
schema = schemathesis.openapi.from_dict(SCHEMA)
schema.app = application


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """schemathesis calls the WSGI application itself, whose start and end of request close
    the connection when it is in a transaction (on PostgreSQL: the test's own); Django's
    test client unhooks those handlers the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def staff_token(province_staff):
    registry()
    return token_for(province_staff)


def test_the_served_schema_is_this_one(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == SCHEMA
    assert set(SCHEMA["paths"]) == {
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/plan",
        "/api/v1/plan/tasks/{number}",
        "/api/v1/targets",
        "/api/v1/figures",
        "/api/v1/teams",
        "/api/v1/mediators",
    }


# Years outside the plan and dates outside 1945–2100 fit the schema's types yet are refused
# with a 404 or 400 by design (the plan's years live in the database, not in the schema):
# the check that every value fitting the schema is accepted does not apply.
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, staff_token):
    headers = {}
    # Other methods too (schemathesis checks that they are refused): the path's GET tells.
    # A case whose headers are wrong on purpose (the token left out) is sent as generated.
    secured = SCHEMA["paths"][case.operation.path]["get"].get("security")
    if secured and not case.meta.is_negative_at(ParameterLocation.HEADER):
        headers["Authorization"] = f"Bearer {staff_token}"
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
