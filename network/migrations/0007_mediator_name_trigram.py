"""A trigram index on the folded mediator name, on PostgreSQL: the admin's search matches
a word anywhere in the name (LIKE '%nguyen%'), which a b-tree index cannot serve.

SQLite has no such index: its scan of the stored folded column is what makes its search
fast (no function per row). The index is not in the model's state (GinIndex would not
build on SQLite), so it is made and dropped here only."""

from django.db import migrations

INDEX = "network_mediator_name_folded_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON network_mediator "
        "USING gin (name_folded gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("network", "0006_mediator_name_folded")]

    operations = [migrations.RunPython(create, drop)]
