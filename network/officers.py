"""Commune officers created in bulk from an Excel list (issue 15), by province staff.

It lives with the registry's Excel readers (accounts reads only the units app below it).

One row per officer: the commune's GSO code (as of today), the full name, an email and a
phone number. All or nothing: every problem is named by row and column in Vietnamese and
nothing is written while any is left; then each account gets a one-time random password,
or, when asked and the row has an email, Django's set-password email.
"""

import logging
import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from units.models import AdminUnit, Succession

from .spreadsheets import (
    CellError,
    CellProblem,
    FileProblem,
    header_key,
    parse_code_or_text,
    parse_text,
    plain_text,
    read_sheet,
)

logger = logging.getLogger(__name__)

CODE = gettext_lazy("Commune code")
NAME = gettext_lazy("Full name")
EMAIL = gettext_lazy("Email")
PHONE = gettext_lazy("Phone")
COLUMNS = [
    ("code", CODE, True),
    ("name", NAME, True),
    ("email", EMAIL, False),
    ("phone", PHONE, False),
]

PHONE_PATTERN = re.compile(r"^\+?\d[\d .-]{6,18}\d$")
NAME_LENGTH = 150  # AbstractUser's first_name and last_name each hold 150


@dataclass
class OfficerRow:
    row: int
    commune: AdminUnit
    full_name: str
    email: str
    phone: str

    @property
    def last_name(self) -> str:
        """Vietnamese names end with the given name: "Nguyễn Thị" + "Hoa"."""
        return self.full_name.rpartition(" ")[0]

    @property
    def first_name(self) -> str:
        return self.full_name.rpartition(" ")[2]


@dataclass
class OfficerPlan:
    rows: list[OfficerRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors and not self.file_error


@dataclass
class Created:
    user: User
    password: str | None  # None: a set-password email was sent instead
    email_failed: bool = False


class _Communes:
    """Today's communes by code, the ended ones by code, and who took each: three queries."""

    def __init__(self, today):
        self.today = today
        self.current, self.ended = {}, {}
        for unit in AdminUnit.objects.communes().order_by("valid_to"):
            if unit.is_valid_on(today):
                self.current[unit.code] = unit
            elif unit.valid_to and unit.valid_to < today:
                self.ended[unit.code] = unit  # of two ended units with one code, the later
        by_id = {unit.pk: unit for unit in self.current.values()}
        self.successor = {
            predecessor: by_id.get(successor)
            for predecessor, successor in Succession.objects.values_list(
                "predecessor_id", "successor_id"
            )
        }

    def parse(self, raw) -> AdminUnit:
        text = parse_code_or_text(raw)
        code = text.zfill(5) if text.isdigit() else text
        if code in self.current:
            return self.current[code]
        former = self.ended.get(code)
        if former is None:
            raise CellProblem(_("unknown commune code “%(value)s”") % {"value": text})
        successor = self.successor.get(former.pk)
        values = {"unit": former.name, "code": former.code, "day": f"{former.valid_to:%d/%m/%Y}"}
        if successor is None:
            raise CellProblem(
                _("%(unit)s (%(code)s) ended on %(day)s and no commune took it over") % values
            )
        raise CellProblem(
            _(
                "%(unit)s (%(code)s) ended on %(day)s and became part of %(new)s "
                "(%(new_code)s): write %(new_code)s"
            )
            % {**values, "new": successor.name, "new_code": successor.code}
        )


def _name(raw) -> str:
    name = parse_text(raw)
    if len(name) > NAME_LENGTH:
        raise CellProblem(
            _("%(length)d characters, more than the %(limit)d this column holds")
            % {"length": len(name), "limit": NAME_LENGTH}
        )
    return name


def _email(raw) -> str:
    email = plain_text(str(raw))
    try:
        validate_email(email)
    except ValidationError:
        raise CellProblem(
            _("“%(value)s” is not a valid email address") % {"value": email}
        ) from None
    return email


def _phone(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        # Typed as a number, the leading zero is lost: 912345678 is 0912345678.
        raw = f"0{raw}" if len(str(raw)) == 9 else str(raw)
    phone = plain_text(str(raw))
    if not PHONE_PATTERN.match(phone):
        raise CellProblem(_("“%(value)s” is not a phone number") % {"value": phone})
    return phone


def read_officers(uploaded) -> OfficerPlan:
    """Every row of the list checked; ``plan.rows`` are to be created only if ``plan.ok``."""
    plan = OfficerPlan()
    try:
        rows = read_sheet(uploaded)
    except FileProblem as problem:
        plan.file_error = str(problem)
        return plan
    header_row = rows[0] if rows else []
    found = {header_key(cell): position for position, cell in enumerate(header_row)}
    positions = {}
    for key, header, required in COLUMNS:
        position = found.get(header_key(str(header)))
        if position is None:
            if required:
                plan.errors.append(CellError(1, str(header), _("column is missing")))
            continue
        positions[key] = position
    if plan.errors:
        return plan

    communes = _Communes(timezone.localdate())
    parsers = {"code": communes.parse, "name": _name, "email": _email, "phone": _phone}
    taken = {
        email.casefold(): username
        for email, username in User.objects.exclude(email="").values_list("email", "username")
    }
    seen = {}
    for index, cells in enumerate(rows[1:], start=2):
        if all(cell in (None, "") for cell in cells):
            continue
        values, ok = {}, True
        for key, header, required in COLUMNS:
            position = positions.get(key)
            raw = cells[position] if position is not None and position < len(cells) else None
            if isinstance(raw, str):
                raw = raw.strip()
            if raw in (None, ""):
                if required:
                    plan.errors.append(CellError(index, str(header), _("empty cell")))
                    ok = False
                values[key] = ""
                continue
            try:
                values[key] = parsers[key](raw)
            except CellProblem as problem:
                plan.errors.append(CellError(index, str(header), str(problem)))
                ok = False
        email = values.get("email", "")
        if email:
            key = email.casefold()
            if key in seen:
                plan.errors.append(
                    CellError(
                        index,
                        str(EMAIL),
                        _("the same email appears again (row %(row)d)") % {"row": seen[key]},
                    )
                )
                ok = False
            elif key in taken:
                plan.errors.append(
                    CellError(
                        index,
                        str(EMAIL),
                        _("the account “%(username)s” already has this email")
                        % {"username": taken[key]},
                    )
                )
                ok = False
            seen.setdefault(key, index)
        if ok:
            plan.rows.append(
                OfficerRow(index, values["code"], values["name"], email, values.get("phone", ""))
            )
    if not plan.rows and not plan.errors:
        plan.file_error = _("The list holds no officer: fill in one row per officer.")
    if plan.errors:
        plan.rows = []
    return plan


def _usernames(rows) -> list[str]:
    """ "xa07210", then "xa07210-2" … for a second officer of the same commune."""
    existing = set(
        User.objects.filter(username__startswith="xa").values_list("username", flat=True)
    )
    names = []
    for row in rows:
        base = f"xa{row.commune.code}"
        name, number = base, 1
        while name in existing:
            number += 1
            name = f"{base}-{number}"
        existing.add(name)
        names.append(name)
    return names


def create_officers(plan: OfficerPlan, request, send_email: bool) -> list[Created]:
    """Create every account of a correct list in one transaction; then send the emails."""
    if not plan.ok:
        raise ValueError("only a list without problems is created")
    group = Group.objects.get(name=Role.COMMUNE_OFFICER.value)
    created = []
    with transaction.atomic():
        for row, username in zip(plan.rows, _usernames(plan.rows), strict=True):
            user = User(
                username=username,
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email,
                phone=row.phone,
                unit=row.commune,
                is_staff=True,
            )
            password = None
            if send_email and row.email:
                user.set_unusable_password()
            else:
                password = secrets.token_urlsafe(9)
                user.set_password(password)
            user.pending_roles = frozenset({Role.COMMUNE_OFFICER.value})
            user.full_clean()
            user.save()
            user.groups.add(group)
            created.append(Created(user, password))
    for item in created:
        if item.password is None:
            item.email_failed = not _send_set_password_email(item.user, request)
    return created


def _send_set_password_email(user, request) -> bool:
    link = request.build_absolute_uri(
        reverse(
            "password_reset_confirm",
            args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                default_token_generator.make_token(user),
            ],
        )
    )
    context = {"user": user, "link": link, "commune": user.unit}
    try:
        send_mail(
            _("Your commune officer account on the grassroots mediation portal"),
            render_to_string("accounts/officer_email.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except Exception:  # a bounce or a mail server down: the account stays, the page says so
        logger.exception("set-password email to %s failed", user.email)
        return False
    return True
