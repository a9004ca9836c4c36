import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from juggy.accounts.models import ApiToken
from juggy.accounts.services import token_create
from juggy.accounts.throttling import UserRateThrottle

pytestmark = pytest.mark.django_db


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


def test_no_credentials_is_401_with_challenge(anon_client):
    response = anon_client.get("/auth/me")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer", "Bearer a b", "Token abc"])
def test_bad_credentials_are_401(anon_client, header):
    response = anon_client.get("/auth/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "error" in response.json()


def test_valid_token_identifies_the_user(api_client, user):
    response = api_client.get("/auth/me")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(user.id)
    assert body["username"] == "alice"
    assert body["credits"] == 0


def test_revoked_token_and_inactive_user_are_refused(client_for, user, make_user):
    client = client_for(user)
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    assert client.get("/auth/me").status_code == 401

    inactive = make_user(username="gone")
    client = client_for(inactive)
    inactive.is_active = False
    inactive.save()
    assert client.get("/auth/me").status_code == 401


def test_only_the_hash_of_a_key_is_stored(user):
    token, key = token_create(user=user)
    assert key not in (token.key_hash, token.prefix)
    assert not ApiToken.objects.filter(key_hash=key).exists()


@pytest.mark.parametrize("login", ["alice", "alice@example.com", "ALICE@example.com"])
def test_token_endpoint_accepts_username_or_email(anon_client, user, login):
    response = anon_client.post("/auth/token", {"username": login, "password": "correct-horse-battery"}, format="json")
    assert response.status_code == 201, response.content
    key = response.json()["token"]
    assert response.json()["userId"] == str(user.id)
    me = anon_client.get("/auth/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.json()["id"] == str(user.id)


def test_token_endpoint_wrong_password_then_throttled(anon_client, user):
    for _ in range(5):
        response = anon_client.post("/auth/token", {"username": "alice", "password": "wrong"}, format="json")
        assert_error(response, 401, "invalid_credentials")
    response = anon_client.post("/auth/token", {"username": "alice", "password": "correct-horse-battery"}, format="json")
    error = assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert error["details"]["retryAfterSeconds"] > 0


def test_successful_logins_are_not_throttled(anon_client, user):
    for _ in range(8):
        response = anon_client.post("/auth/token", {"username": "alice", "password": "correct-horse-battery"}, format="json")
        assert response.status_code == 201


def test_token_endpoint_validates_input(anon_client):
    error = assert_error(anon_client.post("/auth/token", {}, format="json"), 400, "invalid")
    assert set(error["details"]) == {"username", "password"}
    response = anon_client.post("/auth/token", "{not json", content_type="application/json")
    assert_error(response, 400, "malformed_request")


def test_create_api_token_command(user, anon_client):
    out = io.StringIO()
    call_command("create_api_token", "alice", "--name", "ci", stdout=out)
    key = out.getvalue().strip()
    assert anon_client.get("/auth/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert ApiToken.objects.get(user=user, name="ci").is_service is False

    call_command("create_api_token", "alice", "--service", stdout=io.StringIO())
    assert ApiToken.objects.filter(user=user, is_service=True).count() == 1


def test_per_user_rate_limit_is_configurable(api_client, service_client, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute", raising=False)
    codes = [api_client.get("/auth/me").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Service tokens speak for many users and are not limited per user.
    assert all(service_client.get("/auth/me").status_code == 200 for _ in range(5))


def test_cors_is_closed_by_default_and_opens_for_named_origins(api_client, settings):
    response = api_client.get("/auth/me", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    response = api_client.get("/auth/me", HTTP_ORIGIN="https://app.example")
    assert response["Access-Control-Allow-Origin"] == "https://app.example"
