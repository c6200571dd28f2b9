"""Django settings for baocao: one file, driven by environment variables.

The defaults make `baocao demo && baocao serve` work on a laptop with SQLite; a real deployment
sets BAOCAO_DEBUG=0, BAOCAO_SECRET_KEY, BAOCAO_ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
Only APIs present in both Django 5.2 LTS and 6.x are used: Python 3.11 machines get 5.2.
"""

import os
from pathlib import Path

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


WEB_DIR = Path(__file__).resolve().parent
BASE_DIR = WEB_DIR.parent.parent
# Everything the running site writes (SQLite file, collected static files, screenshots) lives here.
VAR_DIR = Path(os.environ.get("BAOCAO_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("BAOCAO_DEBUG", True)
SECRET_KEY = os.environ.get("BAOCAO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set BAOCAO_SECRET_KEY when BAOCAO_DEBUG is off.")
    SECRET_KEY = "django-insecure-baocao-local-demo-only"
ALLOWED_HOSTS = env_list("BAOCAO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("BAOCAO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: runserver must not serve static files itself; WhiteNoise does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "baocao.apps.outlines",
    "baocao.apps.orgs",
    "baocao.apps.campaigns",
    "baocao.apps.audit",
    "baocao.apps.api",
    "baocao.apps.logins",
    "baocao.apps.issuing",
    "baocao.apps.notices",
    "baocao.apps.jobs",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: every answer, redirects included, carries the request's id (baocao.web.requestlog).
    "baocao.web.requestlog.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A full report page is ~130 KB of HTML and ~15 KB gzipped: it matters on a slow line.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # LocaleMiddleware that ignores Accept-Language: Vietnamese unless chosen otherwise.
    "baocao.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # 413 for a body longer than its view takes, judged on Content-Length before anything
    # reads it (CsrfViewMiddleware's process_view would parse it): baocao.web.bodylimit.
    "baocao.web.bodylimit.BodyLimitMiddleware",
    # The client's address (baocao.web.client_ip), for the audit log of the request's changes.
    "baocao.apps.audit.log.AuditAddressMiddleware",
    # Every page needs a login unless its view is marked login_not_required (Django 5.1+).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An account given a one-time password goes to "Đổi mật khẩu" until it has its own.
    "baocao.apps.orgs.accounts.MustChangePasswordMiddleware",
    # A session unused for BAOCAO_IDLE_MINUTES ends (after messages: the login page says why).
    "baocao.web.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A view that meets an unreachable database answers 503 + Retry-After (baocao.web.errors).
    "baocao.web.errors.DatabaseOutageMiddleware",
]
if django.VERSION >= (6, 0):  # Django 5.2 has no CSP support: its sites go without the header
    MIDDLEWARE.insert(2, "django.middleware.csp.ContentSecurityPolicyMiddleware")

ROOT_URLCONF = "baocao.web.urls"
WSGI_APPLICATION = "baocao.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The header's "Thông báo (3)": counted only on pages that show it.
                "baocao.apps.notices.context.unread_notices",
                *(["django.template.context_processors.csp"] if django.VERSION >= (6, 0) else []),
            ],
        },
    },
]


def _database_url() -> str:
    if url := os.environ.get("DATABASE_URL", "").strip():
        return url
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    sqlite_file = VAR_DIR / "baocao.sqlite3"
    # Readable by the site's own account only (SQLite gives its -wal and -shm files the same).
    sqlite_file.touch(mode=0o600, exist_ok=True)
    return f"sqlite:///{sqlite_file}"


DATABASES = {
    "default": dj_database_url.parse(_database_url(), conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The national roll-up is one GROUP BY over millions of figures: compiling it (JIT) cost
    # 0.9 s of its 2.6 s, more than it saved, and its ~50,000 groups spilled to disk in the
    # default 4 MB of work memory (bench/bench_rollup.py). The site's other queries are small.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"-c jit=off -c work_mem=64MB {options.get('options', '')}".strip()
    # PgBouncer in transaction mode cannot keep the dashboard's server-side cursor.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("BAOCAO_PGBOUNCER", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One small machine, several writers (autosave): take the write lock at BEGIN and wait for it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests on a file, not in memory: the live server's threads (browser tests) then each get
    # their own connection, as in production, instead of racing on one shared connection.
    # One file per test process, so two test runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-baocao-{os.getpid()}.sqlite3")}
# A read replica for pages that only read (baocao.web.replica): unset, everything reads the
# primary. In tests the replica is the primary itself (a mirror), so the router is exercised.
if _replica_url := os.environ.get("BAOCAO_DB_REPLICA_URL", "").strip():
    DATABASES["replica"] = {
        **dj_database_url.parse(_replica_url, conn_max_age=60, conn_health_checks=True),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["baocao.web.replica.ReplicaRouter"]
# Explicit, so migrations are the same on Django 5.2 and 6.x whatever their defaults.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords and logins -------------------------------------------------------------------
# Every password set through Django (admin, "Đổi mật khẩu", createsuperuser, changepassword)
# must pass these: at least 10 characters, not like the username or e-mail, not a common
# password, not only digits. Their messages are Django's own Vietnamese (one that Django 6.1
# left untranslated is in baocao/web/locale/vi).
# Argon2id first, Django's other hashers for older hashes (rehashed at the next login), and
# the cheap one of the one-time passwords handed out with new accounts
# (baocao.apps.orgs.accounts): rehashed at full cost at the first login, which must change it.
PASSWORD_HASHERS = [
    "baocao.apps.orgs.accounts.LoginPasswordHasher",  # Argon2id: why, in its docstring
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "baocao.apps.orgs.accounts.OneTimePasswordHasher",
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
LOGIN_URL = "login"
# A session ends after 14 days (SESSION_COOKIE_AGE) and, on shared office computers, after
# this many minutes without a request (baocao.web.middleware; 0: never).
BAOCAO_IDLE_MINUTES = int(os.environ.get("BAOCAO_IDLE_MINUTES") or 240)
# The report page's rich-text editor (TipTap, vendored: static/vendor/tiptap-*.min.js) over each
# section's <textarea>; BAOCAO_RICH_EDITOR=0 leaves the plain-lines textarea (as without JS).
BAOCAO_RICH_EDITOR = env_bool("BAOCAO_RICH_EDITOR", True)
# Consolidated figures read from the live roll-up's tables (baocao.apps.campaigns.live_rollup,
# kept up to date by every save and review) instead of rolled up on each request, for every
# campaign whose live tables are built (opened with them, or `baocao rollup rebuild` since:
# Campaign.live_rollup_at). BAOCAO_LIVE_ROLLUP=0 rolls up from the reports everywhere.
BAOCAO_LIVE_ROLLUP = env_bool("BAOCAO_LIVE_ROLLUP", True)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed logins lock a username (and, at a higher count, a client address) for a while
# (baocao.web.throttle): failures counted over `window` seconds, as rows of a table
# (baocao.apps.logins) that every gunicorn worker shares.
BAOCAO_LOGIN_THROTTLE = {"window": 15 * 60, "per_username": 5, "per_address": 20}
# Reverse proxies whose X-Forwarded-For is believed (IPs or networks, "10.0.0.1,10.1.0.0/16");
# empty: the client is REMOTE_ADDR (baocao.web.client_ip). Login throttling and the audit log
# use this address.
BAOCAO_TRUSTED_PROXIES = env_list("BAOCAO_TRUSTED_PROXIES", "")

# --- Request limits -----------------------------------------------------------------------------
# Non-file form data: the largest body is a section's text (autosave sends it whole); 2.5 MB is
# some 800 pages of text. A body longer than this (plus 64 KB of multipart envelope) is refused
# with 413 from its Content-Length, before anything reads it, unless its view takes a file
# (baocao.web.bodylimit: the one place for body limits); Django refuses the rest with 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The largest form is a section's whole indicator table: per indicator and year, the value and
# the value first shown (45 fields for the built-in outline's biggest table, 11 indicators);
# next, the return form, a remark per section (23). 1000 leaves room for an outline with 240
# indicators in one section, and refuses the floods of fields that make parsing slow.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Uploaded files (Word, Excel, outlines, unit lists: each view's limit, 20-30 MB, is its request
# limit in baocao.web.bodylimit) above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Files sent in for reports wait in the database until confirmed or discarded: a unit may keep
# this many MB of them waiting (0: no limit); `baocao uploads prune` deletes old ones (cron).
BAOCAO_UPLOAD_QUOTA_MB = int(os.environ.get("BAOCAO_UPLOAD_QUOTA_MB") or 200)

# --- Digital signatures (ký số) of issued reports (baocao.apps.issuing.keys, README "Ký số") --
# A unit signs with BAOCAO_SIGNING_DIR/<UNIT CODE>.p12, its password in the environment
# variable BAOCAO_SIGNING_PASSWORD_<UNIT CODE> (KT-DH: BAOCAO_SIGNING_PASSWORD_KT_DH); empty:
# no unit signs on the server. Signatures are trusted when they chain to a certificate of the
# PEM file BAOCAO_SIGNING_TRUST.
BAOCAO_SIGNING_DIR = os.environ.get("BAOCAO_SIGNING_DIR", "")
BAOCAO_SIGNING_TRUST = os.environ.get("BAOCAO_SIGNING_TRUST", "")

# --- HTTPS and browser protections ----------------------------------------------------------
# On by default when DEBUG is off; BAOCAO_HTTPS=0 for a province's plain-HTTP LAN box (then
# `check --deploy` rightly warns). With HTTPS: secure cookies, redirect http → https and HSTS
# (BAOCAO_HSTS_SECONDS, a year by default: browsers then refuse plain HTTP for that long).
# Behind a proxy that ends TLS, set BAOCAO_PROXY_SSL_HEADER=1 so Django believes its
# X-Forwarded-Proto (only if the proxy always sets it) and the redirect does not loop.
HTTPS = env_bool("BAOCAO_HTTPS", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("BAOCAO_HSTS_SECONDS") or 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BAOCAO_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A proxy's health check asks over plain HTTP on the machine itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "baocao.web.errors.csrf_failure"
# Content-Security-Policy: scripts and styles only from the site's own files (no inline
# <script>, style="" or on...= in any template; htmx's own indicator style is switched off in
# base.html), nothing framed, forms posted only to the site. A script injected into a page
# would not run.
if django.VERSION >= (6, 0):
    from django.utils.csp import CSP

    SECURE_CSP = {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF],
        "img-src": [CSP.SELF, "data:"],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.NONE],
        "form-action": [CSP.SELF],
        "frame-ancestors": [CSP.NONE],
    }

# Vietnamese first, English available; templates' msgids are the Vietnamese text itself.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
# dd/mm/yyyy and 1.234,5 (Django's own vi formats spell the date out in words).
FORMAT_MODULE_PATH = ["baocao.web.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [WEB_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail (reminders) ---------------------------------------------------------------------
# Printed to the console in the demo (it sends nothing); a province sets
# BAOCAO_EMAIL_BACKEND=smtp and BAOCAO_EMAIL_HOST/PORT/USER/PASSWORD/USE_TLS. Django 6.1 reads
# them as MAILERS["default"] (its EMAIL_* settings are deprecated there), 5.2 as EMAIL_*.
# BAOCAO_SITE_URL is the address the links in e-mails point to.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
# Without BAOCAO_EMAIL_BACKEND: the console under DEBUG, SMTP (localhost unless
# BAOCAO_EMAIL_HOST says otherwise) in production, where a console backend would drop mail.
_email_backend = os.environ.get("BAOCAO_EMAIL_BACKEND", "").strip() or (
    "console" if DEBUG else "smtp"
)
_email_backend = _EMAIL_BACKENDS.get(_email_backend.lower(), _email_backend)
_email_options: dict = {}
if _email_backend == _EMAIL_BACKENDS["smtp"]:
    _email_options = {
        "host": os.environ.get("BAOCAO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("BAOCAO_EMAIL_PORT", "587")),
        "username": os.environ.get("BAOCAO_EMAIL_USER", ""),
        "password": os.environ.get("BAOCAO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("BAOCAO_EMAIL_USE_TLS", True),
        "timeout": 30,
    }
elif _email_backend == _EMAIL_BACKENDS["file"]:
    _email_options = {"file_path": str(VAR_DIR / "mail")}
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
else:
    EMAIL_BACKEND = _email_backend
    _names = {"host": "EMAIL_HOST", "port": "EMAIL_PORT", "username": "EMAIL_HOST_USER"}
    _names |= {"password": "EMAIL_HOST_PASSWORD", "use_tls": "EMAIL_USE_TLS"}
    _names |= {"timeout": "EMAIL_TIMEOUT", "file_path": "EMAIL_FILE_PATH"}
    for _option, _value in _email_options.items():
        globals()[_names[_option]] = _value
DEFAULT_FROM_EMAIL = os.environ.get("BAOCAO_FROM_EMAIL", "baocao <baocao@localhost>")
BAOCAO_SITE_URL = os.environ.get("BAOCAO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A unit reminded is not reminded again (for the same reason) within this many hours, whoever
# clicks (baocao.apps.campaigns.reminders); writers get a "sắp đến hạn" notice this many days
# before the deadline (baocao.apps.notices, sent by `baocao notices send` from cron).
BAOCAO_REMINDER_WINDOW_HOURS = int(os.environ.get("BAOCAO_REMINDER_WINDOW_HOURS") or 24)
BAOCAO_DEADLINE_NOTICE_DAYS = int(os.environ.get("BAOCAO_DEADLINE_NOTICE_DAYS") or 3)

# --- Background work ------------------------------------------------------------------------
# Django's tasks framework (baocao.web.background): a queue in the database and `baocao worker`
# (started beside the web server by `baocao serve`) by default, so the embedded set-up needs no
# other service. BAOCAO_TASK_BACKEND=immediate runs each task inside the request that enqueues
# it (a one-process install without a worker); BAOCAO_TASK_BACKEND=redis puts the queue in
# Redis (BAOCAO_REDIS_URL), run by RQ workers (`baocao worker` runs one), for many web nodes
# and workers; a dotted path names any other backend.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend"
    if django.VERSION >= (6, 0)
    else "django_tasks.backends.immediate.ImmediateBackend",
    # django-tasks-rq's backend, enqueueing when the asking transaction commits.
    "redis": "baocao.web.redis_queue.RedisQueue",
    "rq": "baocao.web.redis_queue.RedisQueue",
}
_task_backend = os.environ.get("BAOCAO_TASK_BACKEND", "").strip() or "database"
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(_task_backend.lower(), _task_backend)}}
# Redis, shared by every node: BAOCAO_REDIS_URL (redis://HOST:6379/DB); with the Redis queue and
# no URL, Redis on this machine. Unset (the default), nothing uses Redis.
REDIS_URL = os.environ.get("BAOCAO_REDIS_URL", "").strip()
if TASKS["default"]["BACKEND"] == _TASK_BACKENDS["redis"]:
    REDIS_URL = REDIS_URL or "redis://127.0.0.1:6379/0"
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # django-rq's queue of the tasks (Django's default queue name), in that Redis. A task may
    # run this long (a national DOCX, a batch of reminders to a slow mail server) before RQ
    # takes it as stuck; its worker's heartbeat says it is alive meanwhile.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 1800}}

# --- Caches -----------------------------------------------------------------------------------
# With Redis, Django's cache is shared by every node and process (RedisCache: redis-py);
# without it, each process has its own in memory (nothing here needs it shared: sessions and
# login-failure counts are rows of the database, README "Several machines").
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several sites (or test runs) may share one Redis.
            "KEY_PREFIX": os.environ.get("BAOCAO_CACHE_PREFIX", "baocao"),
        }
    }

# --- Logs -------------------------------------------------------------------------------------
# One JSON object per line on stderr (gunicorn and systemd keep it), each with the request's
# id, user and unit (baocao.web.requestlog); a 500 writes its traceback. BAOCAO_ADMINS
# ("a@x.vn,b@x.vn") also get each 500 by mail when DEBUG is off.
_admins = env_list("BAOCAO_ADMINS", "")
ADMINS = _admins if django.VERSION >= (6, 0) else [(email, email) for email in _admins]
_log_level = os.environ.get("BAOCAO_LOG_LEVEL") or "INFO"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": "baocao.web.requestlog.LogContext"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {"json": {"()": "baocao.web.requestlog.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request"],
            "formatter": "json",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    # Other libraries' warnings and errors; the site's and Django's lines from BAOCAO_LOG_LEVEL.
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "baocao": {"level": _log_level},
        # Replaces Django's own console handler, which would print each line a second time.
        "django": {"handlers": ["mail_admins"], "level": _log_level},
        # runserver's access lines, as JSON too.
        "django.server": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # A signature whose certificate chains to no trusted root is a verdict, not a warning
        # with a traceback (baocao.signing.verify_pdf says it to the person).
        "pyhanko": {"level": "ERROR"},
        # Subsetting the signature's font says which tables it drops, at every signature.
        "fontTools": {"level": "ERROR"},
    },
}
