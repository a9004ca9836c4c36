"""Juggy settings: one module, driven by the environment.

With nothing set, Juggy runs embedded: SQLite, in-memory channel layer, eager Celery, local files,
the built-in AI engine. DATABASE_URL and REDIS_URL switch to the production services.
Every variable read here is listed in README.md and .env.example.
"""

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent



class Env(environ.Env):
    """An empty variable counts as unset, so a blank `NAME=` line in .env keeps the default."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        if self.ENVIRON.get(var) == "" and default is not self.NOTSET:
            var = f"_JUGGY_UNSET_{var}"
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)


env = Env()
# A local .env (written by `make run`) is read if present; real environment variables win.
env_file = env.str("JUGGY_ENV_FILE", default=str(BASE_DIR / ".env"))
if Path(env_file).is_file():
    environ.Env.read_env(env_file, overwrite=False)

TESTING = "pytest" in sys.modules

DEBUG = env.bool("DEBUG", default=False)
# manage.py commands that only read the code (they never serve, sign or store anything) run without a
# key, so a fresh checkout can check its migrations or print its schema before `make run` writes .env.
OFFLINE_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate", "check", "spectacular", "help"}
_OFFLINE = Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING or _OFFLINE):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (make run writes one to .env).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
if TESTING:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

VAR_DIR = Path(env.str("JUGGY_VAR_DIR", default=str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "daphne",
    # The admin's theme (its CSS, fonts and scripts ship in the wheel: it works offline); before
    # django.contrib.admin so its templates win.
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served from /static/: the docs work offline
    "channels",
    "juggy.accounts",
    "media_app",
    "livekit_app",
    "conversations",
    "sessions_app",
    "interviews_app",
    "auditlog",
    "backoffice",
]

MIDDLEWARE = [
    "juggy.middleware.OptionalTrailingSlashMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Names the signed-in user as the actor of the audit log's change entries (backoffice).
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "juggy.middleware.JsonExceptionMiddleware",
]

ROOT_URLCONF = "juggy.urls"
# ASGI only (WebSockets; VAPI's chat completions are served ahead of Django, sessions_app/vapi/asgi.py).
ASGI_APPLICATION = "juggy.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "juggy" / "templates"],  # the project package's own pages (API docs)
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

# --- Database -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh checkout has no var/ yet; SQLite creates the file but not its folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait (timeout)
    # instead of failing with "database is locked" half-way through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # A pool of connections per process (psycopg_pool, Django 5.1+). Under ASGI every request's
    # database_sync_to_async runs in a thread of its own with a connection of its own: without a pool,
    # 200 concurrent calls open 200 connections (past PostgreSQL's max_connections) and each pays a
    # connect. With it, a request borrows a connection for one trip and waits up to DB_POOL_TIMEOUT
    # seconds for a free one. DB_POOL_MAX_SIZE=0 turns pooling off (e.g. behind pgbouncer), and then
    # DB_CONN_MAX_AGE applies; with the pool Django requires CONN_MAX_AGE=0.
    if (pool_max := env.int("DB_POOL_MAX_SIZE", default=20)) > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        # No "SELECT 1" round trip on every check-out: the pool drops connections that come back
        # broken, and a query on one that died idle fails like any database error (the VAPI path speaks
        # an apology; others answer 503).
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": min(env.int("DB_POOL_MIN_SIZE", default=2), pool_max),
            "max_size": pool_max,
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Redis: channel layer, Celery broker, cache ---------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)

# Seconds a channel-layer Redis read may wait: more than channels_redis's 5 s blocking read.
CHANNEL_LAYER_SOCKET_TIMEOUT = env.float("CHANNEL_LAYER_SOCKET_TIMEOUT", default=15.0)

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # channels_redis waits for messages with blocking reads of 5 s (brpop_timeout); the Redis
                # client's default socket timeout is also 5 s, so a quiet socket's read timed out first
                # and the consumer closed with 1011. The socket timeout must outlast the blocking read;
                # keepalives find a dead peer on an idle connection.
                "hosts": [{
                    "address": REDIS_URL,
                    "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT,
                    "socket_connect_timeout": 5,
                    "socket_keepalive": True,
                    "health_check_interval": 30,
                }],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="juggy"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "juggy",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# `make serve` (scripts/serve): uvicorn processes. One per CPU; embedded mode (no REDIS_URL) has an
# in-memory channel layer, so one process, or sockets would miss other processes' events.
WEB_CONCURRENCY = env.int("WEB_CONCURRENCY", default=0) or ((os.cpu_count() or 1) if REDIS_URL else 1)

# --- Celery ---------------------------------------------------------------------------------------
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="juggy")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 30
# A task whose worker dies mid-run goes back to the queue (acks_late + reject), and an unacknowledged
# message is redelivered by Redis after the visibility timeout: longer than any task may run (and than
# the longest retry countdown), far shorter than the broker's default of one hour.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT}
# The sweep (Celery beat, `make beat`) re-queues background work (parsing, structuring, analyses and
# summaries) that has not moved for WORK_STUCK_AFTER_SECONDS, longer than any task may run; a document
# still not done WORK_GIVE_UP_AFTER_SECONDS after its upload is failed instead, with the reason.
WORK_STUCK_AFTER_SECONDS = env.int("WORK_STUCK_AFTER_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
WORK_GIVE_UP_AFTER_SECONDS = env.int("WORK_GIVE_UP_AFTER_SECONDS", default=4 * WORK_STUCK_AFTER_SECONDS)
SWEEP_INTERVAL_SECONDS = env.float("SWEEP_INTERVAL_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "media-sweep-stuck": {"task": "media_app.tasks.media_sweep", "schedule": SWEEP_INTERVAL_SECONDS},
    "conversations-sweep-stuck": {"task": "conversations.tasks.conversation_sweep", "schedule": SWEEP_INTERVAL_SECONDS},
}

# --- Files ----------------------------------------------------------------------------------------
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Not "/media/": that prefix belongs to the API (/media/upload...).
MEDIA_URL = env.str("MEDIA_URL", default="/files/")
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": env.str("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve /static/ (admin) and public /files/ from the ASGI app itself; turn off behind a web server.
SERVE_FILES = env.bool("SERVE_FILES", default=True)
# Base of the absolute URLs we hand out (audio files). Empty: built from each request (scheme, host, port).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
# How many reverse proxies stand in front (0: none, and no X-Forwarded-* header is believed, so clients
# cannot forge them). One setting for both uses: the client's address (throttles, login guard: DRF's
# NUM_PROXIES rule) and the scheme, host and port of the URLs we hand out (and request.is_secure()).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
    USE_X_FORWARDED_PORT = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Every request body is bounded before it is buffered (juggy.middleware.BodyLimitMiddleware): uploads by
# MEDIA_MAX_UPLOAD_BYTES / STT_MAX_UPLOAD_BYTES, everything else by this.
REQUEST_MAX_BODY_BYTES = env.int("REQUEST_MAX_BODY_BYTES", default=1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- REST API -------------------------------------------------------------------------------------
AUTH_CLIENT_RATE_LIMIT = env.str("AUTH_CLIENT_RATE_LIMIT", default="20/minute")  # failed logins per client
AUTH_USERNAME_RATE_LIMIT = env.str("AUTH_USERNAME_RATE_LIMIT", default="100/hour")  # per username, any client
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["juggy.accounts.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["djangorestframework_camel_case.render.CamelCaseJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "juggy.jsoninput.JSONParser",  # CamelCaseJSONParser with bounded nesting
        "djangorestframework_camel_case.parser.CamelCaseMultiPartParser",
        "djangorestframework_camel_case.parser.CamelCaseFormParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["juggy.accounts.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("USER_RATE_LIMIT", default="600/minute"),
        "auth": env.str("AUTH_RATE_LIMIT", default="5/minute"),  # failed logins per username and client
    },
    # Client addresses (throttles, login guard): REMOTE_ADDR, or with n trusted proxies in front the n-th
    # X-Forwarded-For address from the right. 0: X-Forwarded-For is ignored, so it cannot be forged.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "juggy.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "JSON_UNDERSCOREIZE": {"no_underscore_before_number": True},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Juggy API",
    "DESCRIPTION": (
        "Self-hostable backend for AI-conducted job interviews. Authenticate with "
        "`Authorization: Bearer <token>` (POST /auth/token). Every error has the shape "
        '`{"error": {"code", "message", "details"}}`. Field names are camelCase.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "CAMELIZE_NAMES": False,
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "sessions_app.models.Session.Status",
        "InterviewStatusEnum": "interviews_app.models.Interview.Status",
        "MediaStateEnum": "media_app.models.Media.State",
        "MediaStructureStateEnum": "media_app.models.Media.StructureState",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
        "sessions_app.vapi.schema.add_vapi_paths",
        "juggy.schema.complete_responses",
    ],
    "SCHEMA_PATH_PREFIX": "/",
    # Swagger UI and ReDoc from the drf-spectacular-sidecar app's static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- CORS: nothing open unless named --------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = False
# The cursor listing (/session/get-all/v6) names its next page in these; a browser must be able to read them.
CORS_EXPOSE_HEADERS = ["Link", "X-Next-Cursor"]

# --- AI (juggy.ai) --------------------------------------------------------------------------------
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="")
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_ANALYSIS_MODEL = env.str("OPENAI_ANALYSIS_MODEL", default="")
OPENAI_TIMEOUT = env.float("OPENAI_TIMEOUT", default=30.0)
OPENAI_MAX_RETRIES = env.int("OPENAI_MAX_RETRIES", default=2)
# With a model configured, whole turns (REST, WebSocket) have each answer judged by the model; streamed
# voice turns (VAPI, LiveKit) only when this is on, as it costs a model round trip before the first word.
AI_MODEL_ASSESSES_STREAMED_TURNS = env.bool("AI_MODEL_ASSESSES_STREAMED_TURNS", default=False)
# "builtin" or "openai"; empty picks openai when a key is set.
AI_PROVIDER = env.str("AI_PROVIDER", default="") or ("openai" if OPENAI_API_KEY else "builtin")
INTERVIEW_END_CALL_PHRASE = env.str("INTERVIEW_END_CALL_PHRASE", default="Thank you for your time today. Goodbye.")
# The LiveKit interviewer: a gentle prompt after this many seconds of the candidate's silence, and the
# end of the interview after the longer one.
INTERVIEW_SILENCE_PROMPT_SECONDS = env.float("INTERVIEW_SILENCE_PROMPT_SECONDS", default=15.0)
INTERVIEW_SILENCE_END_SECONDS = env.float("INTERVIEW_SILENCE_END_SECONDS", default=60.0)
SESSION_ANALYSIS_WAIT_SECONDS = env.float("SESSION_ANALYSIS_WAIT_SECONDS", default=2.0)  # GET /session/analyse waits this long before 202
# Speech: "builtin" (eSpeak NG + Whisper tiny.en, offline) or "openai".
SPEECH_PROVIDER = env.str("SPEECH_PROVIDER", default="") or ("openai" if OPENAI_API_KEY else "builtin")
OPENAI_TTS_MODEL = env.str("OPENAI_TTS_MODEL", default="gpt-4o-mini-tts")
OPENAI_STT_MODEL = env.str("OPENAI_STT_MODEL", default="whisper-1")
TTS_MAX_CHARS = env.int("TTS_MAX_CHARS", default=4000)
STT_MAX_UPLOAD_BYTES = env.int("STT_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
STT_MAX_DURATION_SECONDS = env.float("STT_MAX_DURATION_SECONDS", default=600.0)

# --- Media ----------------------------------------------------------------------------------------
MEDIA_MAX_UPLOAD_BYTES = env.int("MEDIA_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
MEDIA_PARSE_MAX_PAGES = env.int("MEDIA_PARSE_MAX_PAGES", default=200)
MEDIA_PARSE_TIMEOUT_SECONDS = env.float("MEDIA_PARSE_TIMEOUT_SECONDS", default=30.0)
MEDIA_PARSE_MAX_MEMORY_MB = env.int("MEDIA_PARSE_MAX_MEMORY_MB", default=512)

# --- VAPI -----------------------------------------------------------------------------------------
VAPI_SECRET = env.str("VAPI_SECRET", default="")
VAPI_SECRET_HEADER = env.str("VAPI_SECRET_HEADER", default="X-Vapi-Secret")
VAPI_OUTBOUND_ENABLED = env.bool("VAPI_OUTBOUND_ENABLED", default=False)
VAPI_CREDITS_PER_MINUTE = env.int("VAPI_CREDITS_PER_MINUTE", default=1)  # /v2 calls; 0 = free

# --- LiveKit --------------------------------------------------------------------------------------
LIVEKIT_URL = env.str("LIVEKIT_URL", default="")
LIVEKIT_API_KEY = env.str("LIVEKIT_API_KEY", default="")
LIVEKIT_API_SECRET = env.str("LIVEKIT_API_SECRET", default="")
LIVEKIT_AGENT_NAME = env.str("LIVEKIT_AGENT_NAME", default="juggy-interviewer")
LIVEKIT_TOKEN_TTL_SECONDS = env.int("LIVEKIT_TOKEN_TTL_SECONDS", default=3600)
LIVEKIT_API_TIMEOUT_SECONDS = env.float("LIVEKIT_API_TIMEOUT_SECONDS", default=5.0)
# Without a LiveKit server, tokens are still minted (and verifiable) with this local key pair.
LIVEKIT_LOCAL_API_KEY = env.str("LIVEKIT_LOCAL_API_KEY", default="juggy-local")
LIVEKIT_LOCAL_API_SECRET = env.str("LIVEKIT_LOCAL_API_SECRET", default="") or f"local-{SECRET_KEY}"

# --- Back office (docs/backoffice.md) -------------------------------------------------------------
# Finished interviews older than this many days are erased by a periodic task (`celery -A juggy beat`);
# 0 turns retention off. `manage.py erase_expired --dry-run` lists what it would erase.
DATA_RETENTION_DAYS = env.int("DATA_RETENTION_DAYS", default=0)
CELERY_BEAT_SCHEDULE |= {  # joins the sweeps declared under Celery above
    "backoffice-retention": {"task": "backoffice.tasks.retention_sweep", "schedule": 6 * 3600.0},
}
UNFOLD = {
    "SITE_TITLE": "Juggy back office",
    "SITE_HEADER": "Juggy",
    "SITE_SUBHEADER": "Interviews and scorecards",
    "SITE_SYMBOL": "record_voice_over",
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "backoffice.dashboard.dashboard_callback",
    "STYLES": [lambda request: STATIC_URL + "backoffice/admin.css"],
    "SCRIPTS": [lambda request: STATIC_URL + "backoffice/admin.js"],
}
# The audit trail of changes (django-auditlog) records the models backoffice registers, and never the
# values of fields that hold a candidate's personal data (those are masked or excluded there).
AUDITLOG_INCLUDE_ALL_MODELS = False

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "juggy.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
