"""Settings for the hòa giải ở cơ sở portal, read from the environment (django-environ).

Defaults suit a developer's machine: SQLite next to the project. In production set
``DEBUG=off``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL`` (PostgreSQL).
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True):
    environ.Env.read_env(BASE_DIR / ".env")  # optional; variables already set win

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=on for local development)."
        )
    # Development only: DEBUG is on, so this key never protects real sessions.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "axes",
    "units",
    "accounts",
    "network",
    "plans",
    "reports",
    "targets",
    # The read-only JSON API (/api/v1/); "ninja" serves its documentation page's assets
    # from this site (no CDN).
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hoagiai.middleware.reject_null_characters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside the session and CSRF middleware: the page's logout form needs its token.
    "hoagiai.middleware.method_not_allowed_page",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses a locked-out username or address (django-axes).
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, its permissions kept in the cache (hoagiai/caching.py).
    "accounts.backends.CachedModelBackend",
]

ROOT_URLCONF = "hoagiai.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hoagiai.context_processors.organisation",
            ],
        },
    },
]

WSGI_APPLICATION = "hoagiai.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Keep connections between requests: a fresh PostgreSQL backend pays for loading its
# catalog on the first queries of every request. Health checks drop a broken one.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two saves at once: the second waits for the first (up to SQLITE_TIMEOUT seconds) instead
    # of failing with "database is locked". IMMEDIATE takes the write lock when a transaction
    # begins: two transactions that read and then write would otherwise deadlock, and SQLite
    # fails one of them at once whatever the timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=env.int("SQLITE_TIMEOUT", default=20), transaction_mode="IMMEDIATE"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache keeps rarely changing reads across requests (hoagiai/caching.py: the unit tree,
# the plan, the targets, each user's roles and permissions) and the sessions. Several worker
# processes (gunicorn) must share one cache, or a change seen by one worker would not reach
# the others: set CACHE_URL, e.g. redis://127.0.0.1:6379/1. Without it, reads are not kept
# across requests: a per-process cache would miss the changes a management command or another
# process makes.
CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {"default": env.cache_url_config(CACHE_URL or "locmemcache://")}
CACHE_ACROSS_REQUESTS = env.bool("CACHE_ACROSS_REQUESTS", default=bool(CACHE_URL))
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_ACROSS_REQUESTS
    else "django.contrib.sessions.backends.db"
)

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese interface. Django's ``vi`` locale has no input formats, so without
# FORMAT_MODULE_PATH "05/03/2025" would be read month first (3 May).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["hoagiai.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Success rate (targets O8a, O8b): "received" = successful ÷ cases received (the national
# reports' reading); "concluded" = successful ÷ (successful + unsuccessful).
SUCCESS_RATE_BASIS = env.str("SUCCESS_RATE_BASIS", default="received")
if SUCCESS_RATE_BASIS not in {"received", "concluded"}:
    raise ImproperlyConfigured('SUCCESS_RATE_BASIS must be "received" or "concluded".')

# The plan's reporting year closes on this day and month (state reporting sometimes
# cuts off on 14/12); targets are counted as of that date.
REPORT_CUTOFF_DAY = env.int("REPORT_CUTOFF_DAY", default=31)
REPORT_CUTOFF_MONTH = env.int("REPORT_CUTOFF_MONTH", default=12)

# Email (the yearly-report reminders and notices, commune officers' set-password links):
# EMAIL_URL as django-environ reads it, e.g. smtp+tls://user:password@mail.example.org:587;
# by default messages are printed to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Sở Tư pháp - Hòa giải ở cơ sở <no-reply@localhost>"
)
# The portal's address as users reach it, for the links in emails.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

# Evidence files of plan activities (PDF, Word, Excel, images): at most this many bytes each.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Files of the training materials library (the same kinds): handbooks run larger.
MATERIAL_MAX_BYTES = env.int("MATERIAL_MAX_BYTES", default=20 * 1024 * 1024)
# A yearly report's grid posts one field per commune and figure.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Login throttling: after 5 failed logins for a username from an address, that pair waits
# 15 minutes; after 20 from one address whatever the usernames, that address waits; the page
# says so in Vietnamese (accounts.views.locked_out). Behind a reverse proxy the client's
# address is read from X-Forwarded-For, for requests from TRUSTED_PROXIES only
# (accounts/throttling.py); without it every client would share the proxy's address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
if AXES_ADDRESS_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured("AXES_ADDRESS_FAILURE_LIMIT must be at least AXES_FAILURE_LIMIT.")
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "accounts.throttling.ThrottlingHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
try:  # addresses or networks: "10.0.0.2", "10.0.0.0/24", "::1"
    TRUSTED_PROXIES = tuple(
        ipaddress.ip_network(value, strict=False)
        for value in env.list("TRUSTED_PROXIES", default=[])
    )
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}.") from None
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True

# Logs go to stderr, where gunicorn and journald collect them; each line names the request's
# path and the user's id. Django logs every server error (django.request, with its
# traceback) there whether DEBUG is on or off.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "hoagiai.logging.RequestContextFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [path=%(path)s user=%(user_id)s] "
            "%(message)s"
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_context"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    # Django's own default sends its errors to the console only with DEBUG on.
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        # django-axes announces itself at INFO in every process (each command, each worker);
        # lock-outs, which matter, are warnings.
        "axes": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}

# Content-Security-Policy (django-csp): scripts and styles only from this site, no inline
# scripts anywhere (the pages load static/js files), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Uploads: Excel lists and evidence files are limited where they are read; this caps what
# Django holds in memory for any one request body outside file fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

if not DEBUG:
    # Production is served over HTTPS only (behind a proxy: set SECURE_PROXY_SSL_HEADER).
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_HTTPS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # a working day
