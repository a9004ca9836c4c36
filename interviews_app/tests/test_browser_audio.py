"""POST /transcription/audio with what browsers record: webm/opus (Chromium, Firefox), ogg/opus
(Firefox), mp4/aac (Safari, phones' m4a). Decoded with PyAV; the content decides, never the name."""

import io

import av
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from juggy.ai.speech.audio import probe
from juggy.ai.speech.base import PCM_SAMPLE_RATE
from juggy.ai.speech.espeak import EspeakTTS
from testsupport.wer import word_error_rate

TRANSCRIBE = "/transcription/audio"
ANSWER = "I would start by measuring where the time goes, then fix the slowest query first."

pytestmark = pytest.mark.django_db

# (libav muxer, codec, codec sample rate, upload name, declared type)
BROWSER_FORMATS = {
    "webm": ("webm", "libopus", 48000, "answer.webm", "audio/webm;codecs=opus"),
    "ogg": ("ogg", "libopus", 48000, "answer.ogg", "audio/ogg;codecs=opus"),
    "m4a": ("ipod", "aac", 24000, "answer.m4a", "audio/mp4"),
}


@pytest.fixture(autouse=True)
def _builtin(settings):
    settings.SPEECH_PROVIDER = "builtin"


def recorded(fmt: str, pcm: bytes, rate: int = PCM_SAMPLE_RATE) -> bytes:
    """16-bit mono PCM in the container and codec a browser would record it in."""
    muxer, codec, codec_rate, _, _ = BROWSER_FORMATS[fmt]
    buf = io.BytesIO()
    with av.open(buf, "w", format=muxer) as out:
        stream = out.add_stream(codec, rate=codec_rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.frombuffer(pcm, dtype=np.int16).reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return buf.getvalue()


@pytest.fixture(scope="module")
def spoken():
    return EspeakTTS().synthesize(text=ANSWER, voice="alloy", fmt="pcm")


def post(api_client, data: bytes, name: str, content_type: str):
    return api_client.post(TRANSCRIBE, {"file": SimpleUploadedFile(name, data, content_type=content_type)},
                           format="multipart")


@pytest.mark.parametrize("fmt", sorted(BROWSER_FORMATS))
def test_browser_recordings_are_transcribed(api_client, whisper_model, spoken, fmt):
    _, _, _, name, content_type = BROWSER_FORMATS[fmt]
    data = recorded(fmt, spoken.audio)
    assert probe(data).fmt == fmt
    response = post(api_client, data, name, content_type)
    assert response.status_code == 200, response.content
    body = response.json()
    assert word_error_rate(ANSWER, body["text"]) < 0.35, body["text"]
    assert body["durationSeconds"] == pytest.approx(spoken.duration, abs=0.15)


def test_a_webm_named_wav_is_still_webm(api_client, whisper_model, spoken):
    response = post(api_client, recorded("webm", spoken.audio), "blob", "application/octet-stream")
    assert response.status_code == 200, response.content
    assert word_error_rate(ANSWER, response.json()["text"]) < 0.35


def test_over_long_recording_is_refused_without_decoding_it_all(api_client, settings, spoken):
    settings.STT_MAX_DURATION_SECONDS = 2
    response = post(api_client, recorded("webm", spoken.audio), "answer.webm", "audio/webm")
    assert response.status_code == 413, response.content
    error = response.json()["error"]
    assert error["code"] == "audio_too_long"
    # Counting stopped just past the limit rather than at the end of the 4-5 s recording.
    assert 2 < error["details"]["seconds"] < 2.5


@pytest.mark.parametrize("fmt", sorted(BROWSER_FORMATS))
def test_truncated_recordings_are_415(api_client, spoken, fmt):
    data = recorded(fmt, spoken.audio)
    response = post(api_client, data[:60], "answer.bin", "audio/webm")
    assert response.status_code == 415, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_audio" and {"webm", "m4a", "ogg"} <= set(error["details"]["supported"])


def test_a_video_only_webm_is_refused(api_client):
    buf = io.BytesIO()
    with av.open(buf, "w", format="webm") as out:
        stream = out.add_stream("libvpx", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), dtype=np.uint8), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    response = post(api_client, buf.getvalue(), "clip.webm", "video/webm")
    assert response.status_code == 415, response.content
    assert response.json()["error"]["code"] == "invalid_audio"
