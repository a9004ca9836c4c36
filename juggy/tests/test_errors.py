import pytest

pytestmark = pytest.mark.django_db


def error_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_400_validation_error_names_the_fields(anon_client):
    error = error_of(anon_client.post("/auth/token", {"username": "x"}, format="json"), 400)
    assert error["code"] == "invalid"
    assert "password" in error["details"]
    assert error["message"].startswith("password")


def test_401(anon_client):
    assert error_of(anon_client.get("/auth/me"), 401)["code"] == "not_authenticated"


@pytest.mark.parametrize("path", ["/no/such/endpoint", "/media/../etc/passwd", "/", "/api/nothing"])
def test_404_for_unknown_paths_is_json(anon_client, path):
    assert error_of(anon_client.get(path), 404)["code"] == "not_found"


def test_404_is_json_even_with_debug_on(anon_client, settings):
    settings.DEBUG = True
    assert error_of(anon_client.get("/no/such/endpoint"), 404)["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [("delete", "/media/delete/not-a-uuid"), ("post", "/interview/interview456/start"), ("put", "/no/such/route"),
     ("patch", "/session/get-all/v9"), ("post", "/")],
)
def test_unknown_routes_are_404_whatever_the_method(method, path):
    from django.test import Client

    # Browsers' rules (CSRF) are for pages that exist; a path that matches no route is a 404.
    client = Client(enforce_csrf_checks=True)
    assert error_of(getattr(client, method)(path), 404)["code"] == "not_found"


def test_a_doubled_slash_is_one_slash(api_client):
    # VAPI joins "<base URL>/chat/completions": a base URL pasted as https://host/v2/ gives /v2//chat/...
    assert api_client.get("/session//get-all").status_code == 200
    assert api_client.get("/auth//me//").status_code == 200


def test_validation_messages_use_the_wire_names(api_client):
    # The client wrote toParse; the message and details say toParse (not to_parse).
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("cv.txt", b"Jane Doe, engineer", content_type="text/plain")
    error = error_of(api_client.post("/media/upload", {"file": upload, "toParse": "maybe"}, format="multipart"), 400)
    assert error["message"] == "toParse: Must be a valid boolean."
    assert list(error["details"]) == ["toParse"]
    error = error_of(api_client.get("/session/get-all/v6", {"createdAfter": "yesterday"}), 400)
    assert error["message"].startswith("createdAfter: ") and list(error["details"]) == ["createdAfter"]


def test_405(api_client):
    error = error_of(api_client.delete("/auth/me"), 405)
    assert error["code"] == "method_not_allowed"


def test_trailing_slash_is_optional(api_client):
    assert api_client.get("/auth/me/").status_code == 200
    assert api_client.get("/media/get-all/").status_code == 200


@pytest.mark.urls("juggy.tests.urls_raise")
@pytest.mark.parametrize("path", ["/explode/api", "/explode/django"])
@pytest.mark.parametrize("debug", [False, True])
def test_500_is_json_and_logged(anon_client, path, debug, settings, caplog):
    settings.DEBUG = debug
    error = error_of(anon_client.get(path), 500)
    assert error["code"] == "server_error"
    assert "boom" not in error["message"]  # internals stay in the log
    assert any("boom" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_csrf_failure_is_json(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "alice", "password": "x"})
    assert error_of(response, 403)["code"] == "csrf_failed"


def test_api_posts_need_no_csrf_token(user):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/auth/token", {"username": "alice", "password": "correct-horse-battery"}, format="json")
    assert response.status_code == 201
