"""Unconfirmed uploads are cleared after a while; recent ones stay."""

from datetime import timedelta
from io import StringIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone


def test_old_unconfirmed_uploads_are_removed(monkeypatch):
    old = default_storage.save("imports/old.xlsx", ContentFile(b"x"))
    new = default_storage.save("imports/new.xlsx", ContentFile(b"y"))
    real = default_storage.get_modified_time

    def aged(name):
        return timezone.now() - timedelta(days=3) if name == old else real(name)

    monkeypatch.setattr(default_storage, "get_modified_time", aged)
    out = StringIO()
    call_command("clear_stale_imports", stdout=out)
    assert not default_storage.exists(old)
    assert default_storage.exists(new)
    assert "Removed 1" in out.getvalue()
    default_storage.delete(new)
