"""The OpenAI provider with the real openai client against a loopback OpenAI-compatible server."""

import pytest

from juggy.ai.speech import InvalidAudio, UnsupportedVoice, UpstreamError, get_stt, get_tts
from juggy.ai.speech.audio import encode, probe
from juggy.ai.speech.openai_speech import language_code
from testsupport.audio import tone_pcm


@pytest.mark.parametrize("fmt", ["mp3", "wav", "flac", "opus", "aac", "pcm"])
def test_synthesize_sends_the_openai_request(openai_speech, settings, fmt):
    settings.OPENAI_TTS_MODEL = "tts-1-hd"
    tts = get_tts()
    assert tts.identity == "openai:tts-1-hd"
    result = tts.synthesize(text="Welcome to your interview.", voice="shimmer", fmt=fmt, speed=1.25)
    (request,) = openai_speech.requests
    assert request.path == "/v1/audio/speech"
    assert request.headers["Authorization"] == "Bearer sk-loopback-test"
    assert request.body == {
        "model": "tts-1-hd",
        "voice": "shimmer",
        "input": "Welcome to your interview.",
        "response_format": fmt,
        "speed": 1.25,
    }
    assert result.fmt == fmt and result.audio
    # The fake speaks 60 ms per character at speed 1; mp3 and aac decoders add up to ~0.1 s of
    # encoder padding.
    assert result.duration == pytest.approx(0.06 * 26 / 1.25, abs=0.12)


def test_synthesize_validates_before_calling_upstream(openai_speech):
    with pytest.raises(UnsupportedVoice):
        get_tts().synthesize(text="Hi", voice="bob")
    assert openai_speech.requests == []


def test_transcribe_whisper_1_asks_for_verbose_json_and_reports_iso_language(openai_speech, settings):
    settings.OPENAI_STT_MODEL = "whisper-1"
    wav = encode(tone_pcm(1.5), sample_rate=16000, fmt="wav")
    result = get_stt().transcribe(audio=wav, filename="candidate-answer.bin")
    (request,) = openai_speech.requests
    assert request.path == "/v1/audio/transcriptions"
    form = request.body
    assert form["model"] == "whisper-1"
    assert form["response_format"] == "verbose_json"
    # Named and typed by content, whatever the client called the upload.
    assert form["file"]["filename"] == "candidate-answer.wav"
    assert form["file"]["content_type"] == "audio/wav"
    assert form["file"]["data"] == wav
    assert result.text == "I led the migration of our billing system."
    assert result.language == "en"
    assert result.duration == pytest.approx(1.5, abs=0.01)


def test_transcribe_gpt_4o_uses_json(openai_speech, settings):
    settings.OPENAI_STT_MODEL = "gpt-4o-transcribe"
    mp3 = encode(tone_pcm(1.0), sample_rate=16000, fmt="mp3")
    result = get_stt().transcribe(audio=mp3)
    form = openai_speech.requests[0].body
    assert form["response_format"] == "json"
    assert form["file"]["filename"] == "audio.mp3" and form["file"]["content_type"] == "audio/mpeg"
    assert result.text == "I led the migration of our billing system."
    assert result.language == "und"


def test_transcribe_rejects_non_audio_without_calling_upstream(openai_speech):
    with pytest.raises(InvalidAudio):
        get_stt().transcribe(audio=b"<html>not audio</html>" * 50, filename="a.mp3")
    assert openai_speech.requests == []


def test_upstream_errors_carry_the_status(openai_speech):
    openai_speech.fail_with = 500
    with pytest.raises(UpstreamError) as caught:
        get_tts().synthesize(text="Hello", voice="alloy")
    assert caught.value.status == 500


def test_wrong_key_is_an_upstream_error(openai_speech, settings):
    settings.OPENAI_API_KEY = "sk-wrong"
    with pytest.raises(UpstreamError) as caught:
        get_stt().transcribe(audio=encode(tone_pcm(0.5), sample_rate=16000, fmt="wav"))
    assert caught.value.status == 401


def test_unreachable_upstream(openai_speech, settings):
    openai_speech.stop()
    settings.OPENAI_TIMEOUT = 2.0
    with pytest.raises(UpstreamError) as caught:
        get_tts().synthesize(text="Hello", voice="alloy")
    assert caught.value.status is None


def test_language_code():
    assert language_code("english") == "en"
    assert language_code("Haitian Creole") == "ht"
    assert language_code("de") == "de"
    assert language_code("") == "und"


def test_probe_of_fake_audio_is_consistent():
    assert probe(encode(tone_pcm(0.5), sample_rate=16000, fmt="flac")).fmt == "flac"
