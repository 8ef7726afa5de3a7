"""Hramada settings, read from the environment (12-factor).

Development needs no environment at all: SQLite in the project folder, e-mail on the console,
an in-process cache. Production is switched on with ``HRAMADA_ENV=production`` and then refuses
to start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``. See docs/deploy.md.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

HRAMADA_ENV = env.str("HRAMADA_ENV", default="development")
PRODUCTION = HRAMADA_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# A separate key for keyed hashes of personal data (IP addresses, voter ids), so rotating the
# session-signing key does not change them and vice versa.
HASH_KEY = env.str("HASH_KEY", default=SECRET_KEY)
# The Ed25519 key that signs certificates (Open Badges 3.0 credentials): 64 hex digits. Required in
# production (check --deploy: programmes.E001); in development one is generated once in
# PRIVATE_MEDIA_ROOT. See docs/programme-cohorts.md.
CREDENTIAL_SIGNING_KEY = env.str("CREDENTIAL_SIGNING_KEY", default="")

INSTALLED_APPS = [
    "modeltranslation",  # must precede admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # its sitemap.xml template (news/sitemaps.py)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_rq",  # `manage.py rqworker` for TASK_BACKEND=django_tasks_rq.RQBackend (no tables of its own)
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "ninja",  # django-ninja: the API (hramada.api); serves its Swagger UI files from static
    "django_prometheus",  # /metrics (hramada.core.health)
    "hramada.core",
    "hramada.people",
    "hramada.places",
    "hramada.orgs",
    "hramada.questions",
    "hramada.reviews",
    "hramada.events",
    "hramada.contests",
    "hramada.voting",
    "hramada.awards",
    "hramada.programmes",
    "hramada.initiatives",
    "hramada.local_issues",
    "hramada.news",
    "hramada.reports",
    "hramada.search",
    "hramada.imports",
    "hramada.api",
    "hramada.webhooks",
    "hramada.demo",
]

MIDDLEWARE = [
    # First and last: request counts and latencies for /metrics, whatever the others answer.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id, before anything may log; the access log line (LOG_REQUESTS).
    "hramada.core.logs.RequestIdMiddleware",
    # Each request starts with reads on the primary and "nothing written yet" (core.replica).
    "hramada.core.replica.ReplicaStateMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "hramada.core.twofactor.TwoFactorMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "hramada.urls"
WSGI_APPLICATION = "hramada.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hramada" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # |datetime_attr, for <time datetime="…">, in every template.
            "builtins": ["hramada.core.templatetags.html"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "hramada.core.context_processors.site",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'hramada.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one request writes; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A request waits at most this long for a row lock, and a statement runs at most this long: a
    # stuck lock becomes a "busy, try again" answer (503, core.views.errors) instead of a hung
    # worker. 0 turns a limit off (for example for a long migration: DB_STATEMENT_TIMEOUT_MS=0).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={env.int('DB_LOCK_TIMEOUT_MS', default=5000)}"
        f" -c statement_timeout={env.int('DB_STATEMENT_TIMEOUT_MS', default=30000)}"
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "TEST_DATABASE_NAME", default="test_hramada"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# PostgreSQL keeps the vote path's fixed statements prepared (hramada.core.db.prepared_cursor); off
# for a connection pooler that cannot keep prepared statements (PgBouncer before 1.21).
PREPARED_STATEMENTS = env.bool("PREPARED_STATEMENTS", default=True)
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered public pages, in each app server's own memory (measured ~2.5x faster than Redis here).
# Keys carry a version read from the database, so every server sees a change at once.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# Background tasks: the database queue by default (`manage.py db_worker`), RQ on Redis when scaled out
# (TASK_BACKEND=django_tasks_rq.RQBackend, `manage.py rqworker --job-class django_tasks_rq.Job`); tests
# and development run them at once. See docs/deploy.md, "Workers (RQ)".
TASK_BACKEND = env.str(
    "TASK_BACKEND",
    default="django_tasks_db.DatabaseBackend"
    if PRODUCTION
    else "django_tasks.backends.immediate.ImmediateBackend",
)
TASKS = {"default": {"BACKEND": TASK_BACKEND}}
RQ_REDIS_URL = env.str("RQ_REDIS_URL", default=REDIS_URL)
# Seconds after which a task still in the outbox (a queue outside the database: RQ) is handed over
# again, doubled with every attempt (core.tasks).
TASK_OUTBOX_RETRY_AFTER = env.int("TASK_OUTBOX_RETRY_AFTER", 300)
if TASK_BACKEND.startswith("django_tasks_rq.") and not RQ_REDIS_URL:
    raise ImproperlyConfigured(f"TASK_BACKEND={TASK_BACKEND} needs Redis: set REDIS_URL (or RQ_REDIS_URL).")
# django-rq's queues (its rqworker command reads them); the task backend uses the queue "default".
RQ_QUEUES = {
    "default": {
        "URL": RQ_REDIS_URL or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": env.int("RQ_TIMEOUT", 600),
    }
}

# --- People and logins --------------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "hramada.people.backends.PersonModelBackend",
    "hramada.people.backends.PersonAllauthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "people:profile"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Hramada] "
ACCOUNT_ADAPTER = "hramada.people.adapters.AccountAdapter"
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Behind a reverse proxy, allauth's rate limits must see the visitor's address, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Hramada"

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "be"
LANGUAGES = [("be", "Беларуская"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "hramada" / "locale_vendor"]
TIME_ZONE = "Europe/Minsk"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Content falls back to whichever language the author wrote in (see core/translation helpers).
MODELTRANSLATION_DEFAULT_LANGUAGE = "be"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("be", "ru", "en"), "en": ("ru", "be"), "ru": ("be", "en")}
MODELTRANSLATION_AUTO_POPULATE = False

# --- Static files and uploads -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Files served only after a permission check (contest covers and PDFs, files sent as form answers):
# never inside MEDIA_ROOT, which nginx serves as it is (system check core.E001).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_IMAGE_BYTES = 5 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Hramada <no-reply@hramada.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Text messages (the public vote's phone check) ------------------------------------------------
# A dotted path to a hramada.voting.sms.BaseSmsBackend subclass; the console backend only logs.
SMS_BACKEND = env.str("SMS_BACKEND", default="hramada.voting.sms.ConsoleBackend")
# Days after a public vote closes before its log forgets the voters' network hashes.
VOTE_LOG_NETWORK_DAYS = env.int("VOTE_LOG_NETWORK_DAYS", default=90)
# Days after a public vote closes before its voting codes' hashes are deleted (batches keep counts).
VOTING_CODE_DAYS = env.int("VOTING_CODE_DAYS", default=90)

# --- Security ---------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Probes and the metrics scraper talk to an app server directly, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Pages may load nothing from anywhere but this site: no CDNs, fonts, trackers or inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# The map of local issues (docs/local-issues-map.md): a tile server the operator runs or chose, e.g.
# "https://tiles.example.org/{z}/{x}/{y}.png", with the attribution its data need. Empty (the
# default): an outline map drawn from the vendored Natural Earth boundaries, and no third-party
# request. A tile server on another site is added to the images the CSP allows.
LOCAL_ISSUES_TILE_URL = env.str("LOCAL_ISSUES_TILE_URL", default="")
LOCAL_ISSUES_TILE_ATTRIBUTION = env.str("LOCAL_ISSUES_TILE_ATTRIBUTION", default="")
if LOCAL_ISSUES_TILE_URL.startswith(("https://", "http://")):
    _scheme, _rest = LOCAL_ISSUES_TILE_URL.split("://", 1)
    # "{s}.tile.example.org" (Leaflet's subdomains) is the CSP's "*.tile.example.org".
    _host = _rest.split("/", 1)[0].replace("{s}.", "*.")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_scheme}://{_host}")

# Messages ride in a signed cookie (session only when too big): no session write per POST.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

SITE_NAME = _("Hramada")
# Absolute address used in e-mails (links must work outside the browser session).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# URL prefixes of organiser and staff pages; reaching them needs two-factor authentication.
STAFF_PATH_PREFIXES = ("/manage/", "/admin/")
# Pages with personal data: answered with ``Cache-Control: no-store`` (organiser pages, expert
# reviews, one's profile and data download, login and two-factor pages with recovery codes).
PRIVATE_PATH_PREFIXES = (*STAFF_PATH_PREFIXES, "/reviews/", "/me/", "/accounts/")

# --- Operations: replica, probes, metrics, logs, error reports (docs/deploy.md) -------------------------
# A read replica (PostgreSQL streaming standby): only views that ask (core.replica.replica_view) read
# from it, never a write and never inside a transaction. In tests it mirrors the test database.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": DATABASES["default"].get("CONN_HEALTH_CHECKS", False),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["hramada.core.replica.ReplicaRouter"]

# /metrics answers these addresses or networks only (the client's address as allauth resolves it
# behind TRUSTED_PROXY_COUNT proxies); anyone else gets 404.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
PROMETHEUS_EXPORT_MIGRATIONS = False  # readyz checks migrations; no database query at start-up

# LOG_FORMAT=json: one JSON object per line with the request id (core.logs), the default in
# production; "text" for a terminal. LOG_REQUESTS: one access line per request (hramada.request).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "hramada.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "hramada.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "hramada.request": {"level": "INFO" if LOG_REQUESTS else "WARNING"},
        # Django's 4xx warnings would repeat the access line (with the raw path): its errors only.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING" if LOG_REQUESTS else "INFO"},
    },
}

# Errors to Sentry, only when SENTRY_DSN is set and sentry-sdk is installed (pip install
# 'hramada[sentry]'); never personal data (send_default_pii=False, see core.logs.init_sentry).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from hramada.core.logs import init_sentry

    init_sentry(SENTRY_DSN, environment=HRAMADA_ENV, release=env.str("SENTRY_RELEASE", default=""))
