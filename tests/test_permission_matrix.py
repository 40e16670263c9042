"""Who may open which URL: every URL of the site × every persona × the expected answer.

In the spirit of pretix's permission tests. The personas (tests/conftest.py) are the
anonymous visitor, An (officer of district 213, "A"), Bình (officer of district 215, "B"),
Hoa (province staff) and Lan (leadership, ``is_staff=False``). Every URL that takes an
object points at one object of district 213, so B opening it is "another district's row".

The expected answers:

- ``LOGIN``: 302 to the site's login page (/dang-nhap/?next=…), for anonymous visitors;
- ``ADMIN_LOGIN``: 302 to the admin's login page. ``AdminSite.admin_view`` lets only active
  staff in and sends everyone else, including the leadership (not staff), to its login;
- 404: a district officer typing another district's row (the row must look absent), or a
  page that does not exist for the user (an admin app where it holds no permission);
- 403: a forbidden action (a missing model permission, a read-only admin, a workflow step
  that is not the user's);
- 200, or a ``Redirect`` where the view redirects by design; 400 where the user is allowed
  and the (deliberately empty) form is refused; 405 for a POST-only view opened with GET.

The URLs come from the URL configuration itself: ``test_every_url_has_a_row`` walks
``get_resolver()`` and fails, listing them, for URL names (and unnamed patterns) without a
row. Admin model URLs are generated from one table (``ADMIN_MODELS``: what each staff
persona may do in each model's admin, whether the admin is scoped by district) and the
rules Django's admin follows (``admin_expectation``), so they stay reviewable.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import DataExport, Role
from api.models import ApiToken
from network.admin_excel import ExcelAdminMixin
from network.models import (
    Material,
    ModelCommune,
    PilotCommune,
    Trainer,
)
from plans import progress
from plans.models import Agency, Plan, Responsibility, Task, TaskGroup
from reports import services
from reports.models import CommuneYear, ReportDeadline
from targets.models import Target
from units.models import AdminUnit

from . import factories
from .conftest import make_user

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "officer_a", "officer_b", "province_staff", "leader")
REPORT_YEAR = 2025
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Redirect:
    """A 302 to ``to``: a path, or a URL name reversed with the row's own arguments.
    ``next``: a login page, told where to come back to."""

    to: str
    next: bool = False

    def __repr__(self):
        return f"302→{self.to}" + ("?next=…" if self.next else "")


LOGIN = Redirect("/dang-nhap/", next=True)
LOGGED_OUT = Redirect("/dang-nhap/")  # LOGOUT_REDIRECT_URL
ADMIN_LOGIN = Redirect("/admin/login/", next=True)
ADMIN_INDEX = Redirect("/admin/")
HOME = Redirect("/")


# --- The site's own pages ------------------------------------------------------------
#
# Keys are URL names; "name variant" rows exercise the same URL another way: a variant
# starting with "?" is a query string, any other variant is explained where it is used.

# Short names for the table columns.
A_LOGIN, A_INDEX = ADMIN_LOGIN, ADMIN_INDEX
OUT = LOGGED_OUT
TO_REPORT = Redirect("reports:report")
TO_CELL = Redirect("progress-cell")
TO_BOARD = Redirect("reports:index")
ICON = Redirect("/static/favicon.svg")

# fmt: off
SITE_GET = {
    # URL name (variant)           anonymous officer_a officer_b staff leader
    "home":                        (LOGIN,   200,      200,      200,  200),
    # The site's icon, for anyone (browsers ask for it on the login page too).
    "favicon":                     (ICON,    ICON,     ICON,     ICON, ICON),
    "plan-overview":               (LOGIN,   200,      200,      200,  200),
    # Everyone signed in holds plans.view_responsibility; officers see their own rows.
    "progress":                    (LOGIN,   200,      200,      200,  200),
    "progress-export":             (LOGIN,   200,      200,      200,  200),
    # A task in a year is shared by every district: B gets the page with its own rows.
    "progress-cell":               (LOGIN,   200,      200,      200,  200),
    # An evidence file of district 213: B must not be able to fetch it.
    "evidence-file":               (LOGIN,   200,      404,      200,  200),
    "dashboard":                   (LOGIN,   200,      200,      200,  200),
    "dashboard ?unit=213":         (LOGIN,   200,      404,      200,  200),
    "dashboard-export":            (LOGIN,   200,      200,      200,  200),
    "dashboard-export ?unit=213":  (LOGIN,   200,      404,      200,  200),
    "target-detail":               (LOGIN,   200,      200,      200,  200),
    "target-detail ?unit=213":     (LOGIN,   200,      404,      200,  200),
    # Mediators are personal data: the leadership sees aggregates only (no view_mediator).
    "training-due":                (LOGIN,   200,      200,      200,  403),
    "training-due-export":         (LOGIN,   200,      200,      200,  403),
    "reports:index":               (LOGIN,   200,      200,      200,  200),
    # The province-wide workbook: the view answers 404 (not 403) to a district officer.
    "reports:consolidated":        (LOGIN,   404,      404,      200,  200),
    # The Sở's own report (Word) and its text: province staff who review the reports; an
    # officer gets 404 as for the workbook, the leadership 403 (no review permission).
    "yearly-document":             (LOGIN,   404,      404,      200,  403),
    "yearly-document-text":        (LOGIN,   404,      404,      200,  403),
    # The report emails: each officer sees its own unit's (tests/test_report_notices.py).
    "reports:notices":             (LOGIN,   200,      200,      200,  200),
    "reports:report":              (LOGIN,   200,      404,      200,  200),
    "reports:template":            (LOGIN,   200,      404,      200,  200),
    # POST-only views (their POST rows are below).
    "reports:transition":          (LOGIN,   405,      405,      405,  405),
    "reports:upload":              (LOGIN,   405,      405,      405,  405),
    "reports:bulk-approve":        (LOGIN,   405,      405,      405,  405),
    "login":                       (200,     HOME,     HOME,     HOME, HOME),
    # The JSON API (tests/test_api*.py): public data for anyone; the registry lists need a
    # token (a session is not one: 401 for everyone here; tests/test_api_tokens.py).
    # /api/v1/ itself: django-ninja's root, a 404 that names the docs page.
    "api:api-root":                (404,     404,      404,      404,  404),
    "api:openapi-json":            (200,     200,      200,      200,  200),
    "api:openapi-view":            (200,     200,      200,      200,  200),
    "api:units":                   (200,     200,      200,      200,  200),
    "api:unit":                    (200,     200,      200,      200,  200),
    "api:plan":                    (200,     200,      200,      200,  200),
    "api:plan-task":               (200,     200,      200,      200,  200),
    "api:targets":                 (200,     200,      200,      200,  200),
    "api:figures":                 (200,     200,      200,      200,  200),
    "api:teams":                   (401,     401,      401,      401,  401),
    "api:mediators":               (401,     401,      401,      401,  401),
    # Any other /api/ address: a JSON 404.
    "api-unknown":                 (404,     404,      404,      404,  404),
    # Province staff create commune officers from an Excel list (accounts.officers).
    "commune-officers":            (LOGIN,   403,      403,      200,  403),
    # A new commune officer's set-password link: a wrong one says so, to anyone.
    "password_reset_confirm":      (200,     200,      200,      200,  200),
    "password_reset_complete":     (200,     200,      200,      200,  200),
    # LogoutView takes POST only, from anyone.
    "logout":                      (405,     405,      405,      405,  405),
    # Open to everyone: the approved figures of a year and the materials library.
    "public":                      (200,     200,      200,      200,  200),
    "public-year":                 (200,     200,      200,      200,  200),
    "library":                     (200,     200,      200,      200,  200),
    "library-mediators":           (200,     200,      200,      200,  200),
    # A published material's file, for anyone (tests/test_library.py: drafts are 404).
    "material-file":               (200,     200,      200,      200,  200),
}

SITE_POST = {
    # URL name (variant)           anonymous officer_a officer_b staff leader
    "logout":                      (OUT,     OUT,      OUT,      OUT,  OUT),
    # A status for district 213's row: only 213's officer reports it (plans.progress).
    "progress-cell":               (LOGIN,   TO_CELL,  404,      403,  403),
    # An empty save of 213's report: A reaches the form (400); nobody else may save it.
    "reports:report":              (LOGIN,   400,      404,      403,  403),
    "reports:upload":              (LOGIN,   400,      404,      403,  403),
    # The district submits; the province returns, approves, reopens (reports.services).
    # An allowed step the report's state refuses still redirects back, with a message.
    "reports:transition submit":   (LOGIN,  TO_REPORT, 404,      403,  403),
    "reports:transition return":   (LOGIN,   403,      404, TO_REPORT, 403),
    "reports:transition approve":  (LOGIN,   403,      404, TO_REPORT, 403),
    "reports:transition reopen":   (LOGIN,   403,      404, TO_REPORT, 403),
    # Approving the chosen reports from the board: the province's reviewers only.
    "reports:bulk-approve":        (LOGIN,   403,      403,  TO_BOARD,  403),
    # An empty text: staff reach the form (400, the addressees are required).
    "yearly-document-text":        (LOGIN,   404,      404,      400,  403),
    # An empty list: staff reach the form (400); nobody else may create accounts.
    "commune-officers":            (LOGIN,   403,      403,      400,  403),
}

# --- The admin site's own pages (not per model) ---
# The leadership is not staff: AdminSite.admin_view treats it like an anonymous visitor.

ADMIN_SITE_GET = {
    # URL name (variant)               anonymous officer_a officer_b staff  leader
    "admin:index":                     (A_LOGIN, 200,      200,      200,     A_LOGIN),
    # Staff go on to the index; the leadership gets the form, "not authorised" above it.
    "admin:login":                     (200,     A_INDEX,  A_INDEX,  A_INDEX, 200),
    # Logging out takes POST; admin_view sends non-staff to the index, not the login.
    "admin:logout":                    (A_INDEX, 405,      405,      405,     A_INDEX),
    "admin:password_change":           (A_LOGIN, 200,      200,      200,     A_LOGIN),
    "admin:password_change_done":      (A_LOGIN, 200,      200,      200,     A_LOGIN),
    "admin:jsi18n":                    (A_LOGIN, 200,      200,      200,     A_LOGIN),
    # Mediator.team's dropdown: the teams in the user's scope (B's lacks 213's).
    "admin:autocomplete":              (A_LOGIN, 200,      200,      200,     A_LOGIN),
    # User.groups' dropdown: only a superuser may list groups.
    "admin:autocomplete user.groups":  (A_LOGIN, 403,      403,      403,     A_LOGIN),
    # Without app_label, model_name and field_name the view refuses.
    "admin:autocomplete no-params":    (A_LOGIN, 403,      403,      403,     A_LOGIN),
    # "View on site" for 213's mediator: no model has get_absolute_url, so 404 for all.
    "admin:view_on_site":              (A_LOGIN, 404,      404,      404,     A_LOGIN),
    # An app's index: 404 when the user holds no permission in the app.
    "admin:app_list auth":             (A_LOGIN, 404,      404,      404,     A_LOGIN),
    "admin:app_list axes":             (A_LOGIN, 404,      404,      404,     A_LOGIN),
    "admin:app_list accounts":         (A_LOGIN, 404,      404,      200,     A_LOGIN),
    "admin:app_list units":            (A_LOGIN, 200,      200,      200,     A_LOGIN),
    "admin:app_list network":          (A_LOGIN, 200,      200,      200,     A_LOGIN),
    "admin:app_list plans":            (A_LOGIN, 200,      200,      200,     A_LOGIN),
    "admin:app_list reports":          (A_LOGIN, 200,      200,      200,     A_LOGIN),
    "admin:app_list targets":          (A_LOGIN, 200,      200,      200,     A_LOGIN),
    # API tokens are issued by a superuser (tests/test_api_tokens.py).
    "admin:app_list api":              (A_LOGIN, 404,      404,      404,     A_LOGIN),
    # The final catch-all (an unnamed pattern): a page the admin does not have.
    "admin/(?P<url>.*)$":              (A_LOGIN, 404,      404,      404,     A_LOGIN),
}

ADMIN_SITE_POST = {
    "admin:logout":                    (A_INDEX, OUT,      OUT,      OUT,     A_INDEX),
}

# --- Admin model pages ---
#
# What each staff persona may do in each registered model's admin ("v"iew, "a"dd,
# "c"hange, "d"elete): the role's group permissions (accounts/roles.py) as narrowed by the
# admin class (the read-only admins). "scoped": a ScopedAdminMixin admin, where B typing
# the URL of 213's row gets 404. "object": the World attribute holding that row of 213.
# The anonymous visitor and the leadership (not staff) get ADMIN_LOGIN on all of them.

ADMIN_MODELS = {
    # model label              officer  staff   scoped  object
    "auth.group":              ("",     "",     False,  "group"),         # superuser's
    "axes.accessattempt":      ("",     "",     False,  "access_attempt"),
    "axes.accesslog":          ("",     "",     False,  "access_log"),
    "axes.accessfailurelog":   ("",     "",     False,  "access_failure"),
    "accounts.user":           ("",     "v",    False,  "user"),
    "accounts.dataexport":     ("",     "v",    False,  "data_export"),   # read-only
    "units.adminunit":         ("v",    "vacd", True,   "commune"),
    "network.mediationteam":   ("vacd", "vacd", True,   "team"),
    "network.mediator":        ("vacd", "vacd", True,   "mediator"),
    "network.trainer":         ("vacd", "vacd", True,   "trainer"),
    "network.training":        ("vacd", "vacd", True,   "training"),
    "network.material":        ("vacd", "vacd", True,   "material"),
    "network.pilotcommune":    ("v",    "vacd", True,   "pilot_commune"), # province picks
    "network.modelcommune":    ("v",    "vacd", True,   "model_commune"), # province picks
    "plans.plan":              ("v",    "vacd", False,  "plan"),
    "plans.taskgroup":         ("v",    "vacd", False,  "task_group"),
    "plans.task":              ("v",    "vacd", False,  "task"),
    "plans.agency":            ("v",    "vacd", False,  "agency"),
    "plans.responsibility":    ("v",    "v",    True,   "responsibility"),# read-only
    "plans.activity":          ("v",    "v",    True,   "activity"),      # read-only
    "reports.communeyear":     ("v",    "v",    True,   "commune_year"),  # read-only
    "reports.yearlyreport":    ("v",    "v",    True,   "report"),        # read-only
    "reports.reportdeadline":  ("v",    "vacd", False,  "deadline"),
    "targets.target":          ("v",    "vacd", False,  "target"),
    "api.apitoken":            ("",     "",     False,  "api_token"),     # superuser's
}
# fmt: on


def admin_expectation(kind, method, rights, in_scope, change_name):
    """What Django's admin (and this project's mixins) answer a staff user.

    ``rights``: the user's letters in ``ADMIN_MODELS``; ``in_scope``: False for B on a
    scoped admin's row of 213. Non-staff users never get here (``ADMIN_LOGIN``).
    """
    may = rights.__contains__
    if kind == "legacy":  # "<id>/" redirects to "<id>/change/" before any check
        return Redirect(change_name)
    if kind in ("changelist", "excel_template", "excel_export"):
        return 200 if may("v") else 403
    if kind == "add":
        return 200 if may("a") else 403
    if kind == "excel_import":
        # ExcelAdminMixin._can_import. The POST sends a file that is not a workbook: the
        # page shows the problem (200), nothing is imported.
        return 200 if may("a") and may("c") else 403
    if kind == "change":
        # Permission first (403), then the row: missing or out of scope is 404.
        return 403 if not may("v") else 200 if in_scope else 404
    if kind == "password":  # UserAdmin's "set password" form
        return 403 if not may("c") else 200 if in_scope else 404
    if kind == "delete":
        return 403 if not may("d") else 200 if in_scope else 404
    if kind in ("history", "simple_history"):
        # ScopedAdminMixin looks the row up in scope before any permission check.
        if not in_scope:
            return 404
        if method == "POST":
            # SimpleHistoryAdmin.history_form_view saves any valid POST, checking only the
            # view permission: it must refuse those who may not change the row. Fails
            # today for every view-only user (200: the form is processed), see
            # test_the_history_form_saves_nothing_for_a_view_only_user.
            return 200 if may("c") else 403
        return 200 if may("v") else 403
    raise AssertionError(kind)


def admin_kinds(model_admin):
    """The URL kinds a model's admin has, and the URL name (or unnamed route) of each."""
    app, model = model_admin.opts.app_label, model_admin.opts.model_name
    prefix = f"admin:{app}_{model}"
    kinds = {
        "changelist": f"{prefix}_changelist",
        "add": f"{prefix}_add",
        "change": f"{prefix}_change",
        "delete": f"{prefix}_delete",
        "history": f"{prefix}_history",
        # ModelAdmin keeps "<id>/" (the change URL before Django 1.9) as an unnamed redirect.
        "legacy": f"admin/{app}/{model}/<path:object_id>/",
    }
    if isinstance(model_admin, SimpleHistoryAdmin):
        kinds["simple_history"] = f"{prefix}_simple_history"
    if isinstance(model_admin, ExcelAdminMixin):
        for action in ("template", "export", "import"):
            kinds[f"excel_{action}"] = f"{prefix}_excel_{action}"
    if isinstance(model_admin, DjangoUserAdmin):
        kinds["password"] = "admin:auth_user_password_change"  # a fixed name in Django
    return kinds


# --- The objects the URLs point at ---


class World:
    """One row of district 213 ("A") per kind of object, each built on first use."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def district(self):
        return AdminUnit.objects.get(code="213")

    @cached_property
    def commune(self):
        return self.district.children.order_by("code").first()

    @cached_property
    def team(self):
        return factories.team("Tổ hòa giải thôn Đông", self.commune.code)

    @cached_property
    def mediator(self):
        return factories.mediator(self.team)

    @cached_property
    def trainer(self):
        return Trainer.objects.create(
            full_name="Đỗ Văn Giảng",
            level=Trainer.Level.DISTRICT,
            unit=self.district,
            active_from=date(2024, 1, 1),
        )

    @cached_property
    def training(self):
        return factories.training(date(2025, 3, 5), organiser_code="213")

    @cached_property
    def material(self):
        return Material.objects.create(
            title="Sổ tay hòa giải viên", kind=Material.Kind.FOR_MEDIATORS, publisher=self.district
        )

    @cached_property
    def published_material(self):
        return Material.objects.create(
            title="Tờ gấp: Luật Hòa giải ở cơ sở",
            kind=Material.Kind.DISSEMINATION,
            publisher=self.district,
            file=SimpleUploadedFile("to-gap.pdf", PDF),
            published_on=date(2025, 1, 1),
        )

    @cached_property
    def pilot_commune(self):
        return PilotCommune.objects.create(commune=self.commune)

    @cached_property
    def model_commune(self):
        return ModelCommune.objects.create(
            commune=self.commune, year=REPORT_YEAR, decision="QĐ 12/QĐ-UBND"
        )

    @cached_property
    def user(self):
        return make_user("chi", Role.DISTRICT_OFFICER, "213")

    @cached_property
    def data_export(self):
        return DataExport.objects.create(user=self.user, what="hòa giải viên", rows=1)

    @cached_property
    def api_token(self):
        token = ApiToken(user=self.user, name="phần mềm thống kê")
        token.issue()
        token.save()
        return token

    @cached_property
    def group(self):
        return Group.objects.get(name=Role.DISTRICT_OFFICER.value)

    def _access(self, model, **fields):
        return model.objects.create(
            user_agent="Mozilla/5.0",
            ip_address="127.0.0.1",
            username="an",
            http_accept="text/html",
            path_info="/dang-nhap/",
            **fields,
        )

    @cached_property
    def access_attempt(self):
        return self._access(AccessAttempt, get_data="", post_data="", failures_since_start=1)

    @cached_property
    def access_log(self):
        return self._access(AccessLog)

    @cached_property
    def access_failure(self):
        return self._access(AccessFailureLog)

    @cached_property
    def plan(self):
        # A plan of its own: the admin's delete page for the real one lists every row of it.
        # (The pages read the first plan; this one comes after it.)
        return Plan.objects.create(
            title="Kế hoạch thử", decision="1/QĐ-THỬ", start_year=2024, end_year=2030
        )

    @cached_property
    def task_group(self):
        return TaskGroup.objects.order_by("pk").first()

    @cached_property
    def task(self):
        return Task.objects.get(number="2.1")

    @cached_property
    def agency(self):
        return Agency.objects.order_by("pk").first()

    @cached_property
    def target(self):
        # Applies to districts too (O1 is province-only: 404 on a district's dashboard).
        return Target.objects.get(code="O8a")

    @cached_property
    def responsibility(self):
        # Expanded from the plan fixture: one row per district for district-led tasks.
        return Responsibility.objects.filter(unit=self.district).order_by("pk").first()

    @cached_property
    def activity(self):
        settings = self.request.getfixturevalue("settings")
        settings.MEDIA_ROOT = self.request.getfixturevalue("tmp_path")
        upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
        fields = {"held_on": date(2025, 6, 1), "description": "Hội nghị tập huấn"}
        return progress.add_activity(self.responsibility, None, fields, [upload], ["pdf"])

    @cached_property
    def evidence(self):
        return self.activity.evidence.get()

    @cached_property
    def report(self):
        return services.open_report(self.district, REPORT_YEAR)

    @cached_property
    def commune_year(self):
        self.report  # noqa: B018 -- opening the report writes its commune lines
        return CommuneYear.objects.get(commune=self.commune, year=REPORT_YEAR)

    @cached_property
    def deadline(self):
        return ReportDeadline.objects.update_or_create(
            year=REPORT_YEAR, defaults={"due_on": date(2026, 1, 15)}
        )[0]


def history_id(obj):
    """A version of ``obj`` (rows loaded from fixtures have none until saved)."""
    record = obj.history.order_by("history_id").last()
    if record is None:
        obj.save()
        record = obj.history.order_by("history_id").last()
    return record.history_id


# How each site URL is built: its arguments, and what a POST sends.
SITE_ARGS = {
    "evidence-file": lambda w: [w.evidence.pk],
    "progress-cell": lambda w: [w.responsibility.task.number, w.responsibility.year],
    "target-detail": lambda w: [w.target.code],
    "public-year": lambda w: [REPORT_YEAR],
    "material-file": lambda w: [w.published_material.pk],
    "api:unit": lambda w: [w.district.code],
    "api:plan-task": lambda w: ["2.1"],
    "api-unknown": lambda w: ["v1/khong-co"],
    "password_reset_confirm": lambda w: ["MQ", "sai-ma"],
    "reports:consolidated": lambda w: [REPORT_YEAR],
    "yearly-document": lambda w: [REPORT_YEAR],
    "yearly-document-text": lambda w: [REPORT_YEAR],
    # The report exists (staff and leadership do not create it by opening it).
    **{
        name: lambda w: [w.report.unit.code, w.report.year]
        for name in ("reports:report", "reports:template", "reports:transition", "reports:upload")
    },
    "admin:view_on_site": lambda w: [
        ContentType.objects.get_for_model(w.mediator).pk,
        w.mediator.pk,
    ],
    **{
        f"admin:app_list {label}": lambda w, label=label: [label]
        for label in (
            "auth",
            "axes",
            "accounts",
            "units",
            "network",
            "plans",
            "reports",
            "targets",
            "api",
        )
    },
}
SITE_QUERY = {
    "api:targets": "?year=2025",
    "api:figures": "?year=2024",
    "admin:autocomplete": "?app_label=network&model_name=mediator&field_name=team&term=",
    "admin:autocomplete user.groups": "?app_label=accounts&model_name=user&field_name=groups",
}
SITE_PATH = {"admin/(?P<url>.*)$": "/admin/khong-co-trang-nay/"}
SITE_DATA = {
    "reports:bulk-approve": lambda w: {"year": REPORT_YEAR, "report": w.report.pk},
    "progress-cell": lambda w: {
        "responsibility": w.responsibility.pk,
        "action": "status",
        "status": Responsibility.Status.IN_PROGRESS,
    },
    **{
        f"reports:transition {action}": lambda w, action=action: {"action": action}
        for action in ("submit", "return", "approve", "reopen")
    },
}


# --- The rows ---


@dataclass
class Row:
    method: str
    key: str  # a URL name, "name variant", or an unnamed pattern's route
    expect: dict
    build: object  # World -> (path, args for a Redirect by URL name, POST data)
    name: str = field(init=False)

    def __post_init__(self):
        self.name = self.key.split(" ")[0]


def site_row(method, key, statuses):
    name, _, variant = key.partition(" ")

    def build(world):
        args = SITE_ARGS.get(key, SITE_ARGS.get(name, lambda w: []))(world)
        if key in SITE_PATH:
            path = SITE_PATH[key]
        else:
            path = reverse(name, args=args) + SITE_QUERY.get(key, "")
        if variant.startswith("?"):
            path += variant
        data = SITE_DATA.get(key, lambda w: {})(world)
        return path, args, data

    return Row(method, key, dict(zip(PERSONAS, statuses, strict=True)), build)


def admin_rows():
    for model, model_admin in admin.site._registry.items():
        officer, staff, scoped, attribute = ADMIN_MODELS[model._meta.label_lower]
        kinds = admin_kinds(model_admin)
        for kind, key in kinds.items():
            methods = ["GET"]
            # POSTs where a GET would not tell: the history form saves what it is sent.
            if kind in ("simple_history", "excel_import"):
                methods.append("POST")
            for method in methods:
                expect = {"anonymous": ADMIN_LOGIN, "leader": ADMIN_LOGIN}
                for persona, rights, in_scope in (
                    ("officer_a", officer, True),
                    ("officer_b", officer, not scoped),
                    ("province_staff", staff, True),
                ):
                    expect[persona] = admin_expectation(
                        kind, method, rights, in_scope, kinds["change"]
                    )
                build = admin_builder(model_admin, kind, key, attribute, method)
                yield Row(method, key, expect, build)


def admin_builder(model_admin, kind, key, attribute, method):
    app, model = model_admin.opts.app_label, model_admin.opts.model_name

    def build(world):
        if kind == "excel_import" and method == "POST":
            return reverse(key), [], {"file": SimpleUploadedFile("danh-sach.xlsx", b"not Excel")}
        if kind in ("changelist", "add") or kind.startswith("excel_"):
            return reverse(key), [], {}
        obj = getattr(world, attribute)
        if kind == "legacy":
            return f"/admin/{app}/{model}/{obj.pk}/", [obj.pk], {}
        if kind == "simple_history":
            return reverse(key, args=[obj.pk, history_id(obj)]), [], {}
        return reverse(key, args=[obj.pk]), [obj.pk], {}

    return build


ROWS = {
    (row.method, row.key): row
    for row in [
        *(site_row("GET", key, statuses) for key, statuses in SITE_GET.items()),
        *(site_row("POST", key, statuses) for key, statuses in SITE_POST.items()),
        *(site_row("GET", key, statuses) for key, statuses in ADMIN_SITE_GET.items()),
        *(site_row("POST", key, statuses) for key, statuses in ADMIN_SITE_POST.items()),
        *admin_rows(),
    ]
}

CASES = [
    pytest.param(method, key, persona, id=f"{method} {key} as {persona}")
    for (method, key) in ROWS
    for persona in PERSONAS
]


ERROR_PAGE_TITLES = {
    403: "Không có quyền truy cập",
    405: "Không mở trực tiếp được địa chỉ này",
}


@pytest.mark.parametrize(("method", "key", "persona"), CASES)
def test_permission(method, key, persona, client, request):
    row = ROWS[method, key]
    path, args, data = row.build(World(request))
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.get(path) if method == "GET" else client.post(path, data)
    response.close()  # file downloads stream
    expected = row.expect[persona]
    if isinstance(expected, Redirect):
        target = expected.to if expected.to.startswith("/") else reverse(expected.to, args=args)
        location = response.get("Location", "")
        assert (response.status_code, urlsplit(location).path) == (302, target), (
            f"{method} {path} as {persona}: expected {expected!r}, got "
            f"{response.status_code} {location}"
        )
        assert ("next=" in urlsplit(location).query) == expected.next, location
    else:
        assert response.status_code == expected, (
            f"{method} {path} as {persona}: expected {expected}, got {response.status_code} "
            f"{response.get('Location', '')}"
        )
        if expected in ERROR_PAGE_TITLES:
            # Every refusal is the site's Vietnamese page with a way back, never a bare
            # "403 Forbidden" or an empty 405 (tests/test_error_pages.py).
            page = response.content.decode()
            assert ERROR_PAGE_TITLES[expected] in page, f"{method} {path} as {persona}"
            assert 'href="/"' in page and "Forbidden" not in page, f"{method} {path}"


# --- The matrix covers the URL configuration ---


def url_keys(patterns=None, namespace=""):
    """Every URL name of the site ("admin:…" for namespaced ones), or for an unnamed
    pattern its full route."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            for key, route in url_keys(pattern.url_patterns, inner):
                yield key, str(pattern.pattern) + route
        elif isinstance(pattern, URLPattern):
            route = str(pattern.pattern)
            yield (f"{namespace}{pattern.name}" if pattern.name else None), route


def configured_keys():
    return {name or route for name, route in url_keys()}


def test_every_url_has_a_row():
    covered = {row.name for row in ROWS.values()}
    missing = sorted(configured_keys() - covered)
    assert not missing, f"URLs without a row in the permission matrix: {missing}"


def test_every_row_is_a_url():
    stale = sorted({row.name for row in ROWS.values()} - configured_keys())
    assert not stale, f"Rows for URLs that no longer exist: {stale}"


def test_every_registered_model_has_its_rights_and_every_app_its_index():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN_MODELS)
    apps = {model._meta.app_label for model in admin.site._registry}
    assert apps == {key.split(" ")[1] for key in ADMIN_SITE_GET if key.startswith("admin:app_list")}


def test_the_matrix_checks_every_persona():
    assert {persona for *_rest, persona in (case.values for case in CASES)} == set(PERSONAS)
    assert all(set(row.expect) == set(PERSONAS) for row in ROWS.values())


# --- What the history form lets a view-only user do ---


def _form_data(response):
    """The POST the history form's own fields would send, as the browser would."""
    data = {}
    for bound in response.context["adminform"].form:
        name, value = bound.name, bound.value()
        if value is None or value is False or name == "password":
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, datetime):
            data[f"{name}_0"], data[f"{name}_1"] = f"{value:%d/%m/%Y}", f"{value:%H:%M:%S}"
        else:
            data[name] = value
    return data


@pytest.mark.parametrize(
    ("persona", "attribute", "change", "check"),
    [
        # Province staff hold only view_user: they must not make themselves superuser.
        ("province_staff", "self", {"is_superuser": "on"}, lambda obj: not obj.is_superuser),
        # A district officer reads its report; it must not approve it past the workflow.
        ("officer_a", "report", {"status": "approved"}, lambda obj: obj.status == "draft"),
        # Officers read the province's targets; they must not rewrite them.
        ("officer_a", "target", {"title": "Huyện sửa"}, lambda obj: obj.title != "Huyện sửa"),
    ],
    ids=["staff-superuser", "officer-approves-report", "officer-edits-target"],
)
def test_the_history_form_saves_nothing_for_a_view_only_user(
    persona, attribute, change, check, client, request
):
    user = request.getfixturevalue(persona)
    obj = user if attribute == "self" else getattr(World(request), attribute)
    opts = obj._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, history_id(obj)]
    )
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200  # reading the version is allowed
    response = client.post(url, {**_form_data(page), **change})
    obj.refresh_from_db()
    assert response.status_code == 403 and check(obj), (
        f"{persona} saved {change} through {url} (answer {response.status_code})"
    )
