"""Settings for the test suite: the normal settings with a throwaway key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

from hoagiai.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Test requests come over plain HTTP from the test client.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Tests log in with client.login() (no request for django-axes to count); the throttling
# tests turn it back on.
AXES_ENABLED = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One process: the per-process cache is shared by everything, so keep reads across requests
# (hoagiai/caching.py) as production does with a shared cache; tests/conftest.py empties it
# before each test.
CACHE_ACROSS_REQUESTS = True
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
