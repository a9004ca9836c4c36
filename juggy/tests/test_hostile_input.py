"""Deeply nested and oversized JSON: a clear 400 / 413, never a 500, and WebSockets stay open."""

import json

import pytest
from channels.testing import WebsocketCommunicator

from juggy.asgi import application
from juggy.jsoninput import MAX_DEPTH
from testsupport.asgi import asgi_request

SECRET = "vapi-test-secret"
DEEP = "[" * 600 + "]" * 600  # past the interpreter's recursion limit once parsed and converted
JUST_TOO_DEEP = json.dumps({"a": json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)})


@pytest.fixture
def vapi_secret(settings):
    settings.VAPI_SECRET = SECRET


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/auth/token", "/v2/chat/completions", "/v3/chat/completions", "/vapi/webhook",
                                  "/livekit/room", "/interview"])
@pytest.mark.parametrize("body", [DEEP, JUST_TOO_DEEP], ids=["600-levels", "65-levels"])
def test_deep_json_is_a_400(anon_client, api_client, vapi_secret, path, body):
    # Unauthenticated where the endpoint allows it; the VAPI secret for VAPI's; a user token otherwise.
    if path == "/auth/token":
        response = anon_client.generic("POST", path, body, content_type="application/json")
    elif path.endswith("/chat/completions"):  # served ahead of Django's handler
        response = asgi_request("POST", path, body, {"Authorization": f"Bearer {SECRET}"})
    elif path == "/vapi/webhook":
        response = anon_client.generic("POST", path, body, content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Bearer {SECRET}")
    else:
        response = api_client.generic("POST", path, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "malformed_json"
    assert response.json()["error"]["details"] == {"maxDepth": MAX_DEPTH}


@pytest.mark.django_db
def test_nesting_within_the_bound_is_parsed(anon_client):
    body = json.dumps({"username": "x", "password": "y", "extra": json.loads("[" * 60 + "]" * 60)})
    response = anon_client.generic("POST", "/auth/token", body, content_type="application/json")
    assert response.status_code == 401  # parsed; wrong credentials


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/auth/token", "/vapi/webhook"])
def test_a_body_past_django_memory_limit_is_a_413(anon_client, vapi_secret, settings, path):
    # Under `make serve` BodyLimitMiddleware refuses it first; Django's own cap answers the same.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "x" * 5000, "message": {"type": "x" * 5000}})
    response = anon_client.generic("POST", path, body, content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {SECRET}")
    assert response.status_code == 413, response.content
    assert response.json()["error"]["code"] == "payload_too_large"


@pytest.mark.django_db(transaction=True)
async def test_deep_json_on_the_websocket_is_an_error_event_and_the_socket_stays_open():
    socket = WebsocketCommunicator(application, "/ws/interview", headers=[(b"origin", b"http://127.0.0.1")])
    assert (await socket.connect(timeout=10))[0]
    await socket.send_to(text_data='{"event": "joinInterview", "data": ' + DEEP + "}")
    error = await socket.receive_json_from(timeout=10)
    assert error["event"] == "error" and error["data"]["code"] == "malformed_json", error
    await socket.send_json_to({"event": "nonsense", "data": {}})
    assert (await socket.receive_json_from(timeout=10))["event"] == "error"  # still open, still answering
    await socket.disconnect()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/v2/chat/completions", "/v3/chat/completions", "/vapi/webhook", "/auth/token"])
def test_every_401_names_its_scheme(anon_client, vapi_secret, path):
    body = {"messages": [], "message": {"type": "status-update"}, "username": "nobody", "password": "wrong"}
    if path.endswith("/chat/completions"):  # served ahead of Django's handler
        response = asgi_request("POST", path, json.dumps(body), {"Authorization": "Bearer wrong"})
    else:
        response = anon_client.post(path, body, format="json", HTTP_AUTHORIZATION="Bearer wrong")
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
