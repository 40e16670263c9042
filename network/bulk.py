"""Bulk inserts without the ORM's per-value work, for the imports and the demo seeder.

``QuerySet.bulk_create`` compiles every value through the field's ``get_db_prep_save`` and
builds batches of a few hundred rows (999 parameters on SQLite): on a 17,396-row mediator
import that took 1.5 of the confirmation's 2 seconds on SQLite (benchmarks/import_mediators.py).
Here each column gets one converter chosen once, and the rows go in as one ``COPY`` on
PostgreSQL (ids drawn from the table's sequence first) or one ``executemany`` on SQLite.
What ``bulk_create`` does that matters is kept: the objects get their ids, unsaved parents'
ids are read into the foreign keys, and an object whose parent was never saved is refused.
No model signals are sent (callers write history and announce the changes themselves).
"""

import io
from datetime import date, datetime
from operator import attrgetter

from django.db import connection, models
from django.db.models.base import ModelState

# Field classes whose values the database drivers take as they are (str, int, bool, None).
PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def converters(fields):
    """One function per field turning a Python value into what the driver takes."""
    ops = connection.ops
    result = []
    for field in fields:
        if isinstance(field, models.DateTimeField):
            result.append(lambda value, field=field: field.get_db_prep_save(value, connection))
        elif isinstance(field, models.DateField):
            result.append(ops.adapt_datefield_value)
        elif isinstance(field, PLAIN):
            result.append(None)
        else:
            result.append(lambda value, field=field: field.get_db_prep_save(value, connection))
    return result


def values_of(attnames):
    """A function giving an object's values of ``attnames``, as a tuple."""
    if len(attnames) == 1:
        return lambda obj: (getattr(obj, attnames[0]),)
    return attrgetter(*attnames)


def rows_of(values, convert):
    """Each row of ``values`` (sequences) as a list, with the converters applied (None
    stays None)."""
    rows = [list(row) for row in values]
    columns = [(index, fn) for index, fn in enumerate(convert) if fn is not None]
    for row in rows:
        for index, fn in columns:
            value = row[index]
            if value is not None:
                row[index] = fn(value)
    return rows


def maker(model, names):
    """A function building new, unsaved instances of ``model`` from positional values for
    the fields ``names`` (a foreign key by its name takes the related object); the other
    fields get their defaults. ``Model(**values)`` spends most of its time on the keyword
    arguments and the defaults: an import's preview builds 17,000 rows."""
    meta = model._meta
    given = [meta.get_field(name) for name in names]
    rest = [field for field in meta.concrete_fields if field not in given]
    fixed = {field.attname: field.get_default() for field in rest if not callable(field.default)}
    computed = [field for field in rest if callable(field.default)]
    relations = [(index, field) for index, field in enumerate(given) if field.is_relation]
    attnames = [field.attname for field in given]

    def make(*values):
        obj = unsaved(model, (), ())
        row = obj.__dict__
        row.update(fixed)
        for field in computed:
            row[field.attname] = field.get_default()
        row.update(zip(attnames, values, strict=True))
        for index, field in relations:
            parent = values[index]
            row[field.attname] = None if parent is None else parent.pk
            if parent is not None:
                field.set_cached_value(obj, parent)
        return obj

    return make


def unsaved(model, attnames, values):
    """A new, unsaved instance of ``model`` with ``values`` for ``attnames`` (and nothing
    else: give every concrete field). What ``Model.__init__`` does for positional values,
    without its per-field loop and init signals (no model of the registry listens to
    them): an import's confirmation rebuilds 17,000 rows."""
    obj = model.__new__(model)
    obj._state = ModelState()
    obj.__dict__.update(zip(attnames, values, strict=True))
    return obj


def _copy_text(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def copyable(fields):
    """True when the fields' values can go through COPY's text format as written here
    (text, numbers, booleans, dates, file names; not JSON, which has its own adapter)."""
    return all(isinstance(field, (*PLAIN, models.DateField, models.FileField)) for field in fields)


def write_rows(table, columns, rows, copy=True):
    """INSERT ``rows`` (lists of driver values) into ``table``: COPY on PostgreSQL (when
    ``copy``: see ``copyable``), ``executemany`` elsewhere."""
    if not rows:
        return
    ops = connection.ops
    names = ", ".join(ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and copy:
            buffer = io.StringIO()
            buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in rows)
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {ops.quote_name(table)} ({names}) FROM STDIN", buffer)
        elif connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            insert = f"INSERT INTO {ops.quote_name(table)} ({names}) VALUES %s"
            execute_values(cursor.cursor, insert, rows, page_size=2000)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {ops.quote_name(table)} ({names}) VALUES ({placeholders})", rows
            )


def _read_parents(objs, relations):
    """What ``bulk_create`` does first: a parent saved after the child was made gives the
    child its id; a parent never saved is an error."""
    for field in relations:
        for obj in objs:
            if getattr(obj, field.attname) is None and field.is_cached(obj):
                parent = field.get_cached_value(obj)
                if parent is not None:
                    if parent.pk is None:
                        raise ValueError(
                            f"{field.model.__name__}.{field.name}: the related object is unsaved."
                        )
                    setattr(obj, field.attname, parent.pk)


def insert(model, objs):
    """Insert new ``objs`` of ``model`` (their ids not set) and give each its id."""
    if not objs:
        return objs
    meta = model._meta
    pk = meta.pk
    if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
        model.objects.bulk_create(objs, batch_size=2000)
        return objs
    fields = [field for field in meta.concrete_fields if field is not pk]
    _read_parents(objs, [field for field in fields if field.is_relation])
    rows = rows_of(map(values_of([field.attname for field in fields]), objs), converters(fields))
    table, columns = meta.db_table, [field.column for field in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Ids from the table's own sequence (safe beside other writers), then one COPY.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(objs)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            write_rows(
                table,
                [pk.column, *columns],
                [[i, *row] for i, row in zip(ids, rows, strict=True)],
                copyable(fields),
            )
        else:
            if not connection.in_atomic_block:
                raise RuntimeError("network.bulk.insert runs inside a transaction.")
            # Inside the transaction SQLite's write lock is held (transactions begin
            # IMMEDIATE): the new rows are the ones above the largest id before, in order.
            quoted_pk, quoted_table = (connection.ops.quote_name(n) for n in (pk.column, table))
            cursor.execute(f"SELECT COALESCE(MAX({quoted_pk}), 0) FROM {quoted_table}")
            before = cursor.fetchone()[0]
            write_rows(table, columns, rows)
            cursor.execute(
                f"SELECT {quoted_pk} FROM {quoted_table} WHERE {quoted_pk} > %s "
                f"ORDER BY {quoted_pk}",
                [before],
            )
            ids = [row[0] for row in cursor.fetchall()]
    if len(ids) != len(objs):
        raise RuntimeError(f"{len(objs)} rows inserted into {table}, {len(ids)} ids read back.")
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
