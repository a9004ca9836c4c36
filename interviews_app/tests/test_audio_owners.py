"""The TTS cache tells nobody what someone else synthesized (issue 15): per-owner unguessable URLs,
`cached` per owner, and the engine still runs once per input."""

import pytest
from django.core.files.storage import default_storage

from juggy.ai.speech.espeak import EspeakTTS

pytestmark = pytest.mark.django_db

SYNTH = "/audio/synthesize"
PAYLOAD = {"text": "Tell me about a hard bug you fixed.", "voice": "nova", "format": "wav"}


@pytest.fixture(autouse=True)
def _builtin(settings):
    settings.SPEECH_PROVIDER = "builtin"
    settings.PUBLIC_BASE_URL = "https://juggy.example"


@pytest.fixture
def engine_calls(monkeypatch):
    calls = []
    original = EspeakTTS.synthesize

    def counting(self, **kwargs):
        calls.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(EspeakTTS, "synthesize", counting)
    return calls


def test_another_user_gets_their_own_url_and_no_hint(api_client, other_client, anon_client, engine_calls):
    first = api_client.post(SYNTH, PAYLOAD, format="json").json()
    theirs = other_client.post(SYNTH, PAYLOAD, format="json").json()
    assert theirs["cached"] is False  # nothing says that someone else asked for this text
    assert theirs["audioUrl"] != first["audioUrl"]
    assert len(engine_calls) == 1  # ...while the engine ran once
    again = other_client.post(SYNTH, PAYLOAD, format="json").json()
    assert again["cached"] is True and again["audioUrl"] == theirs["audioUrl"]

    # Both copies are served; the shared cache behind them is not.
    for url in (first["audioUrl"], theirs["audioUrl"]):
        path = url.removeprefix("https://juggy.example")
        response = anon_client.get(path)
        assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"RIFF"
    _, cache_files = default_storage.listdir("tts-cache")
    assert len(cache_files) == 2  # the audio and its metadata
    assert anon_client.get(f"/files/tts-cache/{cache_files[0]}").status_code == 404


def test_the_url_does_not_follow_from_the_text(api_client, settings):
    first = api_client.post(SYNTH, PAYLOAD, format="json").json()
    settings.SECRET_KEY = "another-deployment-secret"
    other = api_client.post(SYNTH, PAYLOAD, format="json").json()
    assert other["audioUrl"] != first["audioUrl"]  # keyed with the deployment's secret, not the text alone


def test_two_owners_candidates_with_one_room_name_and_id_get_their_own_copies(
        api_client, other_client, create_interview, candidate_client):
    # Room names are per owner, so two candidates may share a room name and a candidate id; their
    # passes speak as their own interview.
    first = candidate_client(create_interview()["candidateToken"])
    second = candidate_client(create_interview(client=other_client)["candidateToken"])
    mine = first.post(SYNTH, PAYLOAD, format="json").json()
    theirs = second.post(SYNTH, PAYLOAD, format="json").json()
    assert theirs["cached"] is False and theirs["audioUrl"] != mine["audioUrl"]
