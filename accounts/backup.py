"""A whole-portal backup in one file, and its restore (``manage.py backup`` / ``restore``).

The archive (.tar.gz) holds ``data.json`` — every row of the portal's apps and their audit
history, users and groups, as ``dumpdata`` writes it with natural keys — and ``media/``,
the uploaded evidence files. It works on SQLite and PostgreSQL alike, so a backup taken on
one restores on the other. For a large PostgreSQL database, ``pg_dump -Fc`` is faster (see
the README); this format is the one the test suite restores on every run.
"""

import io
import json
import tarfile
from pathlib import Path

from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

# Rebuilt by migrate (content types, permissions) or not worth keeping (sessions, login
# attempts): left out of the backup.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
]
DATA = "data.json"
MEDIA = "media/"


def backup(path: Path) -> dict[str, int]:
    """Write the archive to ``path``; return the number of rows and files written."""
    data = io.StringIO()
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=False,
        exclude=EXCLUDED,
        stdout=data,
        verbosity=0,
    )
    payload = data.getvalue().encode()
    files = _media_files()
    with tarfile.open(path, "w:gz") as archive:
        _add(archive, DATA, payload)
        for name in files:
            with default_storage.open(name, "rb") as handle:
                _add(archive, MEDIA + name, handle.read())
    return {"rows": len(json.loads(payload)), "files": len(files)}


@transaction.atomic
def restore(path: Path) -> dict[str, int]:
    """Load the archive into a freshly migrated database; all or nothing."""
    with tarfile.open(path, "r:gz") as archive:
        payload = archive.extractfile(DATA).read().decode()
        # Saved one by one as they are read, as loaddata does: a row's natural keys find
        # the rows saved before it; the rest (a unit's parent listed later) wait.
        rows, deferred = 0, []
        for item in serializers.deserialize("json", payload, handle_forward_references=True):
            item.save()
            rows += 1
            if item.deferred_fields:
                deferred.append(item)
        for item in deferred:
            item.save_deferred_fields()
        files = 0
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith(MEDIA):
                name = member.name[len(MEDIA) :]
                if default_storage.exists(name):
                    default_storage.delete(name)
                default_storage.save(name, archive.extractfile(member))
                files += 1
    _reset_sequences()
    return {"rows": rows, "files": files}


def _add(archive, name, content: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    archive.addfile(info, io.BytesIO(content))


def _media_files(directory="") -> list[str]:
    """Every stored file under MEDIA_ROOT (evidence, pending imports), as storage names."""
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return []
    found = [f"{directory}{name}" for name in files]
    for folder in folders:
        found += _media_files(f"{directory}{folder}/")
    return found


def _reset_sequences():
    """PostgreSQL: move each id sequence past the restored rows."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    models = [model for model in apps.get_models(include_auto_created=True)]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
