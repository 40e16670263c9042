"""The read-only JSON API, /api/v1/ (django-ninja; schema at /api/v1/openapi.json).

Public endpoints (no token) carry no personal data: units, the plan, the targets and the
figures of approved reports. The registry endpoints (teams, mediators) need a token issued
in the admin and answer with exactly what the token's account sees on the pages: the same
model permissions and the same scope (accounts.scoping).
"""

import datetime as dt
import functools
import inspect

from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from accounts.scoping import scope_for
from network.models import MediationTeam, Mediator
from plans.models import Plan
from plans.services import plan_as_dict
from targets.kpi import KpiRequestError, kpi_as_json, kpi_for
from units.models import AdminUnit

from . import schemas, services
from .auth import TokenAuth

CODE = r"^[0-9]{2,5}$"
TASK = r"^[0-9]{1,2}(\.[0-9]{1,2}[a-z]?)?$"
LARGEST_ID = 2**63 - 1
PAGE = 100
LARGEST_PAGE = 500


class Utf8Renderer(JSONRenderer):
    """Vietnamese names as they are written ("Bắc Giang"), not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Hòa giải ở cơ sở — API",
    version="1",
    description=(
        "Read-only data of the 2024–2030 plan for grassroots mediators: administrative "
        "units over time, the plan and its tasks, the targets and the figures of approved "
        "reports (public); teams and mediators (a token from the admin, sent as "
        "`Authorization: Bearer <token>`, scoped like the account's pages)."
    ),
    urls_namespace="api",
    renderer=Utf8Renderer(),
)
token = TokenAuth()

PUBLIC = {400: schemas.Error, 404: schemas.Error}
REGISTRY = {**PUBLIC, 401: schemas.Error, 403: schemas.Error}

# --- errors: a Vietnamese message, never a server error ---

PROBLEMS = {
    "missing": gettext_lazy("The parameter “%(name)s” is required."),
    "int_parsing": gettext_lazy("The parameter “%(name)s” must be a whole number."),
    "int_type": gettext_lazy("The parameter “%(name)s” must be a whole number."),
    "int_from_float": gettext_lazy("The parameter “%(name)s” must be a whole number."),
    "greater_than_equal": gettext_lazy("The parameter “%(name)s” must be at least %(limit)s."),
    "less_than_equal": gettext_lazy("The parameter “%(name)s” must be at most %(limit)s."),
    "string_pattern_mismatch": gettext_lazy("The parameter “%(name)s” is not in the right form."),
    "literal_error": gettext_lazy("The parameter “%(name)s” must be one of: %(limit)s."),
}
DATE_PROBLEM = gettext_lazy("The parameter “%(name)s” must be a date written YYYY-MM-DD.")
OTHER_PROBLEM = gettext_lazy("The parameter “%(name)s” is not valid.")


@api.exception_handler(ValidationError)
def bad_parameters(request, exc):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        name = location[0] if location else "?"
        kind = error.get("type", "")
        context = error.get("ctx") or {}
        # pydantic words the choices in English ("'a', 'b' or 'c'"): a plain list instead.
        limit = str(context.get("ge", context.get("le", context.get("expected", ""))))
        limit = limit.replace("' or '", "', '")
        if kind.startswith("date") or kind.startswith("datetime"):
            problem = DATE_PROBLEM
        else:
            problem = PROBLEMS.get(kind, OTHER_PROBLEM)
        errors.append({"parameter": name, "message": problem % {"name": name, "limit": limit}})
    detail = errors[0]["message"] if errors else str(OTHER_PROBLEM % {"name": "?"})
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(AuthenticationError)
def no_token(request, exc):
    response = api.create_response(
        request,
        {
            "detail": _(
                "This list needs an API token, sent as “Authorization: Bearer <token>”: "
                "the token is missing, wrong or revoked, or its account is inactive."
            )
        },
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


def known_parameters(view):
    """Refuse a query parameter the endpoint does not read ("?yaer=2025" is a typo, not a
    request for the default year): a 400 naming it."""
    names = set(inspect.signature(view).parameters) - {"request"}

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        unknown = sorted(set(request.GET) - names)
        if unknown:
            raise HttpError(
                400, _("The API does not know the parameter “%(name)s”.") % {"name": unknown[0]}
            )
        return view(request, *args, **kwargs)

    return checked


def _day(value: str | None, name: str = "date") -> dt.date:
    """The day a parameter names (today when it is left out), within 1945–2100."""
    if not value:
        return timezone.localdate()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise HttpError(400, str(DATE_PROBLEM % {"name": name})) from None
    if not services.FIRST_DAY <= day <= services.LAST_DAY:
        raise HttpError(
            400,
            _("The parameter “%(name)s” must be a date from %(first)s to %(last)s.")
            % {
                "name": name,
                "first": date_format(services.FIRST_DAY, "SHORT_DATE_FORMAT"),
                "last": date_format(services.LAST_DAY, "SHORT_DATE_FORMAT"),
            },
        )
    return day


def _no_unit(code, day):
    return HttpError(
        404,
        _("No unit has the code “%(code)s” on %(day)s.")
        % {"code": code, "day": date_format(day, "SHORT_DATE_FORMAT")},
    )


# --- public: units, plan, targets, figures ---

# The parameters (module-level: a call in a default would be made once anyway).
# Dates are read as YYYY-MM-DD only (not as pydantic's Unix timestamps: "0" is no date).
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
UNITS_ON = Query(
    None,
    pattern=DATE,
    example="2025-07-01",
    description="Units valid on this day (default: today).",
)
UNIT_ON = Query(
    None,
    pattern=DATE,
    example="2025-07-01",
    description="The unit with this code on this day (default: today).",
)
LEVEL = Query(None)
PARENT = Query(None, pattern=CODE, description="Code of the parent unit.")
AFTER_CODE = Query(None, pattern=r"^[0-9]{1,5}$", description="Next page: next_after.")
LIMIT = Query(PAGE, ge=1, le=LARGEST_PAGE, description="Rows per page.")
UNIT_CODE = Path(..., pattern=CODE)
TASK_NUMBER = Path(..., pattern=TASK)
TEAM = Query(None, ge=0, le=LARGEST_ID, description="A team's id.")


@api.get("/units", response={200: schemas.UnitPage, **PUBLIC}, url_name="units", tags=["units"])
@known_parameters
def units(
    request,
    date: str | None = UNITS_ON,
    level: schemas.Level | None = LEVEL,
    parent: str | None = PARENT,
    after: str | None = AFTER_CODE,
    limit: int = LIMIT,
):
    """Administrative units valid on a date, by code, with their parent, the units they were
    formed from and the units that took them over (the 1/7/2025 reform)."""
    day = _day(date)
    queryset = services.units_on(day)
    if level:
        queryset = queryset.filter(level=level)
    if parent:
        parent_unit = AdminUnit.objects.by_code(parent, day)
        if parent_unit is None:
            raise _no_unit(parent, day)
        queryset = queryset.filter(parent=parent_unit)
    rows, next_after = services.keyset_page(queryset, "code", after, limit)
    return {
        "date": day,
        "items": [services.unit_as_dict(unit) for unit in rows],
        "next_after": next_after,
    }


@api.get("/units/{code}", response={200: schemas.Unit, **PUBLIC}, url_name="unit", tags=["units"])
@known_parameters
def unit(
    request,
    code: str = UNIT_CODE,
    date: str | None = UNIT_ON,
):
    """The unit that had the code on the date (codes are reused: 24 was Bắc Giang until
    30/6/2025 and is Bắc Ninh since)."""
    day = _day(date)
    found = services.units_on(day).filter(code=code).first()
    if found is None:
        raise _no_unit(code, day)
    return services.unit_as_dict(found)


def _plan():
    plan = Plan.objects.current()
    if plan is None:
        raise HttpError(404, _("No plan is loaded."))
    return plan_as_dict(plan)


@api.get("/plan", response={200: schemas.Plan, **PUBLIC}, url_name="plan", tags=["plan"])
@known_parameters
def plan(request):
    """The plan: its groups of tasks, each task with its lead and partner agencies and its
    timeline (the shape of ``manage.py plan --json``)."""
    return _plan()


@api.get(
    "/plan/tasks/{number}",
    response={200: schemas.TaskInGroup, **PUBLIC},
    url_name="plan-task",
    tags=["plan"],
)
@known_parameters
def plan_task(request, number: str = TASK_NUMBER):
    """One task of the plan by its number ("2.1", "2.3a", "10.2")."""
    for group in _plan()["groups"]:
        for task in group["tasks"]:
            if task["number"] == number:
                return {**task, "group": group["number"]}
    raise HttpError(404, _("The plan has no task %(number)s.") % {"number": number})


def _kpi(year, unit):
    try:
        return kpi_for(year, unit)
    except KpiRequestError as error:
        raise HttpError(404, str(error)) from error


YEAR = Query(..., ge=1945, le=2100, description="A year of the plan.")
YEAR_UNIT = Query(None, pattern=CODE, description="Code of a unit valid in the year.")


@api.get(
    "/targets", response={200: schemas.Targets, **PUBLIC}, url_name="targets", tags=["targets"]
)
@known_parameters
def targets(request, year: int = YEAR, unit: str | None = YEAR_UNIT):
    """Every target of the plan for a year and a unit (the province without ``unit``), in
    the shape of ``manage.py kpi --json`` (docs/interfaces.md)."""
    return kpi_as_json(_kpi(year, unit))


@api.get(
    "/figures",
    response={200: schemas.ApprovedFigures, **PUBLIC},
    url_name="figures",
    tags=["targets"],
)
@known_parameters
def figures(request, year: int = YEAR, unit: str | None = YEAR_UNIT):
    """The year's figures (teams, mediators, training, cases) per unit below ``unit``, from
    approved yearly reports only: a unit whose report is not approved has ``figures: null``."""
    return services.approved_figures(_kpi(year, unit))


# --- the registry: a token, the account's permissions and scope ---


def _registry(request, model, unit_code, day):
    """The rows of ``model`` the token's account may read, within ``unit_code`` if given:
    the training-deadline page's rule (the view permission, then the scope)."""
    user = request.auth
    if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        raise HttpError(
            403,
            _("This account may not read the list of %(what)s.")
            % {"what": model._meta.verbose_name_plural},
        )
    scope = scope_for(user)
    queryset = scope.filter(model.objects.order_by(), model.scope_path)
    if unit_code:
        found = scope.units().by_code(unit_code, day)
        if found is None:
            raise _no_unit(unit_code, day)
        queryset = queryset.filter(
            **{f"{model.scope_path}__in": AdminUnit.objects.within(found).values("pk")}
        )
    return queryset


ACTIVE_ON = Query(
    None,
    pattern=DATE,
    example="2025-07-01",
    description="Only those active on this day (default: all).",
)
AFTER = Query(None, ge=0, le=LARGEST_ID, description="Next page: next_after of the last one.")
UNIT = Query(None, pattern=CODE, description="Code of a unit (valid on active_on or today).")


@api.get(
    "/teams",
    response={200: schemas.TeamPage, **REGISTRY},
    auth=token,
    url_name="teams",
    tags=["registry"],
)
@known_parameters
def teams(
    request,
    unit: str | None = UNIT,
    active_on: str | None = ACTIVE_ON,
    after: int | None = AFTER,
    limit: int = LIMIT,
):
    """Mediation teams in the token's scope, by id, a page at a time."""
    day = _day(active_on, "active_on")
    queryset = _registry(request, MediationTeam, unit, day).select_related("commune")
    if active_on:
        queryset = queryset.active_on(day)
    rows, next_after = services.keyset_page(queryset, "id", after, limit)
    return {
        "items": [
            {
                "id": team.pk,
                "name": team.name,
                "commune": services.unit_ref(team.commune),
                "established_on": team.established_on,
                "dissolved_on": team.dissolved_on,
                "ethnic_minority_area": team.ethnic_minority_area,
            }
            for team in rows
        ],
        "next_after": next_after,
    }


@api.get(
    "/mediators",
    response={200: schemas.MediatorPage, **REGISTRY},
    auth=token,
    url_name="mediators",
    tags=["registry"],
)
@known_parameters
def mediators(
    request,
    unit: str | None = UNIT,
    team: int | None = TEAM,
    active_on: str | None = ACTIVE_ON,
    after: int | None = AFTER,
    limit: int = LIMIT,
):
    """Mediators in the token's scope, by id, a page at a time. Personal data (Decree
    13/2023/NĐ-CP): only accounts that see them on the pages get them here."""
    day = _day(active_on, "active_on")
    queryset = _registry(request, Mediator, unit, day).select_related("team__commune")
    if team is not None:
        queryset = queryset.filter(team_id=team)
    if active_on:
        queryset = queryset.active_on(day)
    rows, next_after = services.keyset_page(queryset, "id", after, limit)
    return {
        "items": [
            {
                "id": mediator.pk,
                "team_id": mediator.team_id,
                "commune_code": mediator.team.commune.code,
                "full_name": mediator.full_name,
                "sex": mediator.sex,
                "birth_year": mediator.birth_year,
                "ethnicity": mediator.ethnicity,
                "role": mediator.role,
                "background": mediator.background,
                "recognised_on": mediator.recognised_on,
                "left_on": mediator.left_on,
                "material_access_on": mediator.material_access_on,
            }
            for mediator in rows
        ],
        "next_after": next_after,
    }


def unknown_path(request, rest=""):
    """Any other /api/ address: a JSON 404 (not the site's HTML page)."""
    return api.create_response(
        request, {"detail": _("The API has no such address: see /api/v1/docs.")}, status=404
    )
