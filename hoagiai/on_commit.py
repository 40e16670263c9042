"""Work gathered during one transaction and done once, when it commits.

A fixture load or an Excel import changes thousands of rows in one transaction; what
follows from them (recounting figures, re-expanding the plan) should run once, over all
of them, and only if the transaction commits.
"""

from django.db import transaction


class _Batch:
    def __init__(self, handle):
        self.handle = handle
        self.keys = set()
        self.everything = False
        self.done = False

    def add(self, keys):
        if keys is None:
            self.everything = True
        else:
            self.keys.update(keys)

    def __call__(self):
        self.done = True
        self.handle(None if self.everything else self.keys)


def gather(name: str, keys, handle):
    """Add ``keys`` (a set, or None for "everything") to the batch ``name`` of the current
    transaction; ``handle(keys)`` runs once when it commits (at once outside one)."""
    connection = transaction.get_connection()
    attribute = f"_on_commit_{name}"
    batch = getattr(connection, attribute, None)
    waiting = [func for _, func, _ in connection.run_on_commit]
    if batch is None or batch.done or not any(func is batch for func in waiting):
        batch = _Batch(handle)
        setattr(connection, attribute, batch)
        batch.add(keys)
        transaction.on_commit(batch)
    else:
        batch.add(keys)
