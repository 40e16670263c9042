"""Control characters and implausible dates are refused in forms too (issue 13, items 3, 9)."""

from datetime import date

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from network.models import MediationTeam, Mediator, Training
from plans.forms import ActivityForm
from reports.forms import TransitionForm

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    from accounts.models import User

    return User.objects.create_superuser("quan-tri", "qt@example.org", "x")


def admin_form(model, user, data, instance=None):
    request = RequestFactory().post("/")
    request.user = user
    model_admin = admin.site._registry[model]
    form_class = model_admin.get_form(request, instance)
    return form_class(data, instance=instance)


def test_the_admin_refuses_a_bidi_override_in_a_name(superuser):
    team = factories.team("Thôn Đông", "07201")
    form = admin_form(
        Mediator,
        superuser,
        {"team": team.pk, "full_name": "Nguyễn \u202eVăn An", "sex": "M", "role": "member",
         "recognised_on": "01/03/2024"},
    )  # fmt: skip
    assert not form.is_valid()
    assert "ký tự điều khiển" in form.errors["full_name"][0]


def test_the_admin_refuses_a_control_character_in_a_team_name(superuser):
    commune = factories.commune("07201")
    form = admin_form(MediationTeam, superuser, {"commune": commune.pk, "name": "Thôn\x07 Đông"})
    assert not form.is_valid()
    assert "U+0007" in form.errors["name"][0]


def test_the_admin_inlines_refuse_control_characters_too(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site._registry[MediationTeam]
    for inline in model_admin.get_inline_instances(request):
        formset = inline.get_formset(request)
        for field in formset.form.base_fields.values():
            if type(field).__name__ == "CharField":
                with pytest.raises(ValidationError):
                    field.clean("x\u2066y")


def test_page_forms_refuse_control_characters():
    form = TransitionForm({"action": "return", "comment": "Sai số liệu\u202e"})
    form.is_valid()
    assert "ký tự điều khiển" in str(form.errors.get("comment"))
    activity = ActivityForm({"held_on": "01/03/2025", "description": "Hội nghị\u2067 tập huấn"})
    activity.is_valid()
    assert "U+2067" in str(activity.errors["description"])


def test_a_mediator_recognised_before_birth_or_in_1900_is_refused():
    team = factories.team("Thôn Đông", "07201")
    mediator = Mediator(team=team, full_name="Nguyễn Văn An", sex="M", role="member",
                        birth_year=1975, recognised_on=date(1970, 1, 1))  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        mediator.full_clean()
    assert "trước năm sinh (1975)" in str(raised.value.message_dict["recognised_on"])
    mediator.recognised_on = date(1900, 1, 1)
    mediator.birth_year = None
    with pytest.raises(ValidationError) as raised:
        mediator.full_clean()
    assert "02/09/1945" in str(raised.value.message_dict["recognised_on"])


def test_a_training_held_in_1900_is_refused():
    organiser = factories.commune("07201")
    training = Training(title="Tập huấn", held_on=date(1900, 1, 1), organiser=organiser,
                        level="commune", audience="mediators")  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        training.full_clean()
    assert "held_on" in raised.value.message_dict
