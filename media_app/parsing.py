"""Run media_app.extraction in a bounded child process and detect the language of the result."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import dataclass
from functools import cache

from django.conf import settings

LANGUAGE_SAMPLE_CHARS = 5000


class ParseFailed(Exception):
    """Parsing gave no text; the message is the user-facing reason stored on the media."""


@dataclass(frozen=True)
class Parsed:
    text: str
    pages: int | None
    language: str


def run_extraction(doc_format: str, data: bytes) -> tuple[str, int | None]:
    """Extract text in a child process bounded by MEDIA_PARSE_TIMEOUT_SECONDS (wall clock and CPU),
    MEDIA_PARSE_MAX_MEMORY_MB (address space) and MEDIA_PARSE_MAX_PAGES."""
    timeout = settings.MEDIA_PARSE_TIMEOUT_SECONDS
    memory = settings.MEDIA_PARSE_MAX_MEMORY_MB * 1024 * 1024
    command = [
        sys.executable,
        "-m",
        "media_app.extraction",
        doc_format,
        str(settings.MEDIA_PARSE_MAX_PAGES),
        str(max(1, math.ceil(timeout))),
        str(memory),
    ]
    try:
        # The child is killed at the timeout: subprocess.run sends SIGKILL and reaps it.
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=timeout, cwd=settings.BASE_DIR, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ParseFailed(f"Parsing took longer than {timeout:g} seconds and was stopped.") from exc
    if done.returncode != 0 or not done.stdout:
        raise ParseFailed(_crash_reason(done.returncode, done.stderr))
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise ParseFailed("The parser returned no usable result.") from exc
    if not result.get("ok"):
        raise ParseFailed(result.get("reason") or "The document cannot be read.")
    return result["text"], result.get("pages")


def _crash_reason(returncode: int, stderr: bytes) -> str:
    if returncode in (-9, -24, 137, 152):  # SIGKILL / SIGXCPU (RLIMIT_CPU), or the shell's 128+n
        return "Parsing used more CPU time than allowed and was stopped."
    if b"MemoryError" in stderr[-4000:]:
        return "The document needs more memory to parse than allowed; it is refused."
    return f"The parser stopped unexpectedly (exit status {returncode})."


@cache
def _langdetect():
    from langdetect import DetectorFactory, detect_langs

    # langdetect samples randomly; a fixed seed makes the same text give the same language.
    DetectorFactory.seed = 0
    return detect_langs


def detect_language(text: str) -> str:
    """ISO 639-1 code ("en", "de", ...) or "" when the text is too short or ambiguous to tell."""
    from langdetect.lang_detect_exception import LangDetectException

    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < 20:
        return ""
    try:
        best = _langdetect()(sample)[0]
    except LangDetectException:
        return ""
    return best.lang if best.prob >= 0.5 else ""


def parse_document(doc_format: str, data: bytes) -> Parsed:
    text, pages = run_extraction(doc_format, data)
    return Parsed(text=text, pages=pages, language=detect_language(text))
