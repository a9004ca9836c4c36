import pytest
import yaml
from django.core.management import call_command

# Every path of the API contract (shared/reference), as the schema must name it.
CONTRACT_PATHS = {
    "/media/upload": "post", "/media/upload/v2": "post", "/media/get-all": "get",
    "/media/delete/{media_uuid}": "delete",
    "/context/upload": "post", "/context/upload/v2": "post",
    "/ent/session/link": "post", "/session/link": "post",
    "/v3/chat/completions": "post", "/v2/chat/completions": "post",
    "/session/analyse/{session_uuid}": "get", "/session/get/{session_uuid}": "get",
    "/session/get-all": "get", "/session/get-all/v2": "get", "/session/get-all/paginated": "get",
    "/session/get-all/v3": "get", "/session/get-all/v4": "get", "/session/get-all/v5": "get",
    "/session/get-all/v6": "get",
    "/livekit/token": "get", "/livekit/room": "post", "/livekit/room/{roomName}": "get", "/livekit/rooms": "get",
    "/interview": "post", "/interview/{sessionId}/start": "post", "/interview/{sessionId}/response": "post",
    "/interview/{sessionId}": "get", "/interview/{sessionId}/transcript": "get",
    "/interview/{sessionId}/summary": "get", "/interview/{sessionId}/end": "post",
    "/audio/synthesize": "post", "/transcription/audio": "post", "/health": "get",
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    target = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    # --fail-on-warn: a view the generator cannot describe fails the suite, not just the docs.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    return yaml.safe_load(target.read_text())


def _normalise(path: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", "{}", path)


def test_schema_generates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_contract_endpoint_is_in_the_schema(schema):
    documented = {_normalise(p): ops for p, ops in schema["paths"].items()}
    missing = [p for p, method in CONTRACT_PATHS.items() if method not in documented.get(_normalise(p), {})]
    assert missing == []


def test_schema_and_docs_are_served(anon_client, db):
    assert anon_client.get("/api/schema").status_code == 200
    docs = anon_client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
    redoc = anon_client.get("/api/redoc/")
    assert redoc.status_code == 200 and b"redoc.standalone.js" in redoc.content
    for page in (docs, redoc):
        # Offline: the UIs come from our own /static/, never a CDN (the browser test renders them).
        assert b"/static/drf_spectacular_sidecar/" in page.content
        assert b"https://" not in page.content
        assert "default-src 'self'" in page["Content-Security-Policy"]


def test_schema_is_valid_openapi(schema):
    from openapi_spec_validator import OpenAPIV30SpecValidator

    errors = [f"{list(e.path)}: {e.message}" for e in OpenAPIV30SpecValidator(schema).iter_errors()]
    assert errors == []


def test_every_authenticated_operation_documents_401_and_every_query_400(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            security = operation.get("security", schema.get("security"))
            if security and {} not in security:
                assert "401" in operation["responses"], (method, path)
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "400" in operation["responses"], (method, path)
            for code, response in operation["responses"].items():
                if code[0] in "45":
                    assert "content" in response, (method, path, code)


def test_every_operation_taking_a_user_id_documents_its_403(schema):
    # A user token naming someone else is 403 user_mismatch (juggy.accounts.authentication.acting_user).
    takers = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {})
            refs = [c["schema"].get("$ref", "") for c in body.values()]
            bodies = [schema["components"]["schemas"][r.rsplit("/", 1)[-1]] for r in refs if r]
            if any(p["name"] == "userId" for p in operation.get("parameters", [])) or any(
                    "userId" in b.get("properties", {}) for b in bodies):
                takers.append((method, path))
                assert "403" in operation["responses"], (method, path)
    assert ("get", "/session/get-all/v6") in takers and ("post", "/ent/session") in takers


@pytest.mark.django_db
def test_a_user_token_naming_another_user_is_the_documented_403(api_client, other_user):
    response = api_client.get("/session/get-all", {"userId": str(other_user.pk)})
    assert response.status_code == 403 and response.json()["error"]["code"] == "user_mismatch"


def test_structured_resume_keeps_its_title_property(schema):
    # `title` is a JSON Schema keyword and dropped as one, but an experience's job title is data.
    resume = schema["components"]["schemas"]["MediaDetail"]["properties"]["structured"]
    experience = resume["properties"]["experience"]["items"]
    assert "title" in experience["required"] and experience["properties"]["title"]["type"] == "string"


def test_chat_completion_chunk_is_described(schema):
    chunk = schema["components"]["schemas"]["ChatCompletionChunk"]
    assert {"index", "delta", "logprobs", "finish_reason"} <= set(chunk["properties"]["choices"]["items"]["properties"])
