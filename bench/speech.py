"""Speech benchmark (not a test): synthesis and transcription speed of the builtin engines, and WER.

    .venv/bin/python bench/speech.py

Prints, per voice, the real-time factor of eSpeak NG (audio seconds per wall second), the real-time
factor of Whisper tiny.en on that audio, and the word error rate of the round trip.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juggy.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from juggy.ai.speech import VOICES  # noqa: E402
from juggy.ai.speech.espeak import EspeakTTS  # noqa: E402
from juggy.ai.speech.whisper import WhisperSTT, get_model  # noqa: E402
from testsupport.wer import word_error_rate  # noqa: E402

TEXT = (
    "Thank you for joining the interview today. Please tell me about a project you are proud of. "
    "What was the hardest technical problem you solved, and how did you measure success? "
    "Looking back, what would you do differently, and what did your team learn from it?"
)


def main() -> None:
    started = time.perf_counter()
    get_model()
    print(f"whisper tiny.en load incl. SHA-256 check: {time.perf_counter() - started:.2f} s")
    tts, stt = EspeakTTS(), WhisperSTT()
    print(f"{'voice':8} {'format':6} {'audio s':>8} {'tts x RT':>9} {'stt x RT':>9} {'WER':>6}")
    for voice in VOICES:
        for fmt in ("wav", "mp3"):
            t0 = time.perf_counter()
            spoken = tts.synthesize(text=TEXT, voice=voice, fmt=fmt)
            t1 = time.perf_counter()
            heard = stt.transcribe(audio=spoken.audio)
            t2 = time.perf_counter()
            print(
                f"{voice:8} {fmt:6} {spoken.duration:8.2f} {spoken.duration / (t1 - t0):9.1f} "
                f"{spoken.duration / (t2 - t1):9.1f} {word_error_rate(TEXT, heard.text):6.3f}"
            )


if __name__ == "__main__":
    main()
