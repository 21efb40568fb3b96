"""Settings for Find a Trial.

Everything that differs between a laptop and a server is read from the
environment through the helpers in ``findatrial.env``; README.md lists every
variable with its default. The defaults are production's: with nothing set,
DEBUG is off and the app refuses to start without a real SECRET_KEY.
`make run` and `make test` set DEBUG=1 for local development.
"""

import re
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .databases import database_from_url
from .env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"


def _secret_key(debug: bool) -> str:
    """The SECRET_KEY, or a refusal to start with one that signs nothing safely.

    Sessions, password reset links and CSRF tokens are signed with it. The
    length and variety follow Django's own deploy check (security.W009), so a
    key accepted here also passes ``check --deploy``.
    """
    key = env_str("SECRET_KEY")
    if debug:
        return key or _DEV_SECRET_KEY
    if not key:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (for local development set DEBUG=1, "
            "as `make run` and `make test` do)."
        )
    if key.startswith("django-insecure") or len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY is not a production key: use at least 50 random characters, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    return key


SECRET_KEY = _secret_key(DEBUG)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "projects",
]

MIDDLEWARE = [
    # First: load balancers probe by IP address over plain HTTP, which
    # ALLOWED_HOSTS and the HTTPS redirect below would turn away.
    "findatrial.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages from the page cache, with the headers the middleware below
    # added when the page was made: a hit runs none of them (projects/cache.py).
    "projects.middleware.PublicPageCacheMiddleware",
    "findatrial.faults.DatabaseUnavailableMiddleware",
    "findatrial.routers.ReplicaReadsMiddleware",
    "csp.middleware.CSPMiddleware",
    "findatrial.permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "findatrial.bad_requests.RejectNullBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "findatrial.urls"

TEMPLATES = [
    {
        # Django's engine; its templates free a page's values once rendered.
        "BACKEND": "findatrial.templates.DjangoTemplates",
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
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

WSGI_APPLICATION = "findatrial.wsgi.application"

# Databases ----------------------------------------------------------------

_CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), _CONN_MAX_AGE
    )
}
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **database_from_url(env_str("DATABASE_REPLICA_URL"), _CONN_MAX_AGE),
        # Tests read the replica through the primary's test database.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["findatrial.routers.PrimaryReplicaRouter"]
# SQLite has no covering indexes: there, the listed projects' key index
# (projects.Project, "listed_id_eligibility") keeps its key and drops the
# columns PostgreSQL also stores in it, which is what this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Cache --------------------------------------------------------------------

if env_str("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's backend, reusing its Redis client (findatrial/cache_backends.py).
            "BACKEND": "findatrial.cache_backends.RedisCache",
            "LOCATION": env_str("REDIS_URL"),
            # A Redis that stopped answering must not hold requests for long.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions stay in the database, shared by every app server behind the load
# balancer. Saving on every request makes SESSION_COOKIE_AGE an idle timeout.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True

# Logins -------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: it refuses a locked-out login before
    # the password is even checked.
    "findatrial.login_throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
# Per username and address together: one person's typos never lock out a
# colleague, and an attacker trying many usernames meets the limit on each.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "findatrial.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "findatrial.login_throttle.client_address"
AXES_USERNAME_CALLABLE = "findatrial.login_throttle.client_username"
# How many proxies (load balancer, CDN) append to X-Forwarded-For in front of
# the app; 0 when clients connect to it directly.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


def _admin_path() -> str:
    """Where the editorial admin lives, e.g. "editorial/". Moving it off
    /admin/ keeps most password-guessing robots away from the login page."""
    path = env_str("ADMIN_PATH", "admin/").strip("/")
    if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*", path):
        raise ImproperlyConfigured(
            f"ADMIN_PATH={path!r} must be a URL path such as 'editorial/' "
            "(letters, digits, '-', '_' and '/', not empty)."
        )
    return path + "/"


ADMIN_PATH = _admin_path()
LOGIN_URL = "admin:login"

# HTTPS and browser protections -------------------------------------------
# On by default whenever DEBUG is off; `make run` serves plain HTTP with DEBUG=1.

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The preload token only permits submitting the domain to browsers' built-in
# HTTPS list (hstspreload.org); nothing is submitted by setting it.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)


def _proxy_ssl_header() -> tuple[str, str] | None:
    """Behind a proxy that ends TLS, the request reaches Django as HTTP; the
    proxy's header says it was HTTPS. Trust it only when the proxy always sets
    (and strips) it: "HTTP_X_FORWARDED_PROTO,https"."""
    value = env_list("SECURE_PROXY_SSL_HEADER")
    if not value:
        return None
    if len(value) != 2 or not value[0].startswith("HTTP_"):
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be a header and a value, "
            "e.g. 'HTTP_X_FORWARDED_PROTO,https'."
        )
    return value[0], value[1]


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header()
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere, the admin included: Django 5.2's admin
# loads every script from a file. The one inline <style> in Django's admin
# (the change list without an actions bar, a column width) is cosmetic and
# no model admin here hides the actions bar, so it is not allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Features the site never uses are switched off for it and anything it
# embeds; geolocation stays available to the site itself for a "near me"
# search.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": ["self"],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Faults -------------------------------------------------------------------

# The "back soon" page tells browsers and crawlers when to come back.
DATABASE_UNAVAILABLE_RETRY_AFTER = env_int("RETRY_AFTER_SECONDS", 30, minimum=1)

# Internationalization ----------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
# The site is in American English only (no LocaleMiddleware, no message
# files), so Django's translation machinery is off, as its performance
# notes advise: every gettext of a label then returns the text itself
# instead of looking up the active language (about 175 lookups a listing
# page, 1 to 2 ms). Texts stay marked for translation; turning this back on
# is the first step of a second language.
USE_I18N = False
USE_TZ = True

# Static files -------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where `collectstatic` puts the files gunicorn serves (whitenoise) when DEBUG is off.
STATIC_ROOT = Path(env_str("STATIC_ROOT")) if env_str("STATIC_ROOT") else BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Serve straight from the app and project folders while developing, so
# `runserver` and the tests need no collectstatic; production serves the
# collected, compressed and hashed copies.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Editorial -----------------------------------------------------------------
#: A live page is due for a check against its source this many months after
#: its last review.
REVIEW_INTERVAL_MONTHS = env_int("REVIEW_INTERVAL_MONTHS", 12, minimum=1)
#: Plain-language target: the Flesch-Kincaid grade a lay summary should not exceed.
READING_GRADE_TARGET = env_float("READING_GRADE_TARGET", 8.0, minimum=1.0)
#: Where links in emails point (a command has no request to build them from).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
#: Email: the console by default, so reminders show in the terminal.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Find a Trial <editorial@localhost>")

# Public JSON API (projects/api/) -------------------------------------------
#: Requests an anonymous client may make, per IP address (DRF's rate syntax).
API_ANON_RATE = env_str("API_ANON_RATE", "60/minute")
REST_FRAMEWORK = {
    # Read-only and anonymous: no sessions, so no CSRF and no signed-in view of drafts.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE},
    # The browsable HTML API only while developing; production answers JSON.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Find a Trial API",
    "DESCRIPTION": (
        "Read-only JSON of the published plain-language pages about NIH-funded research "
        "and clinical studies: the same projects, filters and wording as the public site."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Public pages at scale (projects/cache.py) ----------------------------------
#: How long a rendered public page may sit in the cache. Any change to what
#: the public sees drops every cached page at once, so this only bounds memory.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600, minimum=1)
#: ``s-maxage`` for a CDN in front: 0 (default) means it must revalidate every
#: request (a 304 from the page cache), so a withdrawn page never lingers.
PUBLIC_PAGE_SHARED_MAX_AGE = env_int("PUBLIC_PAGE_SHARED_MAX_AGE", 0, minimum=0)
