"""The offline engines for real: eSpeak NG synthesis, Whisper tiny.en recognition, encoders, decoders."""

import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import override_settings

from juggy.ai.speech import (
    FORMATS,
    VOICES,
    InvalidAudio,
    InvalidRequest,
    SpeechError,
    UnsupportedFormat,
    UnsupportedVoice,
    get_stt,
    get_tts,
)
from juggy.ai.speech import whisper as whisper_module
from juggy.ai.speech.audio import decode_for_whisper, encode, measure_duration, probe
from juggy.ai.speech.espeak import VOICE_TABLE, EspeakTTS, speech_rate
from testsupport.audio import tone_pcm
from testsupport.wer import normalize, word_error_rate

SENTENCES = (
    "Thank you for joining the interview today. "
    "Please tell me about a project you are proud of. "
    "What was the hardest technical problem you solved, and how did you measure success?"
)


@pytest.fixture(scope="module")
def tts():
    return EspeakTTS()


def test_get_tts_and_get_stt_follow_the_setting():
    with override_settings(SPEECH_PROVIDER="builtin"):
        assert type(get_tts()).__name__ == "EspeakTTS"
        assert type(get_stt()).__name__ == "WhisperSTT"
    with override_settings(SPEECH_PROVIDER="festival"), pytest.raises(SpeechError, match="SPEECH_PROVIDER"):
        get_tts()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_encodes_the_speech(tts, fmt):
    result = tts.synthesize(text="Hello, I'm your AI interviewer today.", voice="alloy", fmt=fmt)
    assert result.fmt == fmt and result.audio
    assert 1.0 < result.duration < 5.0
    assert result.duration == pytest.approx(measure_duration(result.audio, fmt), abs=0.15)
    if fmt in ("wav", "mp3", "flac"):
        info = probe(result.audio)
        assert info.fmt == fmt and info.channels == 1
        assert info.duration == pytest.approx(result.duration, abs=0.1)


def test_content_types(tts):
    assert tts.synthesize(text="Hi there.", voice="echo", fmt="mp3").content_type == "audio/mpeg"
    assert tts.synthesize(text="Hi there.", voice="echo", fmt="wav").content_type == "audio/wav"
    assert tts.synthesize(text="Hi there.", voice="echo", fmt="pcm").content_type.startswith("audio/L16")


def test_the_six_voices_sound_different(tts):
    assert set(VOICE_TABLE) == set(VOICES)
    assert len({VOICE_TABLE[v] for v in VOICES}) == len(VOICES)
    outputs = {tts.synthesize(text="Good morning.", voice=v, fmt="wav").audio for v in VOICES}
    assert len(outputs) == len(VOICES)


def test_speed_changes_the_duration(tts):
    normal = tts.synthesize(text=SENTENCES, voice="alloy", fmt="wav").duration
    fast = tts.synthesize(text=SENTENCES, voice="alloy", fmt="wav", speed=2.0).duration
    slow = tts.synthesize(text=SENTENCES, voice="alloy", fmt="wav", speed=0.5).duration
    assert fast < normal * 0.7
    assert slow > normal * 1.5
    # Beyond eSpeak's 80-450 words per minute the audio is stretched the rest of the way.
    assert speech_rate(0.25) == 80 and speech_rate(4.0) == 450 and speech_rate(1.0) == 175
    slowest = tts.synthesize(text=SENTENCES, voice="alloy", fmt="wav", speed=0.25).duration
    fastest = tts.synthesize(text=SENTENCES, voice="alloy", fmt="wav", speed=4.0).duration
    assert slowest > normal * 3
    assert fastest < normal * 0.35


def test_bad_requests_are_rejected_before_synthesis(tts):
    with pytest.raises(UnsupportedVoice):
        tts.synthesize(text="Hi", voice="robot")
    with pytest.raises(UnsupportedFormat):
        tts.synthesize(text="Hi", voice="alloy", fmt="m4a")
    with pytest.raises(InvalidRequest, match="speed"):
        tts.synthesize(text="Hi", voice="alloy", speed=4.5)
    with pytest.raises(InvalidRequest):
        tts.synthesize(text="  \n ", voice="alloy")


def test_text_with_nul_and_markup_is_spoken_as_plain_text(tts):
    result = tts.synthesize(text="one\x00two <speak>three</speak>", voice="alloy", fmt="wav")
    assert result.duration > 0.5


def test_concurrent_syntheses_do_not_mix_their_audio(tts):
    # eSpeak adds random jitter, so equal texts give different samples and lengths within a few
    # samples; texts of clearly different lengths tell whether a result is whole and unmixed.
    texts = [" ".join(["The candidate answered."] * n) for n in range(1, 7)]
    expected = [len(tts.synthesize(text=t, voice="nova", fmt="wav").audio) for t in texts]
    assert len(set(expected)) == len(texts)
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(lambda t: len(tts.synthesize(text=t, voice="nova", fmt="wav").audio), texts * 2))
    assert len(got) == 12
    for length, wanted in zip(got, expected * 2, strict=True):
        assert length == pytest.approx(wanted, rel=0.01)


def test_probe_rejects_what_is_not_audio():
    for junk in (b"%PDF-1.7\n" + bytes(4000), b"RIFF\x00\x00\x00\x00WAVEjunk", bytes(range(256)) * 50):
        with pytest.raises(InvalidAudio):
            probe(junk)
        with pytest.raises(InvalidAudio):
            decode_for_whisper(junk)


def test_decode_for_whisper_resamples_to_16k_mono():
    wav = encode(tone_pcm(1.5, rate=44100), sample_rate=44100, fmt="wav")
    samples = decode_for_whisper(wav)
    assert samples.dtype.name == "float32"
    assert len(samples) == pytest.approx(24000, abs=50)
    assert 0.1 < float(abs(samples).max()) <= 1.0


def test_wer():
    assert normalize("Hello, I'm HERE!") == ["hello", "i'm", "here"]
    assert word_error_rate("the cat sat", "the cat sat") == 0.0
    assert word_error_rate("the cat sat down", "the bat sat") == 0.5
    assert word_error_rate("a b", "a b c d") == 1.0


def test_model_hash_mismatch_refuses_to_load(tmp_path):
    source = whisper_module.default_model_dir()
    for name in whisper_module.MODEL_FILES:
        if name != "model.bin":
            shutil.copy(source / name, tmp_path / name)
    (tmp_path / "model.bin").write_bytes(b"not the weights")
    with pytest.raises(SpeechError, match="SHA-256"):
        whisper_module.load_model(tmp_path)


def test_incomplete_model_directory_is_reported(tmp_path):
    with pytest.raises(SpeechError, match=r"missing model\.bin"):
        whisper_module.load_model(tmp_path)


def test_pinned_hash_matches_the_installed_model():
    path = whisper_module.default_model_dir() / "model.bin"
    assert whisper_module.file_sha256(path) == whisper_module.MODEL_SHA256


def test_model_loads_once_even_when_threads_race(whisper_model):
    seen = []
    barrier = threading.Barrier(4)

    def grab():
        barrier.wait()
        seen.append(whisper_module.get_model())

    threads = [threading.Thread(target=grab) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(m is whisper_model for m in seen)


@pytest.mark.parametrize("voice", VOICES)
def test_round_trip_espeak_to_whisper(tts, whisper_model, voice):
    """Synthesize a few sentences, transcribe them back: the words must survive."""
    spoken = tts.synthesize(text=SENTENCES, voice=voice, fmt="mp3")
    heard = get_stt().transcribe(audio=spoken.audio, filename="answer.mp3")
    wer = word_error_rate(SENTENCES, heard.text)
    assert wer < 0.35, (voice, wer, heard.text)
    assert heard.language == "en"
    assert heard.duration == pytest.approx(spoken.duration, abs=0.2)


def test_silence_transcribes_to_little_or_nothing(whisper_model):
    wav = encode(bytes(16000 * 2 * 2), sample_rate=16000, fmt="wav")
    heard = get_stt().transcribe(audio=wav)
    assert heard.duration == pytest.approx(2.0, abs=0.01)
    assert len(normalize(heard.text)) <= 3


def test_transcribe_rejects_non_audio(whisper_model):
    with pytest.raises(InvalidAudio):
        get_stt().transcribe(audio=b"definitely not a recording" * 100, filename="fake.wav")
