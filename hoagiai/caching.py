"""Reads of rarely changing rows (the unit tree, the plan, the targets, a user's roles and
permissions), kept in the cache across requests and dropped when their rows change.

Each read names the models it depends on. Every such model has a generation number in the
cache, part of the key of every read that depends on it. A change to one of its rows bumps
the generation once the transaction commits, so the next read misses and recomputes; the
old entries are never read again and expire. Changes are seen by Django's signals
(``post_save``, ``post_delete``, ``m2m_changed``); a path that writes without them (a bulk
insert or a queryset update) calls ``changed()`` itself. ``migrate`` and ``flush`` (which
send ``post_migrate``) drop everything: the database may be a new one under the same ids.

Reads inside a transaction are not cached: they may see rows that are then rolled back.

With several worker processes the cache must be shared between them (``CACHE_URL``, e.g.
Redis): a per-process cache would only drop its own entries. ``CACHE_ACROSS_REQUESTS``
(settings) is off without one, except for a single process (DEBUG).
"""

import contextlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from .on_commit import gather

# A backstop: a change that reaches the database past the signals shows within this time.
TIMEOUT = 10 * 60

_MISSING = object()


def _generation_key(label: str) -> str:
    return f"generation:{label}"


def cached(key: str, models, compute, timeout: int = TIMEOUT):
    """``compute()``, or what it returned the last time for ``key`` if none of ``models``
    changed since."""
    if connection.in_atomic_block or not settings.CACHE_ACROSS_REQUESTS:
        return compute()
    generation_keys = [_generation_key(model._meta.label_lower) for model in models]
    generations = cache.get_many(generation_keys)
    missing = [name for name in generation_keys if name not in generations]
    for name in missing:
        # A fresh start (the clock) rather than 0, so that entries made before the number
        # was evicted can never be read again.
        cache.add(name, time.time_ns(), timeout=None)
        generations[name] = cache.get(name)
    full_key = ":".join([key, *(str(generations[name]) for name in generation_keys)])
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full_key, value, timeout)
    return value


def _bump(labels):
    for label in labels:
        # A generation never read (or evicted) has nothing cached under it: nothing to do.
        with contextlib.suppress(ValueError):
            cache.incr(_generation_key(label))


def changed(*models):
    """The rows of ``models`` changed: drop the reads that depend on them (at commit).

    Every model is followed, not only those read through ``cached()`` so far: the process
    that writes a row may never have read it, while another has."""
    gather("cache_generations", {model._meta.label_lower for model in models}, _bump)


def _on_change(sender, action=None, **kwargs):
    if action is None or action.startswith("post_"):  # m2m_changed: after the change
        changed(sender)


post_save.connect(_on_change, dispatch_uid="hoagiai.caching.post_save")
post_delete.connect(_on_change, dispatch_uid="hoagiai.caching.post_delete")
m2m_changed.connect(_on_change, dispatch_uid="hoagiai.caching.m2m_changed")


def _on_migrate(sender, **kwargs):
    _bump(model._meta.label_lower for model in sender.get_models(include_auto_created=True))


post_migrate.connect(_on_migrate, dispatch_uid="hoagiai.caching.post_migrate")
