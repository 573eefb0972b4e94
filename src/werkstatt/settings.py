"""Werkstatt's settings: one file, configured from the environment.

Every setting that differs between a laptop and production is read from an environment variable;
the README lists them. Defaults are for a developer's machine (SQLite, console e-mail, DEBUG off
unless asked for).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("WERKSTATT_DATA_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("WERKSTATT_DEBUG", False)
# A fixed key would be a secret in the repository; without one, each development start makes a
# key of its own (sessions then end with the process). Production must set WERKSTATT_SECRET_KEY.
if env_bool("WERKSTATT_PRODUCTION") and not os.environ.get("WERKSTATT_SECRET_KEY"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "WERKSTATT_PRODUCTION=1 needs WERKSTATT_SECRET_KEY: 50 or more random characters, the "
        "same on every app server and worker, e.g. from "
        "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
SECRET_KEY = os.environ.get("WERKSTATT_SECRET_KEY") or "dev-insecure-" + os.urandom(32).hex()
# Old keys, comma-separated, still accepted for signatures while sessions move to the new key.
SECRET_KEY_FALLBACKS = env_list("WERKSTATT_SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("WERKSTATT_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("WERKSTATT_CSRF_TRUSTED_ORIGINS")
# The public address, for links in e-mails sent without a request (notifications, events, jobs);
# allauth's own e-mails use the request's host. web/checks.py warns in production without it.
SITE_URL = os.environ.get("WERKSTATT_SITE_URL", "http://127.0.0.1:8000")
SITE_URL_CONFIGURED = bool(os.environ.get("WERKSTATT_SITE_URL"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "rules.apps.AutodiscoverRulesConfig",
    # Our apps come before allauth so that their templates (account/*.html) override allauth's.
    "werkstatt.web",
    "werkstatt.accounts",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "werkstatt.jobs",
    "werkstatt.network",
    "werkstatt.strategy",
    "werkstatt.opinions",
    "werkstatt.supply",
    "werkstatt.events",
    "werkstatt.notifications",
    "werkstatt.assessment",
    "werkstatt.monitoring",
    "werkstatt.matchmaking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Fills each person's unread count into pages rendered for their role (web/page_cache.py).
    "werkstatt.web.middleware.PersonalPartsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "werkstatt.urls"
WSGI_APPLICATION = "werkstatt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "werkstatt.web.context_processors.site",
            ],
        },
    }
]

# Accessible fields everywhere: labels, required markers, linked help and errors (web/forms.py).
FORM_RENDERER = "werkstatt.web.forms.WerkstattFormRenderer"

# --- Database -------------------------------------------------------------------------------
# SQLite (with WAL, see werkstatt.web.apps) by default; PostgreSQL via DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'werkstatt.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite cannot create the file's folder: a fresh checkout has no var/ yet.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "web:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Werkstatt] "
ACCOUNT_LOGOUT_ON_GET = False
# Login throttling: allauth counts failed logins per address and per account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_FORMS = {"signup": "werkstatt.accounts.forms.SignupForm"}
# Too many failed logins answer with the 429 page (accounts/adapter.py), not only a form error.
ACCOUNT_ADAPTER = "werkstatt.accounts.adapter.AccountAdapter"

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "WERKSTATT_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("WERKSTATT_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("WERKSTATT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("WERKSTATT_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("WERKSTATT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("WERKSTATT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("WERKSTATT_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("WERKSTATT_FROM_EMAIL", "Werkstatt <werkstatt@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
# Our catalogue is merged last, so its msgids override those of every app: the formal German
# for Django REST framework's and allauth's informal messages (web/third_party_messages.py).
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates and times as Europeans write them (30/04/2027, 09:00); German keeps Django's.
FORMAT_MODULE_PATH = ["werkstatt.web.formats"]
TIME_ZONE = os.environ.get("WERKSTATT_TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- Security --------------------------------------------------------------------------------
SECURE_PRODUCTION = env_bool("WERKSTATT_PRODUCTION", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# A refused form gets our page in the visitor's language, with what to do (not Django's).
CSRF_FAILURE_VIEW = "werkstatt.web.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if SECURE_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("WERKSTATT_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("WERKSTATT_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

MAP_TILE_URL = os.environ.get(
    "WERKSTATT_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILE_ATTRIBUTION = os.environ.get(
    "WERKSTATT_MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors"
)


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# A Content Security Policy without inline script or style: every script and stylesheet is a file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([_origin(MAP_TILE_URL)] if _origin(MAP_TILE_URL) else []),
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("WERKSTATT_API_ANON_RATE", "600/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Werkstatt API",
    "DESCRIPTION": (
        "Read the network directory and search it; organisation admins write.\n\n"
        "Authenticate with `Authorization: Token <key>` (create the key on your account's "
        "API token page, /konto/api-token/) or a browser session. Answers and error messages "
        "follow `Accept-Language` (de, en)."
    ),
    "VERSION": "1",
    "TAGS": [
        {
            "name": "organisations",
            "description": "The directory's organisations, their sites "
            "and contact people; writing for organisation admins and moderators.",
        },
        {"name": "search", "description": "The directory's search with facets."},
        {
            "name": "reference data",
            "description": "Regions, sectors (WZ 2008), capabilities "
            "(DIN 8580), certifications and materials; changes rarely, may be cached.",
        },
        {"name": "me", "description": "The signed-in user."},
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "werkstatt.network.models.Organisation.Kind",
        "RegionKindEnum": "werkstatt.network.models.Region.Kind",
        "DemandStatusEnum": "werkstatt.supply.models.Demand.Status",
        "DemandVisibilityEnum": "werkstatt.supply.models.Visibility",
        "DemandCloseStatusEnum": ["fulfilled", "withdrawn"],
        "InquiryStatusEnum": "werkstatt.supply.models.Inquiry.Status",
        "CooperationOfferStatusEnum": "werkstatt.supply.models.CooperationOffer.Status",
        "CooperationOfferKindEnum": "werkstatt.supply.models.CooperationOffer.Kind",
        "CooperationOfferVisibilityEnum": ["public", "members"],
        "PhaseVisibilityEnum": "werkstatt.strategy.models.Phase.Visibility",
        "ProcessStatusEnum": "werkstatt.strategy.models.Process.Status",
        "RecommendationStatusEnum": "werkstatt.strategy.models.Recommendation.Status",
        "RecommendationKindEnum": "werkstatt.strategy.models.Recommendation.Kind",
        "EventKindEnum": "werkstatt.events.models.Event.Kind",
        "EventVisibilityEnum": "werkstatt.events.models.Event.Visibility",
        "SessionKindEnum": "werkstatt.events.models.Session.Kind",
        "RegistrationStatusEnum": "werkstatt.events.models.Registration.Status",
    },
    # Redoc from our own files (drf-spectacular-sidecar's bundle, served by web/api.py without
    # its logo from Redocly's server): no CDN, works offline and under the CSP (the docs view in
    # network/api.py relaxes only what Redoc needs).
    "REDOC_DIST": "/api/docs/redoc",
}

# --- Background jobs -------------------------------------------------------------------------
# "thread": run each job in a thread of the web process right after it is queued (no worker
# needed, the default); "worker": leave it in the database queue for `werkstatt worker` processes;
# "sync": run it at once in the caller (tests).
JOBS_MODE = os.environ.get("WERKSTATT_JOBS_MODE", "thread")
# A running job whose worker has not shown a sign of life for this long is queued again (or
# failed after JOBS_MAX_ATTEMPTS attempts).
JOBS_STALE_MINUTES = float(os.environ.get("WERKSTATT_JOBS_STALE_MINUTES", "10"))
JOBS_MAX_ATTEMPTS = int(os.environ.get("WERKSTATT_JOBS_MAX_ATTEMPTS", "3"))
# Opinion maps: seconds between two background analyses of one conversation (debounce).
OPINIONS_ANALYSIS_INTERVAL = float(os.environ.get("WERKSTATT_OPINIONS_ANALYSIS_INTERVAL", "30"))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "werkstatt_cache",
    },
    # Rendered pages, fragments and frames (web/page_cache.py), in each process's memory.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "werkstatt-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Signed-in readers of the directory get a page frame rendered for their role (page_cache.py).
PAGE_FRAMES = env_bool("WERKSTATT_PAGE_FRAMES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WERKSTATT_LOG_LEVEL", "INFO")},
}
