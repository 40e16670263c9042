"""History rows for bulk writes (DESIGN §6: bulk paths write their history explicitly).

This writes what django-simple-history's ``bulk_history_create`` writes — one historical
row per object, with the user, the reason and the type of change — as one parameterised
``executemany`` (``execute_values`` on PostgreSQL) instead of ORM model instances: on a
17,396-row mediator import the ORM path spends about a second compiling the insert
statements (benchmarks/import_mediators.py).
"""

from django.db import connection, models
from django.utils import timezone

CREATED, CHANGED, DELETED = "+", "~", "-"
HISTORY_FIELDS = ["history_date", "history_change_reason", "history_type", "history_user_id"]


def bulk_history(objs, model, history_type, user, reason):
    """Write one historical row per object of ``model`` (already saved, with its pk)."""
    history_model = model.history.model
    tracked = [field.attname for field in history_model.tracked_fields]
    fields = {field.attname: field for field in history_model._meta.concrete_fields}
    if set(fields) != {"history_id", *tracked, *HISTORY_FIELDS}:
        # A simple-history version that stores more: use its own writer.
        return model.history.bulk_history_create(
            objs, update=history_type == CHANGED, default_user=user, default_change_reason=reason
        )
    ops = connection.ops
    # Dates need the backend's own form (text on SQLite), JSON its encoding; other values
    # pass as they are.
    dates = {
        name
        for name in tracked
        if isinstance(fields[name], models.DateField)
        and not isinstance(fields[name], models.DateTimeField)
    }
    prepared = {name for name in tracked if isinstance(fields[name], models.JSONField)}
    extra = [
        ops.adapt_datetimefield_value(timezone.now()),
        reason,
        history_type,
        user.pk if user else None,
    ]
    rows = [
        [
            ops.adapt_datefield_value(value)
            if name in dates
            else fields[name].get_db_prep_save(value, connection)
            if name in prepared
            else value
            for name, value in ((name, getattr(obj, name)) for name in tracked)
        ]
        + extra
        for obj in objs
    ]
    columns = ", ".join(ops.quote_name(fields[name].column) for name in tracked + HISTORY_FIELDS)
    insert = f"INSERT INTO {ops.quote_name(history_model._meta.db_table)} ({columns}) VALUES "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg2's executemany makes a round trip per row; execute_values batches them.
            from psycopg2.extras import execute_values

            execute_values(cursor.cursor, insert + "%s", rows, page_size=1000)
        else:
            placeholders = ", ".join(["%s"] * (len(tracked) + len(HISTORY_FIELDS)))
            cursor.executemany(f"{insert}({placeholders})", rows)
