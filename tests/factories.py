"""Small builders for registry rows in tests (plain functions, no factory library)."""

from datetime import date

from network.models import MediationTeam, Mediator, Training
from units.models import AdminUnit


def commune(code="07201"):
    return AdminUnit.objects.get(code=code)


def team(name="Thôn Đông", commune_code="07201", **fields):
    return MediationTeam.objects.create(commune=commune(commune_code), name=name, **fields)


def mediator(
    team, name="Nguyễn Văn An", sex="M", role="member", recognised=date(2023, 1, 1), **fields
):
    return Mediator.objects.create(
        team=team, full_name=name, sex=sex, role=role, recognised_on=recognised, **fields
    )


def full_team(name="Thôn Đông", commune_code="07201", **fields):
    """A team that meets the Law: a leader, three mediators, a woman."""
    result = team(name, commune_code, **fields)
    mediator(result, "Nguyễn Văn An", role="leader")
    mediator(result, "Trần Thị Bình", sex="F")
    mediator(result, "Lê Văn Cường")
    return result


def training(held_on, organiser_code="213", audience="mediators", **fields):
    return Training.objects.create(
        title="Tập huấn kỹ năng hòa giải",
        held_on=held_on,
        organiser=AdminUnit.objects.get(code=organiser_code),
        level="district",
        audience=audience,
        **fields,
    )
