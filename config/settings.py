"""Debatte settings, read from the environment.

Nothing here touches the database or Redis: settings must import on a machine without either.
"""

import os
from pathlib import Path
from typing import Any

import csp.constants
import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = BASE_DIR / "debatte"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBATTE_DEBUG", False)
DATA_DIR = Path(os.environ.get("DEBATTE_DATA_DIR", BASE_DIR / "var"))

# A development flag (`make demo`, `make test` set it) allows the repository's public key; without
# it and without DEBUG, a missing key stops every process: with the public key anyone could forge
# e-mail confirmations, DSA notice links, unsubscribe links and message cookies.
DEVELOPMENT = env_bool("DEBATTE_DEVELOPMENT", False)
_secret = os.environ.get("DEBATTE_SECRET_KEY", "").strip()
if not _secret:
    if not (DEBUG or DEVELOPMENT):
        raise ImproperlyConfigured(
            "DEBATTE_SECRET_KEY is not set. Set it to a long random value in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set "
            "DEBATTE_DEVELOPMENT=1 to run with the public development key on your own machine."
        )
    _secret = "django-insecure-debatte-development-key-change-me-0123456789"  # noqa: S105
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("DEBATTE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DEBATTE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "debatte.core",
    "debatte.accounts",
    "debatte.articles",
    "debatte.discussions",
    "debatte.moderation",
    "debatte.importers",
    "debatte.api",
    "debatte.embed",
    "debatte.notifications",
    "debatte.live",
    "debatte.ops",
    "debatte.siteadmin",
    "debatte.demo",
]
INSTALLED_APPS.append("debatte.classifier")

MIDDLEWARE = [
    "debatte.ops.metrics.MetricsMiddleware",
    # A database or Redis outage answers 503 with Retry-After, not a 500 (core/outages.py).
    "debatte.core.outages.OutageMiddleware",
    # Outside every middleware that sets cookies: a response setting one is never shared.
    "debatte.core.caching.SharedCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files and error pages carry the policy too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Requests per client address (core/request_throttle.py): after WhiteNoise, so static files
    # are not counted; before sessions and views, so a flood costs little.
    "debatte.core.request_throttle.RequestThrottleMiddleware",
    "debatte.embed.cookies.EmbedSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "debatte.embed.cookies.EmbedCsrfCookieMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "debatte.accounts.middleware.ReaderLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "debatte.core.context_processors.now",
                "debatte.siteadmin.context_processors.site_settings",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'debatte.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN, so
    # the numbering counters are never read by two writers at once (see SPEC, numbering).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests use a real file (WAL and locking behave as in production), one per test process.
    _tmp = Path(os.environ.get("TMPDIR", "/tmp"))  # noqa: S108
    _test_db = _tmp / f"debatte-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DEBATTE_TEST_SQLITE", str(_test_db))}


def postgresql_pool() -> dict[str, Any] | None:
    """psycopg's pool, one per process (docs/deploying.md): a request takes a connection that
    is already open and gives it back at its end. Not CONN_MAX_AGE: that keeps a connection
    per thread, and under ASGI Django's threads come and go (async views, live streams), so
    connections would pile up. DEBATTE_DB_POOL_SIZE=0: connect per request instead."""
    size = int(os.environ.get("DEBATTE_DB_POOL_SIZE", "4"))
    if size <= 0:
        return None
    return {
        "min_size": min(size, int(os.environ.get("DEBATTE_DB_POOL_MIN", "1"))),
        "max_size": size,
        # A request waits this long for a free connection before failing (503, core/outages).
        "timeout": float(os.environ.get("DEBATTE_DB_POOL_TIMEOUT", "10")),
        "max_lifetime": 3600,
        "max_idle": 600,
    }


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _pool = postgresql_pool()
    if _pool:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = _pool
        # With a pool: each connection is checked as it is handed out (one round trip), so
        # after a PostgreSQL restart no request fails on a dead one.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Optional read replica: anonymous readers' discussion pages and API lists read from it
# (config/routers.py); everything else, and every write, uses the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=0)
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql" and postgresql_pool():
        DATABASES["replica"].setdefault("OPTIONS", {})["pool"] = postgresql_pool()
        DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests read the replica through the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
    _after = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    MIDDLEWARE.insert(_after, "config.routers.ReplicaReadsMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# With REDIS_URL every process shares one cache: word-list versions, rendered pages, webhook
# subscriptions and every throttle (core/throttle.py, allauth's rate limits) count across all
# app servers. Without it one process on SQLite keeps them in memory.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": {
        # Falls back to process memory while Redis is away (core/resilient_cache.py).
        "BACKEND": "debatte.core.resilient_cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("DEBATTE_CACHE_PREFIX", "debatte"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "debatte",
    }
}

# --- Background tasks (django-tasks with its database backend: no broker needed) ------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DEBATTE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Accounts (django-allauth) -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "debatte.accounts.forms.DisplayNameSignupForm"
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("DEBATTE_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Debatte] "
# Client addresses from core/clientip.py (trusted proxies), for allauth's per-address limits.
ACCOUNT_ADAPTER = "debatte.accounts.adapter.AccountAdapter"
# Counted in the default cache: Redis with REDIS_URL, so every app server shares the counts.
# login_failed also covers the admin (its login goes through allauth's, config/urls.py) and
# second-factor codes.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip,50/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Second factors: an authenticator app (TOTP) with recovery codes, for every account; sites
# may require one of their moderators (Site.require_second_factor).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Debatte"
# Argon2 hashes new passwords; older PBKDF2 hashes still verify and are rehashed at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

EMAIL_BACKEND = os.environ.get(
    "DEBATTE_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DEBATTE_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("DEBATTE_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEBATTE_FROM_EMAIL", "Debatte <debatte@localhost>")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("DEBATTE_TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DEBATTE_STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not env_bool("DEBATTE_PLAIN_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere (no nonces: cached pages are shared between requests);
# the embed pages replace frame-ancestors by their site's origins (embed/origins.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "script-src": [csp.constants.SELF],
        "style-src": [csp.constants.SELF],
        # Swagger UI's and the admin's stylesheets draw icons from data: URLs.
        "img-src": [csp.constants.SELF, "data:"],
        "object-src": [csp.constants.NONE],
        "base-uri": [csp.constants.NONE],
        "form-action": [csp.constants.SELF],
        "frame-ancestors": [csp.constants.NONE],
    },
}
_NO_FEATURES = [
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
    "browsing-topics",
]
PERMISSIONS_POLICY: dict[str, list[str]] = {feature: [] for feature in _NO_FEATURES}
SECURE_SSL_REDIRECT = env_bool("DEBATTE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("DEBATTE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Discussions embedded on the publisher's pages (another site) need cookies in the iframe:
# SameSite=None, which browsers accept only with Secure, i.e. over HTTPS. Only the iframe's
# own cookies get that (under /embed/, debatte/embed/cookies.py); the site's stay Lax.
EMBED_COOKIES = env_bool("DEBATTE_EMBED_COOKIES", False)
if EMBED_COOKIES:
    # The messages cookie is Lax like the site's: the iframe keeps its messages in its session.
    MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SECURE_HSTS_SECONDS = int(os.environ.get("DEBATTE_HSTS_SECONDS", "0"))
# Only where every subdomain is served over HTTPS; preload also asks browsers to ship the rule.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DEBATTE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DEBATTE_HSTS_PRELOAD", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # One JSON object per line for a log collector (DEBATTE_LOG_FORMAT=json).
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("DEBATTE_LOG_FORMAT") == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DEBATTE_LOG_LEVEL", "INFO")},
}

# --- Discussions ------------------------------------------------------------------------------
DEBATTE: dict[str, Any] = {
    "COMMENT_MAX_LENGTH": int(os.environ.get("DEBATTE_COMMENT_MAX_LENGTH", "1500")),
    "EDIT_WINDOW_MINUTES": int(os.environ.get("DEBATTE_EDIT_WINDOW_MINUTES", "15")),
    "COMMENTS_PER_PAGE": int(os.environ.get("DEBATTE_COMMENTS_PER_PAGE", "25")),
    "REPLIES_PREVIEW": int(os.environ.get("DEBATTE_REPLIES_PREVIEW", "3")),
    "REPLIES_MAX_EXPANDED": 1000,
    "LINK_DISPLAY_LENGTH": 29,
    "IP_RETENTION_DAYS": int(os.environ.get("DEBATTE_IP_RETENTION_DAYS", "30")),
    # The moderators' reader page lists other accounts that wrote from the same address on the
    # same site within IP_RETENTION_DAYS (never the address). 0 turns it off; see
    # docs/moderators-guide.md, "A reader's page", for the legal reasoning.
    "SHOW_LINKED_ACCOUNTS": env_bool("DEBATTE_SHOW_LINKED_ACCOUNTS", True),
    # Discussion pages and API lists for anonymous readers are kept rendered this long under
    # the discussion's version (every change renders afresh); also how stale a cached page's
    # relative ages may get. 0: render every request (ETags and 304s still work).
    "RESPONSE_CACHE_SECONDS": int(os.environ.get("DEBATTE_RESPONSE_CACHE_SECONDS", "60")),
    # How long nginx or a CDN may serve those anonymous responses without asking (s-maxage):
    # the longest a new comment stays unseen behind them. 0: they revalidate every request.
    "SHARED_CACHE_SECONDS": int(os.environ.get("DEBATTE_SHARED_CACHE_SECONDS", "2")),
    # The toxicity scorer the moderation pipeline calls while a comment is posted: the shipped
    # model's linear fast path (< 1 ms, in-process). The full model (with sentence embeddings)
    # scores again in a background task. Empty: no scoring (risk-based moderation then holds).
    "SCORER": os.environ.get("DEBATTE_SCORER", "debatte.classifier.score_fast"),
    "FULL_SCORER": os.environ.get("DEBATTE_FULL_SCORER", "debatte.classifier.score"),
    "SCORER_TIMEOUT": float(os.environ.get("DEBATTE_SCORER_TIMEOUT", "0.5")),
    # Absolute links in e-mails (the public address of this installation).
    "BASE_URL": os.environ.get("DEBATTE_BASE_URL", "http://127.0.0.1:8000"),
    # Webhooks go to public addresses only; 1 allows internal ones too (an intranet publisher).
    "WEBHOOK_ALLOW_PRIVATE": env_bool("DEBATTE_WEBHOOK_ALLOW_PRIVATE", False),
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated;
    # core/clientip.py). Empty: REMOTE_ADDR is the client, as when readers connect directly.
    "TRUSTED_PROXIES": env_list("DEBATTE_TRUSTED_PROXIES"),
    # Requests per minute and client address (core/request_throttle.py), reads (GET, HEAD) and
    # writes apart, a sixth of each per 10 seconds: far above what a person sends (a fast
    # moderator claims and decides 2 POSTs an item), so only floods meet them. 0: no limit.
    "REQUESTS_PER_MINUTE_READ": int(os.environ.get("DEBATTE_REQUESTS_PER_MINUTE_READ", "600")),
    "REQUESTS_PER_MINUTE_WRITE": int(os.environ.get("DEBATTE_REQUESTS_PER_MINUTE_WRITE", "120")),
    # Notices of illegal content (DSA Art. 16) per hour, per client address and per notifier
    # e-mail: the form is open to anyone and mails a confirmation.
    "DSA_NOTICES_PER_ADDRESS_PER_HOUR": int(os.environ.get("DEBATTE_DSA_NOTICES_PER_ADDRESS", "5")),
    "DSA_NOTICES_PER_EMAIL_PER_HOUR": int(os.environ.get("DEBATTE_DSA_NOTICES_PER_EMAIL", "3")),
    # 1: superusers must have a second factor before they use the admin or moderate.
    "REQUIRE_MFA_FOR_SUPERUSERS": env_bool("DEBATTE_REQUIRE_MFA_FOR_SUPERUSERS", False),
    # /metrics answers a scraper sending "Authorization: Bearer <token>"; without a token, only
    # requests from this machine (loopback).
    "METRICS_TOKEN": os.environ.get("DEBATTE_METRICS_TOKEN", ""),
    # 1: /readyz says "unavailable" while no worker beats (default: it only reports it).
    "READY_REQUIRES_WORKER": env_bool("DEBATTE_READY_REQUIRES_WORKER", False),
}
