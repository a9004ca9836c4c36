"""A fresh checkout, before `make run` writes .env: commands that only read the code work without a
SECRET_KEY; anything that serves or stores refuses with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL")}
    env["JUGGY_ENV_FILE"] = "/nonexistent/.env"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_migrations_check_runs_without_a_key():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "No changes detected" in result.stdout


def test_serving_commands_still_need_a_key():
    result = manage("migrate", "--plan")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
