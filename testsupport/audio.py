"""Synthetic audio for speech tests."""

import math
import struct


def tone_pcm(seconds: float, *, rate: int = 16000, freq: float = 440.0) -> bytes:
    """A sine tone as 16-bit little-endian mono PCM."""
    frames = int(seconds * rate)
    return b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(frames)
    )
