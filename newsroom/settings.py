"""Settings for the newsroom CMS, read from the environment.

One settings module for every place it runs (HackSoft's rule: the environment decides, nothing exists only
in production). The names are documented in README.md.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# The demo key is public; production refuses to start with it (or without a key at all).
DEMO_SECRET_KEY = "django-insecure-demo-only-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set DJANGO_SECRET_KEY to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set DJANGO_DEBUG=1 for local use."
        )
    SECRET_KEY = DEMO_SECRET_KEY
elif not DEBUG and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is the public demo key; set a real secret in production.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "ckeditor",
    "reversion",
    "adminsortable2",  # the article's photos, sorted by dragging (articles/admin/pictures.py)
    "axes",
    "csp",
    # The content API (api/): Django REST framework, its OpenAPI schema, the Swagger UI from our own static files,
    # and CORS for /api/ only.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    # Ours, lowest first: each depends only on those above it (docs/architecture.md).
    "core.apps.CoreConfig",
    "people.apps.PeopleConfig",
    "articles.apps.ArticlesConfig",
    "search.apps.SearchConfig",
    "reader.apps.ReaderConfig",
    "editing.apps.EditingConfig",
    "planning.apps.PlanningConfig",
    "files.apps.FilesConfig",
    "edition.apps.EditionConfig",
    "printimport.apps.PrintImportConfig",
    "webhooks.apps.WebhooksConfig",
    "api.apps.ApiConfig",
    "devdata.apps.DevDataConfig",
]

MIDDLEWARE = [
    # CORS headers for the content API (CORS_URLS_REGEX), on every response including errors.
    "corsheaders.middleware.CorsMiddleware",
    # Anonymous public pages from the cache, with the headers every middleware below set, stored once; on a
    # hit nothing below runs (core/pagecache.py). Static and media files pass straight through.
    "core.pagecache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.security.PathCSPMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "core.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file in the project folder. Persistent connections with health checks.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that is down answers nothing: give up after a few seconds (503 page) instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5"))
    )
    # No JIT compilation: the site's statements are short, and the planner's cost estimates for a search over a
    # frequent word can make PostgreSQL spend far longer compiling than running (docs/performance.md).
    # DJANGO_DB_OPTIONS adds libpq options (e.g. "-c work_mem=8MB"); empty to keep the server's own.
    DATABASES["default"]["OPTIONS"].setdefault("options", os.environ.get("DJANGO_DB_OPTIONS", "-c jit=off"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite lets one connection write at a time. IMMEDIATE: a transaction takes the write lock when it begins,
    # where a second writer waits for it (up to `timeout` seconds); a transaction that had only read would fail
    # at once when it came to write ("database is locked": SQLite cannot wait there without a deadlock). A save
    # still refused after the wait is told the site is busy (core/middleware.py). Keep the wait below the
    # app server's timeout (GUNICORN_TIMEOUT, 30 s), so the answer comes before the worker is killed.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=float(os.environ.get("DJANGO_SQLITE_TIMEOUT", "20")), transaction_mode="IMMEDIATE"
    )
# The public pages' hand-written statements are prepared once per connection on PostgreSQL (core/prepared.py);
# 0 behind any pooler in transaction mode (PgBouncer's included: it does not track SQL-level PREPARE).
DB_PREPARED = env_bool("DJANGO_DB_PREPARED", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every app server), local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache that serves uncached (and logs it) while Redis is down: core/cache/resilient.py.
            "BACKEND": "core.cache.resilient.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "newsroom"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_SECONDS": 5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
            "TIMEOUT": 300,
            # Per process. Django's default of 300 holds fewer pages than a day's readers ask for (a full cache
            # culls a third of itself at once); pages are 20–60 KB.
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DJANGO_LOCAL_CACHE_ENTRIES", "1000"))},
        }
    }
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
# What every public page repeats (the section navigation) is cached under the same rules, even with the page
# cache off (core/fragments.py, shared_fragment).
FRAGMENT_CACHE = env_bool("DJANGO_FRAGMENT_CACHE", True)
# HTTP freshness of cached pages (Cache-Control max-age / s-maxage). 0: browsers and CDNs revalidate every time
# (a cheap 304); raise the CDN's only when its purge is wired to the hook (docs/performance.md).
PAGE_CACHE_BROWSER_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_BROWSER_SECONDS", "0"))
PAGE_CACHE_CDN_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_CDN_SECONDS", "0"))

# --- The content API (api/, docs/api.md) ---
# Its answers are stored by the page cache like pages; the rate limits run before a stored one is served
# (api/apps.py), and CORS headers are added outside the cache (CorsMiddleware comes first).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousThrottle", "api.throttling.PartnerThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom content API",
    "DESCRIPTION": "Read-only access to the published paper: articles, issues, sections, authors, search.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
# Requests per client (IP address) without a key, and per key with one (header X-Api-Key) unless the key has a
# rate of its own. Keys are issued in the admin (api/admin.py).
API_RATE_ANONYMOUS = os.environ.get("DJANGO_API_RATE_ANONYMOUS", "120/min")
API_RATE_PARTNER = os.environ.get("DJANGO_API_RATE_PARTNER", "1200/min")
CORS_ALLOWED_ORIGINS = env_list("DJANGO_API_CORS_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Simplified Chinese first, English available; Beijing time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# A reader's choice of language (reader/views/site.py, the footer's links) is kept for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
# English short dates as 2026-12-06 (newsroom/formats/en/formats.py); Chinese keeps Django's own.
FORMAT_MODULE_PATH = ["newsroom.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Files not yet public (pages of unreleased issues, pictures of unpublished articles): never served as they are;
# staff reach them through /private-media/ (files/views.py), which checks permission (core/storage.py).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
# Behind nginx: the internal location that serves PRIVATE_MEDIA_ROOT once the view has said yes
# (X-Accel-Redirect, docs/deployment.md). Empty: the view sends the file itself.
PRIVATE_MEDIA_ACCEL_PREFIX = os.environ.get("DJANGO_PRIVATE_MEDIA_ACCEL_PREFIX", "")
# How long a signed link to a private file lasts (S3's signed URLs, and links for share-link previews).
PRIVATE_MEDIA_URL_SECONDS = int(os.environ.get("DJANGO_PRIVATE_MEDIA_URL_SECONDS", "300"))
# Media: local files by default; S3-compatible object storage (django-storages) when a bucket is configured, so
# that every app server sees the same uploads. All code reaches media through the storage API only.
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
if S3_BUCKET:
    _S3_OPTIONS = {
        "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("DJANGO_S3_REGION") or None,
        "access_key": os.environ.get("DJANGO_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("DJANGO_S3_SECRET_ACCESS_KEY") or None,
        "file_overwrite": False,
        "default_acl": None,
    }
    _PUBLIC_MEDIA = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "bucket_name": S3_BUCKET,
            "custom_domain": os.environ.get("DJANGO_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("DJANGO_S3_PREFIX", "media"),
            "querystring_auth": env_bool("DJANGO_S3_SIGNED_URLS", False),
        },
    }
    # Private files: a private bucket (or a prefix the public bucket's policy does not open), reached only by
    # short-lived signed URLs that files/views.py hands out after its permission check.
    _PRIVATE_MEDIA = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "bucket_name": os.environ.get("DJANGO_S3_PRIVATE_BUCKET") or S3_BUCKET,
            "location": os.environ.get("DJANGO_S3_PRIVATE_PREFIX", "private-media"),
            "querystring_auth": True,
            "querystring_expire": PRIVATE_MEDIA_URL_SECONDS,
        },
    }
    # MEDIA_URL here only tells the Content-Security-Policy where media comes from; S3Storage builds the URLs.
    if os.environ.get("DJANGO_S3_CUSTOM_DOMAIN"):
        MEDIA_URL = f"https://{os.environ['DJANGO_S3_CUSTOM_DOMAIN']}/"
    elif os.environ.get("DJANGO_S3_ENDPOINT_URL"):
        MEDIA_URL = os.environ["DJANGO_S3_ENDPOINT_URL"].rstrip("/") + "/"
    else:
        MEDIA_URL = f"https://{S3_BUCKET}.s3.amazonaws.com/"
else:
    _PUBLIC_MEDIA = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _PRIVATE_MEDIA = {"BACKEND": "core.storage.PrivateFileSystemStorage"}
STORAGES = {
    # Routes each file to the public or the private storage by its name (core/storage.py).
    "default": {"BACKEND": "core.storage.MediaStorage"},
    "public": _PUBLIC_MEDIA,
    "private": _PRIVATE_MEDIA,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Upload limits enforced by the upload validators (core/uploads.py).
MAX_IMAGE_UPLOAD_BYTES = int(os.environ.get("DJANGO_MAX_IMAGE_BYTES", str(10 * 1024 * 1024)))
MAX_PDF_UPLOAD_BYTES = int(os.environ.get("DJANGO_MAX_PDF_BYTES", str(50 * 1024 * 1024)))

# HTTPS: on by default in production; DJANGO_HTTPS=0 serves plain HTTP on loopback (benchmarks).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp 4, core/security.py). Public pages: no inline script or style at all
# (JSON-LD is a data block, not script). The admin gets ADMIN_CONTENT_SECURITY_POLICY below instead.
_MEDIA_ORIGIN = (lambda u: [f"{u.scheme}://{u.netloc}"] if u.netloc else [])(urlsplit(MEDIA_URL))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # https: images too: article bodies may show pictures hosted elsewhere (the sanitizer allows https URLs).
        "img-src": ["'self'", "data:", "https:", *_MEDIA_ORIGIN],
        "media-src": ["'self'", *_MEDIA_ORIGIN],
        "frame-src": ["'self'", *_MEDIA_ORIGIN],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "upgrade-insecure-requests": HTTPS,
    }
}
# The admin, verified in headless Chromium (tests/security/test_csp_browser.py): scripts as on the public site,
# 'self' only: no inline <script>, no event-handler attributes, no eval. CKEditor 4 writes its toolbar, panels
# and dialogs with inline handlers; static/articles/admin/ckeditor-csp.js (loaded by articles/editor.py) turns
# them into listeners, and CKEDITOR_CONFIGS has the editor settings this needs. Only styles are wider: CKEditor
# sets style attributes and injects <style> elements ('unsafe-inline' styles; img-src and connect-src still
# keep CSS from sending anything off-site).
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "style-src": ["'self'", "'unsafe-inline'"],
    }
}

# Login throttling (django-axes): 5 failures for one user name from one address lock that pair for 15 minutes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
# Proxies (load balancer, CDN) in front of the app servers whose X-Forwarded-For is believed; 0: none.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))

# Sessions in the shared cache, written through to the database: fast, and a cache restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGIN_URL = "admin:login"

# Mail: console in development; SMTP settings from the environment in production.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "newsroom@localhost")

# The paper this site publishes (masthead, feeds, JSON-LD publisher).
NEWSPAPER_NAME = os.environ.get("NEWSPAPER_NAME", "青岚科技报")
NEWSPAPER_URL = os.environ.get("NEWSPAPER_URL", "")
# Where the admin is reached, for links in workflow mail (no request there): NEWSPAPER_URL when unset.
ADMIN_BASE_URL = os.environ.get("ADMIN_BASE_URL", "") or NEWSPAPER_URL
# Search (search/engine.py): on PostgreSQL a search statement running longer than this is cancelled.
SEARCH_TIMEOUT_MS = int(os.environ.get("DJANGO_SEARCH_TIMEOUT_MS", "3000"))
# A search lists the newest this many matches, ranked (search/engine.py, result_window).
SEARCH_MAX_RESULTS = int(os.environ.get("DJANGO_SEARCH_MAX_RESULTS", "100"))
# ... looked for in the last this many days first, the whole archive only when they hold too few.
SEARCH_RECENT_DAYS = int(os.environ.get("DJANGO_SEARCH_RECENT_DAYS", "365"))
# PostgreSQL's work_mem inside a search's transaction (search/engine.py `_time_limit`): room for a common
# word's matches in a year as an exact bitmap.
SEARCH_WORK_MEM = os.environ.get("DJANGO_SEARCH_WORK_MEM", "32MB")

# Editorial rules.
WORKFLOW_FOUR_EYES = env_bool("WORKFLOW_FOUR_EYES", True)
# The four-eyes rule also counts an editor who changed an article's text after it was submitted for review:
# another editor approves it (articles/policy.py). 0: only its creator and its bylines count.
FOUR_EYES_COUNTS_TEXT_EDITORS = env_bool("FOUR_EYES_COUNTS_TEXT_EDITORS", True)
SHARE_LINK_HOURS = int(os.environ.get("SHARE_LINK_HOURS", "72"))

# Rich text: CKEditor 4 through django-ckeditor; see articles/editor.py.
CKEDITOR_BASEPATH = "/static/ckeditor/ckeditor/"
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Custom",
        "toolbar_Custom": [
            ["Format", "Bold", "Italic", "Underline", "Strike", "Subscript", "Superscript"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["Image", "Table", "HorizontalRule"],
            ["Undo", "Redo", "RemoveFormat", "Source"],
        ],
        "format_tags": "p;h2;h3;h4",
        "height": 420,
        "width": "100%",
        "language": "zh-cn",
        # Under the admin's Content-Security-Policy (no inline script): edit in a <div> (divarea) rather than
        # the iframe whose bootstrap is an inline script; images are uploaded over XHR, by paste/drop
        # (uploadimage) or from the image dialog's Upload tab, whose inline script ckeditor-csp.js replaces.
        # The link dialog's upload tab stays off: the upload view takes images only.
        # Verified in headless Chromium: tests/security/test_csp_browser.py.
        "extraPlugins": "divarea",
        "removePlugins": "exportpdf,wysiwygarea",
        "removeDialogTabs": "link:upload",
        "imageUploadUrl": "/admin/editor/upload-image/",
        "filebrowserUploadMethod": "xhr",
        "filebrowserImageUploadUrl": "/admin/editor/upload-image/",
        "extraAllowedContent": "",
    }
}
# ckeditor.W001 warns that CKEditor 4 is no longer maintained. Mitigation: every body is sanitized with nh3 on
# save (articles/richtext.py), so nothing the editor lets through reaches a page; only staff reach the editor;
# uploads are verified images; and the editor sits behind articles/editor.py so it can be swapped.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]

TAGGIT_CASE_INSENSITIVE = True

# Logs go to standard output: one JSON object a line in production (for the log collector), plain text in
# development. DJANGO_LOG_FORMAT=json|plain overrides.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
