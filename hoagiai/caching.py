"""Reads of rarely changing rows (the unit tree, the plan, the targets, the trainers, a
user's roles and permissions), kept in the cache across requests and dropped when their rows
change.

Each read names the models it depends on. Every such model has a generation number in the
cache, part of the key of every read that depends on it. A change to one of its rows bumps
the generation once the transaction commits, so the next read misses and recomputes; the
old entries are never read again and expire. Changes are seen by Django's signals
(``post_save``, ``post_delete``, ``m2m_changed``); a path that writes without them (a bulk
insert or a queryset update) calls ``changed()`` itself. ``migrate`` and ``flush`` (which
send ``post_migrate``) drop everything: the database may be a new one under the same ids.

A key with its generations always names the same value, so each process also keeps the
entries it read (pickled, so that every read gets its own copy) and asks the shared cache
only for the generations: once per request, in one call for every model this process's
reads have depended on so far. A request sees the generations as they stood when it first
asked (one consistent view), and its own commits.

Reads inside a transaction are not cached: they may see rows that are then rolled back.

With several worker processes the cache must be shared between them (``CACHE_URL``, e.g.
Redis): a per-process cache would only drop its own entries. ``CACHE_ACROSS_REQUESTS``
(settings) is off without one.
"""

import contextlib
import hashlib
import pickle
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from .on_commit import gather

# A backstop: a change that reaches the database past the signals shows within this time.
TIMEOUT = 10 * 60
# Longer keys (a read that depends on many models) have their generations hashed.
KEY_LENGTH = 200
# Entries each process keeps (per-user entries included: a few per user of the day).
LOCAL_ENTRIES = 2000

_MISSING = object()


class _Local:
    """This process's copies of entries (LRU) and, per thread, the request's generations."""

    def __init__(self):
        self.entries = OrderedDict()
        self.lock = threading.Lock()
        self.labels = set()  # the models reads have depended on: their generations
        self.request = threading.local()

    def get(self, key):
        with self.lock:
            data = self.entries.get(key)
            if data is not None:
                self.entries.move_to_end(key)
        return _MISSING if data is None else pickle.loads(data)

    def put(self, key, value):
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        with self.lock:
            self.entries[key] = data
            while len(self.entries) > LOCAL_ENTRIES:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()
        self.request.generations = None


_local = _Local()


def _generation_key(label: str) -> str:
    return f"generation:{label}"


def _read_generations(labels) -> dict[str, int]:
    keys = {_generation_key(label): label for label in labels}
    found = cache.get_many(keys)
    for key in keys.keys() - found.keys():
        # A fresh start (the clock) rather than 0, so that entries made before the number
        # was evicted can never be read again.
        cache.add(key, time.time_ns(), timeout=None)
        found[key] = cache.get(key)
    return {label: found[key] for key, label in keys.items()}


def _generations(labels) -> list[int]:
    snapshot = getattr(_local.request, "generations", None)
    if snapshot is None:  # outside a request: ask every time
        found = _read_generations(labels)
        return [found[label] for label in labels]
    if any(label not in snapshot for label in labels):
        with _local.lock:
            _local.labels.update(labels)
            wanted = list(_local.labels)
        snapshot.update(_read_generations(wanted))
    return [snapshot[label] for label in labels]


def cached(key: str, models, compute, timeout: int = TIMEOUT):
    """``compute()``, or what it returned the last time for ``key`` if none of ``models``
    changed since."""
    if connection.in_atomic_block or not settings.CACHE_ACROSS_REQUESTS:
        return compute()
    labels = [model._meta.label_lower for model in models]
    generations = ":".join(map(str, _generations(labels)))
    if len(key) + len(generations) > KEY_LENGTH:
        # A read that depends on many models: their generations hashed, so that the key
        # stays within what every cache backend takes (memcached: 250 characters).
        generations = hashlib.sha256(generations.encode()).hexdigest()
    full_key = f"{key}:{generations}"
    value = _local.get(full_key)
    if value is _MISSING:
        value = cache.get(full_key, _MISSING)
        if value is _MISSING:
            value = compute()
            cache.set(full_key, value, timeout)
        _local.put(full_key, value)
    return value


def clear():
    """Forget every entry, shared and kept by this process (tests start from here)."""
    cache.clear()
    _local.clear()


def _bump(labels):
    for label in labels:
        # A generation never read (or evicted) has nothing cached under it: nothing to do.
        with contextlib.suppress(ValueError):
            cache.incr(_generation_key(label))
    if getattr(_local.request, "generations", None) is not None:
        _local.request.generations = {}  # this request reads its own changes


def changed(*models):
    """The rows of ``models`` changed: drop the reads that depend on them (at commit).

    Every model is followed, not only those read through ``cached()`` so far: the process
    that writes a row may never have read it, while another has."""
    gather("cache_generations", {model._meta.label_lower for model in models}, _bump)


def _on_change(sender, action=None, **kwargs):
    if action is None or action.startswith("post_"):  # m2m_changed: after the change
        changed(sender)


def _on_migrate(sender, **kwargs):
    _bump(model._meta.label_lower for model in sender.get_models(include_auto_created=True))


def _start_request(**kwargs):
    _local.request.generations = {}


def _finish_request(**kwargs):
    _local.request.generations = None


post_save.connect(_on_change, dispatch_uid="hoagiai.caching.post_save")
post_delete.connect(_on_change, dispatch_uid="hoagiai.caching.post_delete")
m2m_changed.connect(_on_change, dispatch_uid="hoagiai.caching.m2m_changed")
post_migrate.connect(_on_migrate, dispatch_uid="hoagiai.caching.post_migrate")
request_started.connect(_start_request, dispatch_uid="hoagiai.caching.request_started")
request_finished.connect(_finish_request, dispatch_uid="hoagiai.caching.request_finished")
