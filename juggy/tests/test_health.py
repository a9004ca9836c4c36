import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = {"database", "channelLayer", "celery", "storage", "ai"}


@pytest.mark.django_db(transaction=True)
def test_health_public_answer_is_status_per_component_only(anon_client, live_worker):
    response = anon_client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["components"] == {name: {"status": "ok"} for name in COMPONENTS}


@pytest.mark.django_db(transaction=True)
def test_health_a_bad_token_gets_the_public_answer(anon_client, live_worker):
    response = anon_client.get("/health", HTTP_AUTHORIZATION="Bearer jgy_not-a-token")
    assert response.status_code == 200 and response.json()["components"]["ai"] == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["staff", "service"])
def test_health_details_for_staff_and_service_tokens(client_for, make_user, settings, who, live_worker):
    client = client_for(make_user(username=f"ops-{who}", is_staff=who == "staff"), service=who == "service")
    body = client.get("/health").json()
    assert set(body["components"]) == COMPONENTS
    assert all(c["status"] == "ok" and "latencyMs" in c for c in body["components"].values())
    assert body["components"]["ai"]["provider"] == settings.AI_PROVIDER
    expected_mode = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "worker"
    assert body["components"]["celery"]["mode"] == expected_mode
    if expected_mode == "worker":
        assert body["components"]["celery"]["workers"] >= 1


@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_health_is_503_when_no_worker_answers(client_for, make_user):
    from juggy.celery import app

    app.control.purge()
    client = client_for(make_user(username="ops", is_staff=True), service=True)
    response = client.get("/health")
    assert response.status_code == 503
    celery = response.json()["components"]["celery"]
    assert celery["status"] == "error" and "no worker answered" in celery["error"]
    assert response.json()["error"]["details"]["failing"] == ["celery"]


@pytest.mark.django_db(transaction=True)
def test_health_regular_users_get_the_public_answer(api_client, live_worker):
    assert api_client.get("/health").json()["components"]["database"] == {"status": "ok"}


def _health_in_subprocess(env_overrides: dict) -> dict:
    """GET /health in a fresh process whose settings point at the given services."""
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/health');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "juggy.settings", "SECRET_KEY": "x", "ALLOWED_HOSTS": "testserver",
                "JUGGY_ENV_FILE": "/nonexistent", **env_overrides})
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_health_is_503_when_the_database_is_unreachable(tmp_path):
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    result = _health_in_subprocess({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/juggy"})
    assert result["status"] == 503
    body = result["body"]
    assert body["components"]["database"]["status"] == "error"
    assert body["components"]["storage"]["status"] == "ok"
    assert body["error"]["code"] == "unhealthy"
    assert body["error"]["details"]["failing"] == ["database"]


def test_health_is_503_when_redis_is_unreachable(tmp_path):
    result = _health_in_subprocess(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "REDIS_URL": "redis://127.0.0.1:1/0"}
    )
    assert result["status"] == 503
    failing = result["body"]["error"]["details"]["failing"]
    assert set(failing) == {"channelLayer", "celery"}
