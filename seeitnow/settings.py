"""Settings for See It Now, read from the environment (and `.env` when present).

Every setting has a working default so that a bare checkout runs on SQLite, local
storage, the ORM queue broker and the local AI provider. `seeitnow.checks` lists what
a production deployment (DEBUG off) still lacks.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")
# `.env.example` leaves optional values empty: empty means "use the default".
for _name in [name for name, value in os.environ.items() if value == ""]:
    del os.environ[_name]

# --- Core -----------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)
# Development-only default; the production check refuses it.
DEV_SECRET_KEY = "dev-insecure-see-it-now-change-me"
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# System checks to silence by id, e.g. seeitnow.E007 to run a benchmark with local
# storage on production settings. Every silenced error is a deliberate exception.
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
# Trust X-Forwarded-Proto only behind a proxy that sets it (a load balancer that
# terminates TLS): a client could otherwise claim https on a plain connection.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Health and metrics probes come from inside the network, over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "seeitnow",
    "shops",
    "assets",
    "renders",
    "storefront",
    "merchant",
    "demo",
]

MIDDLEWARE = [
    "seeitnow.logging.RequestIdMiddleware",
    "seeitnow.metrics.MetricsMiddleware",
    "seeitnow.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if not DEBUG:
    # Static files straight from the web process, compressed and cached forever
    # (the dev server serves them itself while DEBUG is on).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "seeitnow.urls"
WSGI_APPLICATION = "seeitnow.wsgi.application"
ASGI_APPLICATION = "seeitnow.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database and cache -----------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the q2 cluster share the file: wait for locks, don't fail.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    )
elif DB_POOL_MAX_SIZE := env.int("DB_POOL_MAX_SIZE", default=0):
    # A fixed budget of connections per process, shared by its threads (web
    # threads, a render's variant threads): web processes x (DB_POOL_MAX_SIZE + 1
    # LISTEN connection, seeitnow.wakeup) + q2 workers must fit PostgreSQL's
    # max_connections. A
    # request that waits longer than DB_POOL_TIMEOUT_S gets a JSON 503.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": env.float("DB_POOL_TIMEOUT_S", default=5.0),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# The cache holds the render rate limit and webhook de-duplication, so it must be
# shared by every process: Redis when configured, else a database table.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "seeitnow_cache",
            # Culling at the default 300 entries could evict live rate-limit slots.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# --- Task queue (django-q2) ---------------------------------------------------------

# A render is 8 parallel calls of at most 45 s each; preparation is a cutout plus two
# LLM calls. The task timeout covers both with room to spare, and `retry` (when the ORM
# broker hands an unacknowledged task out again) is longer than the timeout, so a task
# is never run twice while it is still running.
Q_TASK_TIMEOUT_S = env.int("Q_TASK_TIMEOUT_S", default=300)
Q_CLUSTER = {
    "name": "seeitnow",
    "workers": env.int("Q_WORKERS", default=2),
    "recycle": 200,
    "timeout": Q_TASK_TIMEOUT_S,
    "retry": Q_TASK_TIMEOUT_S + 60,
    "max_attempts": env.int("Q_MAX_ATTEMPTS", default=2),
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    # How often the ORM broker looks for new tasks: a render's first variant waits
    # on it (bench/bench_render.py). On PostgreSQL the broker is woken as a task
    # is queued (seeitnow.queue) and this is only its fallback; Redis needs none.
    "poll": env.float("Q_POLL_S", default=0.05),
    "label": "Task queue",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Picks a task up as it is queued (NOTIFY), not at the next poll.
        Q_CLUSTER["broker_class"] = "seeitnow.queue.WakingORM"

# --- Storage ------------------------------------------------------------------------

MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

GS_BUCKET_NAME = env.str("GS_BUCKET_NAME", default="")
GS_PROJECT_ID = env.str("GS_PROJECT_ID", default="")
GS_CREDENTIALS_FILE = env.str("GS_CREDENTIALS_FILE", default="")
if GS_BUCKET_NAME:
    _default_storage = {
        # Our subclass loads GS_CREDENTIALS_FILE for the client, not only for signing.
        "BACKEND": "seeitnow.storage.gcs.GoogleCloudStorage",
        "OPTIONS": {
            "bucket_name": GS_BUCKET_NAME,
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
    if GS_PROJECT_ID:
        _default_storage["OPTIONS"]["project_id"] = GS_PROJECT_ID
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        # Hashed, compressed files in production (`collectstatic` at release).
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

SIGNED_UPLOAD_TTL_S = env.int("SIGNED_UPLOAD_TTL_S", default=15 * 60)
SIGNED_READ_TTL_S = env.int("SIGNED_READ_TTL_S", default=60 * 60)
ROOM_MAX_UPLOAD_BYTES = env.int("ROOM_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
FETCH_MAX_BYTES = env.int("FETCH_MAX_BYTES", default=25 * 1024 * 1024)
FETCH_TIMEOUT_S = env.float("FETCH_TIMEOUT_S", default=20.0)
FETCH_ALLOWED_HOSTS = env.list(
    "FETCH_ALLOWED_HOSTS",
    default=[
        "cdn.shopify.com",
        "*.myshopify.com",
        "storage.googleapis.com",
        "*.storage.googleapis.com",
        "storage.cloud.google.com",
    ],
)
# Only the test-suite turns this on, to fetch from its own server on 127.0.0.1.
FETCH_ALLOW_HTTP_LOOPBACK_FOR_TESTS = False
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=50_000_000)
# Room photos canonicalised at once per process (each may hold a full-size decode).
IMAGE_CANONICALISE_CONCURRENCY = env.int("IMAGE_CANONICALISE_CONCURRENCY", default=2)
ROOM_SESSION_TTL_HOURS = env.int("ROOM_SESSION_TTL_HOURS", default=24)

# --- Shopify -----------------------------------------------------------------------

# In DEBUG the app runs without a Partner app (the demo's proxy emulator signs with
# this dev secret); the production check requires real values.
SHOPIFY_API_KEY = env.str("SHOPIFY_API_KEY", default="dev-api-key" if DEBUG else "")
SHOPIFY_API_SECRET = env.str(
    "SHOPIFY_API_SECRET", default=f"dev-{SECRET_KEY}" if DEBUG else ""
)
# The previous secret, accepted for verification while a rotation is under way.
SHOPIFY_API_SECRET_OLD = env.str("SHOPIFY_API_SECRET_OLD", default="")
SHOPIFY_APP_URL = env.str("SHOPIFY_APP_URL", default="http://localhost:8000")
SHOPIFY_API_VERSION = env.str("SHOPIFY_API_VERSION", default="2026-10")
# Tests point every Admin API call at a fake server's origin instead of https://{shop}.
SHOPIFY_ADMIN_ORIGIN_OVERRIDE = env.str("SHOPIFY_ADMIN_ORIGIN_OVERRIDE", default="")
SHOPIFY_BILLING_TEST = env.bool("SHOPIFY_BILLING_TEST", default=DEBUG)
SHOPIFY_LIVE_TAG = env.str("SHOPIFY_LIVE_TAG", default="see-it-live")
SEE_IT_NOW_ALLOWED_SHOPS = env.list("SEE_IT_NOW_ALLOWED_SHOPS", default=["*"])
DEMO_SHOP_DOMAIN = env.str("DEMO_SHOP_DOMAIN", default="demo-shop.myshopify.com")
# Lets a developer open the merchant pages of the demo shop without Shopify.
DEV_ADMIN_LOGIN = env.bool("DEV_ADMIN_LOGIN", default=DEBUG)

# Access tokens are encrypted at rest with the first key; every key decrypts, so a
# new key is put first and the old one kept until `rotate_encryption_key` has run.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

# --- Plans and quotas (SPEC §12) ---------------------------------------------------

PLANS = {
    "free": {"name": "Free", "price": 0, "daily_quota": 10, "monthly_quota": 300},
    "starter": {
        "name": "Starter",
        "price": 19,
        "daily_quota": 50,
        "monthly_quota": 1500,
    },
    "pro": {"name": "Pro", "price": 49, "daily_quota": 100, "monthly_quota": 3000},
}
# Each plan given in PLANS_JSON is merged over its default (or is a new plan).
for _plan, _values in json.loads(env.str("PLANS_JSON", default="{}")).items():
    PLANS[_plan] = {**PLANS.get(_plan, {}), **_values}

# --- AI ------------------------------------------------------------------------------

GEMINI_API_KEY = env.str("GEMINI_API_KEY", default="")
GEMINI_BASE_URL = env.str("GEMINI_BASE_URL", default="")
GEMINI_API_VERSION = env.str("GEMINI_API_VERSION", default="v1beta")
GEMINI_TEXT_MODEL = env.str("GEMINI_TEXT_MODEL", default="gemini-2.5-flash")
GEMINI_IMAGE_MODEL = env.str("GEMINI_IMAGE_MODEL", default="gemini-2.5-flash-image")
GEMINI_UPSCALE_MODEL = env.str(
    "GEMINI_UPSCALE_MODEL", default="gemini-3-pro-image-preview"
)
GEMINI_TIMEOUT_S = env.float("GEMINI_TIMEOUT_S", default=60.0)
GEMINI_RETRY_ATTEMPTS = env.int("GEMINI_RETRY_ATTEMPTS", default=3)
# Requests per minute allowed per model, shared by every worker on every machine
# (through the shared cache), e.g. "gemini-2.5-flash=1000,gemini-2.5-flash-image=500".
# A model not listed is not paced.
GEMINI_RPM = {
    model: int(rpm) for model, rpm in env.dict("GEMINI_RPM", default={}).items()
}
# How long a text call may wait out 429s (their retryDelay) before it fails.
GEMINI_RATE_LIMIT_MAX_WAIT_S = env.float("GEMINI_RATE_LIMIT_MAX_WAIT_S", default=180.0)

RENDER_VARIANT_TIMEOUT_S = env.float("RENDER_VARIANT_TIMEOUT_S", default=45.0)
RENDER_SYNC_WAIT_S = env.float("RENDER_SYNC_WAIT_S", default=60.0)
# The longest a poll (`?wait=`) holds for the next variant: well inside the time
# Shopify's App Proxy waits for an answer.
RENDER_POLL_MAX_WAIT_S = env.float("RENDER_POLL_MAX_WAIT_S", default=8.0)
RENDER_RATE_LIMIT = env.int("RENDER_RATE_LIMIT", default=10)
RENDER_RATE_WINDOW_S = env.int("RENDER_RATE_WINDOW_S", default=60)
# Per client (a keyed hash of its address, never stored) and per shop, in the same
# window: room session ids are free to mint, so they alone bound nothing.
RENDER_CLIENT_RATE_LIMIT = env.int("RENDER_CLIENT_RATE_LIMIT", default=20)
RENDER_SHOP_BURST_LIMIT = env.int("RENDER_SHOP_BURST_LIMIT", default=120)
# see-it-now/select requests per room session per RENDER_RATE_WINDOW_S.
SELECT_RATE_LIMIT = env.int("SELECT_RATE_LIMIT", default=30)
PREP_MAX_AUTO_RETRIES = env.int("PREP_MAX_AUTO_RETRIES", default=2)

# --- Auth, i18n, logging ----------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "seeitnow.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "seeitnow.logging.JsonFormatter"},
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django_q": {"level": env.str("Q_LOG_LEVEL", default="WARNING")},
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Metrics (Prometheus) ------------------------------------------------------------

# GET /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`; unset = off.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
