"""An ``unaccent`` transform on both databases, so admin search finds "Nguyễn" by "Nguyen".

PostgreSQL uses its unaccent extension (migration network 0002 creates it) wrapped in
lower(); SQLite gets a Python function registered on every new connection.
"""

from django.db import models
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from hoagiai.text import fold


class Unaccent(models.Transform):
    lookup_name = "unaccent"
    bilateral = True  # fold the search term the same way as the column

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"LOWER(UNACCENT({sql}))", params

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"hoagiai_fold({sql})", params


models.CharField.register_lookup(Unaccent)
models.TextField.register_lookup(Unaccent)


@receiver(connection_created)
def prepare_sqlite(sender, connection, **kwargs):
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function("hoagiai_fold", 1, fold, deterministic=True)
