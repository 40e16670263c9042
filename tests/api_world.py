"""What the API tests share: tokens for the personas and a small registry on both sides of
the line between district A (213) and district B (215)."""

from django.utils import timezone

from accounts.models import Role, User
from api.models import ApiToken
from units.models import AdminUnit

from . import factories
from .conftest import make_user


def token_for(user, name="thử nghiệm") -> str:
    token = ApiToken(user=user, name=name)
    secret = token.issue()
    token.save()
    return secret


def bearer(secret) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def commune_of(district_code) -> AdminUnit:
    """The first commune (by code) of a district."""
    return (
        AdminUnit.objects.filter(parent__code=district_code, level="commune")
        .order_by("code")
        .first()
    )


def commune_officer(code="07201") -> User:
    user = make_user("xa" + code, Role.COMMUNE_OFFICER)
    user.unit = AdminUnit.objects.by_code(code, timezone.localdate())
    user.save()
    return user


def registry():
    """Two teams with mediators in district 213 (one in 07201, one in another commune) and
    one in district 215."""
    a1 = factories.full_team("Thôn A1", commune_of("213").code)
    a2 = factories.full_team(
        "Thôn A2", AdminUnit.objects.filter(parent__code="213").order_by("code")[1].code
    )
    b1 = factories.full_team("Thôn B1", commune_of("215").code)
    return {"a1": a1, "a2": a2, "b1": b1}
