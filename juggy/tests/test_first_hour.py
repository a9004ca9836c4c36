"""The first hour of a newcomer: `make run`'s .env and what it prints, and the README's two-minute demo
(scripts/demo_interview.py) against a live server."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from juggy.accounts.tests.factories import UserFactory
from testsupport.live_server import daphne_url

SCRIPTS = Path(django_settings.BASE_DIR) / "scripts"


def make_env(env_file: Path) -> str:
    done = subprocess.run([sys.executable, SCRIPTS / "make_env.py"], env={**os.environ, "JUGGY_ENV_FILE": str(env_file)},
                          capture_output=True, text=True, check=True)
    return done.stdout


def value(env_file: Path, name: str) -> str:
    return re.search(rf"^{name}=(.*)$", env_file.read_text(), re.M).group(1)


def test_make_env_writes_the_secrets_once_and_fills_a_missing_vapi_secret(tmp_path):
    env_file = tmp_path / ".env"
    make_env(env_file)
    secret_key, vapi_secret = value(env_file, "SECRET_KEY"), value(env_file, "VAPI_SECRET")
    assert len(secret_key) > 40 and len(vapi_secret) > 30
    assert oct(env_file.stat().st_mode)[-3:] == "600"
    make_env(env_file)  # again: nothing changes
    assert (value(env_file, "SECRET_KEY"), value(env_file, "VAPI_SECRET")) == (secret_key, vapi_secret)
    # An .env from before VAPI_SECRET was written gets one, and keeps everything else.
    env_file.write_text(env_file.read_text().replace(f"VAPI_SECRET={vapi_secret}", "VAPI_SECRET="))
    assert "VAPI_SECRET" in make_env(env_file)
    assert value(env_file, "SECRET_KEY") == secret_key and value(env_file, "VAPI_SECRET") not in ("", vapi_secret)


@pytest.mark.django_db
def test_make_run_prints_what_to_paste_into_vapi(settings, capsys):
    settings.VAPI_SECRET = "s3cret-for-vapi"
    call_command("bootstrap_demo", "--base-url", "http://127.0.0.1:8123")
    out = capsys.readouterr().out
    assert "Custom LLM, URL http://127.0.0.1:8123/v2" in out
    assert "Authorization: Bearer s3cret-for-vapi" in out and "X-Vapi-Secret: s3cret-for-vapi" in out
    assert "scripts/demo_interview.py" in out
    settings.VAPI_SECRET = ""
    call_command("bootstrap_demo")
    assert "VAPI_SECRET is not set" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_readme_demo_runs_a_whole_interview(settings, live_worker):
    from juggy.accounts.services import credit_account_for_user, credits_grant, token_create

    settings.VAPI_SECRET = "demo-vapi-secret"
    user = UserFactory(username="demo")
    credits_grant(account=credit_account_for_user(user), amount=100, idempotency_key="demo")
    _, token = token_create(user=user, name="demo")
    done = subprocess.run(
        [sys.executable, SCRIPTS / "demo_interview.py", "--base-url", daphne_url(), "--token", token,
         "--vapi-secret", "demo-vapi-secret"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Interviewer: " in done.stdout and "=== Analysis ===" in done.stdout
    report = done.stdout.split("=== Analysis ===", 1)[1]
    assert "Overall score:" in report and len(report.strip()) > 200


def test_the_demo_explains_a_missing_server(tmp_path):
    done = subprocess.run(
        [sys.executable, SCRIPTS / "demo_interview.py", "--base-url", "http://127.0.0.1:9", "--token", "t",
         "--vapi-secret", "s"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode != 0 and "is `make run` running?" in done.stderr
