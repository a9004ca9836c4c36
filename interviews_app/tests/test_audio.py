"""POST /audio/synthesize and POST /transcription/audio through HTTP, with the real engines."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from juggy.ai.speech import VOICES
from juggy.ai.speech.audio import encode, probe
from juggy.ai.speech.espeak import EspeakTTS
from testsupport.audio import tone_pcm
from testsupport.wer import word_error_rate

SYNTH = "/audio/synthesize"
TRANSCRIBE = "/transcription/audio"
ANSWER = "I would start by measuring where the time goes, then fix the slowest query first."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _builtin(settings):
    settings.SPEECH_PROVIDER = "builtin"
    settings.PUBLIC_BASE_URL = "https://juggy.example"


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def stored_name(audio_url: str) -> str:
    prefix = "https://juggy.example/files/"
    assert audio_url.startswith(prefix)
    return audio_url[len(prefix) :]


def upload(data: bytes, name: str = "answer.wav", content_type: str = "audio/wav"):
    return {"file": SimpleUploadedFile(name, data, content_type=content_type)}


# --- synthesize -------------------------------------------------------------------------------------


def test_synthesize_stores_a_public_file(api_client):
    response = api_client.post(SYNTH, {"text": "Hello, I'm your AI interviewer today.", "voice": "alloy"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"audioUrl", "format", "voice", "durationSeconds", "cached"}
    assert body["format"] == "mp3" and body["voice"] == "alloy" and body["cached"] is False
    name = stored_name(body["audioUrl"])
    assert name.startswith("tts/") and name.endswith(".mp3") and len(name) == len("tts/.mp3") + 64
    with default_storage.open(name, "rb") as fh:
        info = probe(fh.read())
    assert info.fmt == "mp3"
    assert body["durationSeconds"] == pytest.approx(info.duration, abs=0.1)
    assert 1.0 < body["durationSeconds"] < 5.0


@pytest.mark.parametrize("fmt", ["wav", "flac", "opus", "aac", "pcm"])
def test_synthesize_other_formats(api_client, fmt):
    response = api_client.post(SYNTH, {"text": "Next question.", "voice": "onyx", "format": fmt}, format="json")
    assert response.status_code == 200, response.content
    name = stored_name(response.json()["audioUrl"])
    assert name.endswith(f".{fmt}") and default_storage.size(name) > 0


def test_same_input_is_served_from_the_cache(api_client, monkeypatch):
    calls = []
    original = EspeakTTS.synthesize

    def counting(self, **kwargs):
        calls.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(EspeakTTS, "synthesize", counting)
    payload = {"text": "Tell me about yourself.", "voice": "nova", "format": "wav", "speed": 1}
    first = api_client.post(SYNTH, payload, format="json").json()
    second = api_client.post(SYNTH, {**payload, "speed": 1.0}, format="json").json()
    assert len(calls) == 1
    assert first["cached"] is False and second["cached"] is True
    assert second["audioUrl"] == first["audioUrl"]
    assert second["durationSeconds"] == first["durationSeconds"]
    # Any change of voice, format, speed or text is a different file.
    for change in ({"voice": "echo"}, {"format": "mp3"}, {"speed": 1.5}, {"text": "Tell me about you."}):
        other = api_client.post(SYNTH, {**payload, **change}, format="json").json()
        assert other["cached"] is False and other["audioUrl"] != first["audioUrl"]
    assert len(calls) == 5


def test_a_lost_metadata_file_means_synthesizing_again(api_client):
    payload = {"text": "Why this company?", "voice": "fable"}
    first = api_client.post(SYNTH, payload, format="json").json()
    default_storage.delete(stored_name(first["audioUrl"]).replace("tts/", "tts-meta/").replace(".mp3", ".json"))
    again = api_client.post(SYNTH, payload, format="json").json()
    assert again["cached"] is False and again["audioUrl"] == first["audioUrl"]
    assert default_storage.listdir("tts")[1] == [stored_name(first["audioUrl"]).removeprefix("tts/")]


def test_audio_url_follows_the_request_without_public_base_url(api_client, settings):
    # A server on any host and port hands out links that work there.
    settings.PUBLIC_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["juggy.test"]
    body = api_client.post(SYNTH, {"text": "Hello there.", "voice": "alloy"}, format="json", HTTP_HOST="juggy.test:8123").json()
    assert body["audioUrl"].startswith("http://juggy.test:8123/files/tts/")
    assert api_client.get(body["audioUrl"].removeprefix("http://juggy.test:8123"), HTTP_HOST="juggy.test").status_code == 200
    # Forwarded headers count only from a trusted proxy (TRUSTED_PROXY_COUNT > 0).
    proxied = {"HTTP_HOST": "juggy.test:8123", "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "juggy.test"}
    assert api_client.post(SYNTH, {"text": "Hello there.", "voice": "alloy"}, format="json", **proxied).json()["audioUrl"].startswith(
        "http://juggy.test:8123/")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = settings.USE_X_FORWARDED_PORT = True
    body = api_client.post(SYNTH, {"text": "Hello there.", "voice": "alloy"}, format="json", **proxied).json()
    assert body["audioUrl"].startswith("https://juggy.test/files/tts/")


def test_synthesize_requires_authentication(anon_client):
    assert_error(anon_client.post(SYNTH, {"text": "Hi", "voice": "alloy"}, format="json"), 401, "not_authenticated")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"voice": "alloy"}, "text"),
        ({"text": "", "voice": "alloy"}, "text"),
        ({"text": "   ", "voice": "alloy"}, "text"),
        ({"text": "Hi"}, "voice"),
        ({"text": "Hi", "voice": "alloy", "speed": 0.2}, "speed"),
        ({"text": "Hi", "voice": "alloy", "speed": 4.01}, "speed"),
        ({"text": "Hi", "voice": "alloy", "speed": "fast"}, "speed"),
        ({"text": "Hi", "voice": "alloy", "format": "m4a"}, "format"),
    ],
)
def test_synthesize_rejects_bad_input(api_client, payload, field):
    error = assert_error(api_client.post(SYNTH, payload, format="json"), 400, "invalid")
    assert field in error["details"]


def test_unknown_voice_lists_the_voices(api_client):
    error = assert_error(api_client.post(SYNTH, {"text": "Hi", "voice": "robot"}, format="json"), 400, "invalid")
    (message,) = error["details"]["voice"]
    assert all(voice in message for voice in VOICES)


def test_text_over_the_limit(api_client, settings):
    settings.TTS_MAX_CHARS = 20
    ok = api_client.post(SYNTH, {"text": "x" * 20, "voice": "alloy"}, format="json")
    assert ok.status_code == 200
    error = assert_error(api_client.post(SYNTH, {"text": "x" * 21, "voice": "alloy"}, format="json"), 400, "text_too_long")
    assert error["details"] == {"maxChars": 20, "chars": 21}


@pytest.mark.parametrize("text", ["   ...   ", "\u200b", "-"])
def test_text_with_nothing_to_pronounce(api_client, text):
    response = api_client.post(SYNTH, {"text": text, "voice": "alloy"}, format="json")
    assert_error(response, 400, "invalid_speech_request")
    assert default_storage.exists("tts") is False or default_storage.listdir("tts")[1] == []


def test_malformed_json(api_client):
    response = api_client.post(SYNTH, data="{not json", content_type="application/json")
    assert_error(response, 400, "malformed_request")


# --- transcribe -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "content_type"), [("wav", "audio/wav"), ("mp3", "audio/mpeg")])
def test_transcribe_speech(api_client, whisper_model, fmt, content_type):
    spoken = EspeakTTS().synthesize(text=ANSWER, voice="alloy", fmt=fmt)
    response = api_client.post(TRANSCRIBE, upload(spoken.audio, f"answer.{fmt}", content_type), format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"text", "language", "durationSeconds"}
    assert word_error_rate(ANSWER, body["text"]) < 0.35, body["text"]
    assert body["language"] == "en"
    assert body["durationSeconds"] == pytest.approx(spoken.duration, abs=0.2)


def test_speech_round_trip_through_both_endpoints(api_client, whisper_model):
    text = "Our team shipped the new search feature in six weeks. I wrote the ranking service."
    made = api_client.post(SYNTH, {"text": text, "voice": "echo", "format": "mp3"}, format="json").json()
    with default_storage.open(stored_name(made["audioUrl"]), "rb") as fh:
        audio = fh.read()
    heard = api_client.post(TRANSCRIBE, upload(audio, "speech.mp3", "audio/mpeg"), format="multipart").json()
    assert word_error_rate(text, heard["text"]) < 0.35, heard["text"]


def test_content_decides_not_the_name(api_client, whisper_model):
    spoken = EspeakTTS().synthesize(text=ANSWER, voice="alloy", fmt="wav")
    response = api_client.post(TRANSCRIBE, upload(spoken.audio, "answer.mp3", "audio/mpeg"), format="multipart")
    assert response.status_code == 200
    junk = upload(b"%PDF-1.4 this is a resume, not a recording" * 20, "answer.wav", "audio/wav")
    error = assert_error(api_client.post(TRANSCRIBE, junk, format="multipart"), 415, "invalid_audio")
    assert "wav" in error["details"]["supported"]


def test_transcribe_requires_a_file(api_client):
    error = assert_error(api_client.post(TRANSCRIBE, {}, format="multipart"), 400, "invalid")
    assert "file" in error["details"]


def test_transcribe_rejects_an_empty_file(api_client):
    error = assert_error(api_client.post(TRANSCRIBE, upload(b""), format="multipart"), 400, "invalid")
    assert "file" in error["details"]


def test_transcribe_rejects_json(api_client):
    response = api_client.post(TRANSCRIBE, {"file": "aGVsbG8="}, format="json")
    assert_error(response, 415, "unsupported_media_type")


def test_file_over_the_size_limit(api_client, settings):
    settings.STT_MAX_UPLOAD_BYTES = 10_000
    wav = encode(tone_pcm(0.5), sample_rate=16000, fmt="wav")  # 16 kB: inside the multipart slack
    error = assert_error(api_client.post(TRANSCRIBE, upload(wav), format="multipart"), 413, "file_too_large")
    assert error["details"]["maxBytes"] == 10_000
    big = encode(tone_pcm(3.0), sample_rate=16000, fmt="wav")  # 96 kB: refused by Content-Length
    assert_error(api_client.post(TRANSCRIBE, upload(big), format="multipart"), 413, "file_too_large")


def test_recording_over_the_duration_limit(api_client, settings):
    settings.STT_MAX_DURATION_SECONDS = 2
    wav = encode(tone_pcm(2.5), sample_rate=16000, fmt="wav")
    error = assert_error(api_client.post(TRANSCRIBE, upload(wav), format="multipart"), 413, "audio_too_long")
    assert error["details"] == {"maxSeconds": 2, "seconds": 2.5}


def test_transcribe_requires_authentication(anon_client):
    wav = encode(tone_pcm(0.5), sample_rate=16000, fmt="wav")
    assert_error(anon_client.post(TRANSCRIBE, upload(wav), format="multipart"), 401, "not_authenticated")


# --- through the OpenAI provider --------------------------------------------------------------------


def test_endpoints_with_the_openai_provider(api_client, openai_speech, settings):
    settings.OPENAI_STT_MODEL = "whisper-1"
    made = api_client.post(SYNTH, {"text": "Hello from the cloud.", "voice": "fable", "format": "wav"}, format="json")
    assert made.status_code == 200, made.content
    with default_storage.open(stored_name(made.json()["audioUrl"]), "rb") as fh:
        assert probe(fh.read()).fmt == "wav"
    heard = api_client.post(TRANSCRIBE, upload(encode(tone_pcm(1.0), sample_rate=16000, fmt="mp3"), "a.mp3"), format="multipart")
    assert heard.json() == {"text": "I led the migration of our billing system.", "language": "en", "durationSeconds": pytest.approx(1.0, abs=0.1)}
    # Same text with the builtin provider is a different cache entry.
    settings.SPEECH_PROVIDER = "builtin"
    builtin = api_client.post(SYNTH, {"text": "Hello from the cloud.", "voice": "fable", "format": "wav"}, format="json")
    assert builtin.json()["audioUrl"] != made.json()["audioUrl"]


def test_upstream_failure_is_a_503(api_client, openai_speech):
    openai_speech.fail_with = 500
    error = assert_error(api_client.post(SYNTH, {"text": "Hi", "voice": "alloy"}, format="json"), 503, "speech_unavailable")
    assert error["details"] == {"upstreamStatus": 500}
    wav = encode(tone_pcm(0.5), sample_rate=16000, fmt="wav")
    assert_error(api_client.post(TRANSCRIBE, upload(wav), format="multipart"), 503, "speech_unavailable")
