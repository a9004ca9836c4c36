import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "ai": settings.AI_PROVIDER,
    "storage": settings.STORAGES["default"]["BACKEND"],
}))
"""


def load_settings(**env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "OPENAI_API_KEY", "AI_PROVIDER"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "juggy.settings", "JUGGY_ENV_FILE": "/nonexistent", **env_overrides})
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_embedded_defaults_with_nothing_set():
    out = load_settings(SECRET_KEY="k")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "engine": "django.db.backends.sqlite3",
        "layer": "channels.layers.InMemoryChannelLayer",
        "eager": True,
        "broker": "memory://",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "ai": "builtin",
        "storage": "django.core.files.storage.FileSystemStorage",
    }


def test_database_and_redis_urls_switch_to_production_services():
    out = load_settings(
        SECRET_KEY="k", DATABASE_URL="postgres://postgres@127.0.0.1:5432/juggy", REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["layer"] == "channels_redis.core.RedisChannelLayer"
    assert loaded["eager"] is False
    assert loaded["broker"] == "redis://127.0.0.1:6379/0"
    assert loaded["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_openai_key_selects_the_openai_provider():
    out = load_settings(SECRET_KEY="k", OPENAI_API_KEY="sk-test")
    assert json.loads(out.stdout)["ai"] == "openai"


def test_empty_variables_keep_defaults():
    out = load_settings(SECRET_KEY="k", DATABASE_URL="", REDIS_URL="", STORAGE_BACKEND="")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["engine"] == "django.db.backends.sqlite3"


def test_secret_key_is_required_when_debug_is_off():
    out = load_settings(DEBUG="0")
    assert out.returncode != 0
    assert "SECRET_KEY must be set" in out.stderr
    assert load_settings(DEBUG="1").returncode == 0
