"""POST /livekit/room with values the database cannot hold: 400, never a 500 (issue 15). Runs in both
modes; PostgreSQL (CI's second pass) is where these were 500s."""

import pytest

pytestmark = pytest.mark.django_db


def create(client, body: str):
    return client.generic("POST", "/livekit/room", body, content_type="application/json")


@pytest.mark.parametrize("field", ["maxParticipants", "emptyTimeout"])
def test_integers_past_the_column_range_are_400(api_client, field):
    response = create(api_client, f'{{"name": "range-room", "{field}": 2147483648}}')
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid" and field in response.json()["error"]["details"]
    assert create(api_client, f'{{"name": "range-room", "{field}": 2147483647}}').status_code == 201


@pytest.mark.parametrize("metadata", [r'{"note": "a\u0000b"}', r'{"a\u0000": 1}', r'{"deep": [{"x": "\u0000"}]}'])
def test_nul_in_metadata_is_400(api_client, metadata):
    response = create(api_client, f'{{"name": "nul-room", "metadata": {metadata}}}')
    assert response.status_code == 400, response.content
    assert "metadata" in response.json()["error"]["details"]


@pytest.mark.parametrize("text", [r"\ud800", r"x\udfff", r"\ud800\u0041"])
def test_lone_surrogates_are_malformed_json(api_client, text):
    response = create(api_client, f'{{"name": "sur-room", "metadata": {{"note": "{text}"}}}}')
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "malformed_request"


def test_surrogate_pairs_are_real_characters(api_client):
    response = create(api_client, r'{"name": "emoji-room", "metadata": {"note": "\ud83d\ude00"}}')
    assert response.status_code == 201, response.content
    assert response.json()["metadata"] == {"note": "\U0001f600"}
