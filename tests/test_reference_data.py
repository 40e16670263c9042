"""The run script's set-up loads the reference data into an empty database only (issue 21):
restarting the portal never puts back what staff changed in the admin."""

import pytest
from django.core.management import call_command

from targets.models import Target

pytestmark = pytest.mark.django_db


def test_a_target_edited_in_the_admin_survives_the_set_up_run_again(capsys):
    target = Target.objects.get(code="O8a")
    target.title = "Tỷ lệ hòa giải thành (Sở đã sửa)"
    target._change_reason = "Sửa tên chỉ tiêu"
    target.save()

    call_command("load_reference_data")

    target.refresh_from_db()
    assert target.title == "Tỷ lệ hòa giải thành (Sở đã sửa)"
    assert target.history.first().history_change_reason == "Sửa tên chỉ tiêu"
    assert "nothing changed" in capsys.readouterr().out


def test_the_set_up_run_again_is_quiet_at_verbosity_0(capsys):
    call_command("load_reference_data", verbosity=0)
    assert capsys.readouterr() == ("", "")
