"""Audio plumbing shared by the providers: probe and decode uploads, encode synthesized speech.

Uploads are judged by their content, never by their name: miniaudio recognises wav, flac, ogg/vorbis
and mp3 from the bytes and decodes them to the 16 kHz mono float32 that Whisper wants, so no ffmpeg
binary is needed. What browsers record (MediaRecorder: webm/opus in Chromium and Firefox, ogg/opus in
Firefox, mp4/aac in Safari and phones' m4a) is decoded with PyAV (libav in its wheel): the container
is recognised by its magic bytes, opened with that one demuxer, and only the audio codecs in
AV_CODECS are decoded, so an upload cannot reach the rest of libav's demuxers and decoders.
Encoding: wav with the stdlib, mp3 with lameenc, flac/opus/aac/pcm with PyAV.
"""

import io
import wave
from dataclasses import dataclass
from fractions import Fraction

import av
import av.filter
import lameenc
import miniaudio
import numpy as np

from .base import PCM_SAMPLE_RATE, InvalidAudio, SpeechError

WHISPER_SAMPLE_RATE = 16000

# mp3 last: its decoder hunts for frame sync words, so it is the most lenient about what it accepts.
_PROBES = (
    ("wav", "audio/wav", miniaudio.wav_get_info),
    ("flac", "audio/flac", miniaudio.flac_get_info),
    ("ogg", "audio/ogg", miniaudio.vorbis_get_info),
    ("mp3", "audio/mpeg", miniaudio.mp3_get_info),
)


# Browser and phone recordings: (format, content type, libav demuxer, magic-bytes test). Ogg is tried
# with miniaudio first (vorbis); an Ogg that miniaudio refuses is Opus, Firefox's MediaRecorder default.
_AV_CONTAINERS = (
    ("webm", "audio/webm", "matroska", lambda head: head[:4] == b"\x1a\x45\xdf\xa3"),
    ("ogg", "audio/ogg", "ogg", lambda head: head[:4] == b"OggS"),
    ("m4a", "audio/mp4", "mp4", lambda head: head[4:8] == b"ftyp"),
)
AV_CODECS = frozenset({"opus", "vorbis", "aac", "mp3", "mp3float", "flac", "pcm_s16le", "pcm_f32le"})
SUPPORTED = "wav, mp3, flac, ogg (vorbis or opus), webm (opus or vorbis), m4a/mp4 (aac)"
_NOT_AUDIO = f"The file is not decodable audio (supported: {SUPPORTED})."


@dataclass(frozen=True)
class AudioInfo:
    fmt: str  # wav, flac, ogg, mp3, webm or m4a
    content_type: str
    duration: float
    sample_rate: int
    channels: int


def probe(data: bytes, *, max_seconds: float | None = None) -> AudioInfo:
    """Identify the container from the bytes and measure its duration.

    wav, flac, ogg/vorbis and mp3 have it in their headers. Browser recordings often do not (Chromium's
    webm has no duration element), so they are decoded to count samples; with `max_seconds` the count
    stops just past that limit, so an over-long upload costs no more than the limit to refuse."""
    for fmt, content_type, get_info in _PROBES:
        try:
            info = get_info(data)
        except miniaudio.DecodeError:
            continue
        if info.num_frames <= 0 or info.sample_rate <= 0:
            continue
        return AudioInfo(fmt, content_type, info.num_frames / info.sample_rate, info.sample_rate, info.nchannels)
    fmt, content_type, demuxer = _av_container(data)
    samples, rate, channels = 0, 0, 1
    for frame in _av_frames(data, demuxer):
        samples, rate, channels = samples + frame.samples, frame.sample_rate, len(frame.layout.channels)
        if max_seconds is not None and samples > max_seconds * rate:
            break
    if samples <= 0 or rate <= 0:
        raise InvalidAudio(_NOT_AUDIO)
    return AudioInfo(fmt, content_type, samples / rate, rate, channels)


def decode_for_whisper(data: bytes) -> np.ndarray:
    """Decode any supported upload to 16 kHz mono float32 samples in [-1, 1]."""
    try:
        decoded = miniaudio.decode(
            data, output_format=miniaudio.SampleFormat.FLOAT32, nchannels=1, sample_rate=WHISPER_SAMPLE_RATE
        )
    except miniaudio.DecodeError:
        pass
    else:
        return np.frombuffer(decoded.samples, dtype=np.float32)
    _, _, demuxer = _av_container(data)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=WHISPER_SAMPLE_RATE)
    chunks = []
    try:
        for frame in _av_frames(data, demuxer):
            chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
        chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
    except (av.FFmpegError, ValueError) as exc:
        raise InvalidAudio(_NOT_AUDIO) from exc
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, dtype=np.float32)


def _av_container(data: bytes) -> tuple[str, str, str]:
    for fmt, content_type, demuxer, matches in _AV_CONTAINERS:
        if matches(data[:12]):
            return fmt, content_type, demuxer
    raise InvalidAudio(_NOT_AUDIO)


def _av_frames(data: bytes, demuxer: str):
    """The decoded frames of the first audio stream, opened with one named demuxer and an allowed codec."""
    try:
        with av.open(io.BytesIO(data), format=demuxer) as container:
            if not container.streams.audio:
                raise InvalidAudio(_NOT_AUDIO)
            stream = container.streams.audio[0]
            if stream.codec_context.name not in AV_CODECS:
                raise InvalidAudio(f"Audio coded as {stream.codec_context.name} is not supported ({SUPPORTED}).")
            yield from container.decode(stream)
    except (av.FFmpegError, ValueError, IndexError) as exc:
        raise InvalidAudio(_NOT_AUDIO) from exc


def encode(pcm: bytes, *, sample_rate: int, fmt: str) -> bytes:
    """Encode signed 16-bit little-endian mono samples to one of base.FORMATS."""
    if fmt == "wav":
        return _encode_wav(pcm, sample_rate)
    if fmt == "mp3":
        return _encode_mp3(pcm, sample_rate)
    if fmt in _AV_OUTPUTS:
        return _encode_av(pcm, sample_rate, fmt)
    raise SpeechError(f"No encoder for {fmt!r}.")


def _encode_wav(pcm: bytes, sample_rate: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    return buf.getvalue()


def _encode_mp3(pcm: bytes, sample_rate: int) -> bytes:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(64)  # speech, mono: 64 kbit/s is transparent enough and small
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(2)
    return bytes(encoder.encode(pcm) + encoder.flush())


# format -> (libav container, codec, output sample rate or None to keep the input rate)
_AV_OUTPUTS = {
    "flac": ("flac", "flac", None),
    "opus": ("ogg", "libopus", 48000),  # Opus only runs at 8/12/16/24/48 kHz
    "aac": ("adts", "aac", None),
    "pcm": ("s16le", "pcm_s16le", PCM_SAMPLE_RATE),
}


def _encode_av(pcm: bytes, sample_rate: int, fmt: str) -> bytes:
    container, codec, out_rate = _AV_OUTPUTS[fmt]
    buf = io.BytesIO()
    with av.open(buf, "w", format=container) as out:
        stream = out.add_stream(codec, rate=out_rate or sample_rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            np.frombuffer(pcm, dtype=np.int16).reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate = sample_rate
        # The codec context resamples and re-chunks to the codec's frame size itself.
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def change_tempo(pcm: bytes, *, sample_rate: int, tempo: float) -> bytes:
    """Speed 16-bit mono speech up or down without changing its pitch (libav atempo, 0.5-100x)."""
    graph = av.filter.Graph()
    source = graph.add_abuffer(format="s16", sample_rate=sample_rate, layout="mono")
    stretch = graph.add("atempo", f"{tempo:.6f}")
    sink = graph.add("abuffersink")
    source.link_to(stretch)
    stretch.link_to(sink)
    graph.configure()
    frame = av.AudioFrame.from_ndarray(np.frombuffer(pcm, dtype=np.int16).reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate, frame.pts, frame.time_base = sample_rate, 0, Fraction(1, sample_rate)
    graph.push(frame)
    graph.push(None)
    out = []
    while True:
        try:
            out.append(graph.pull().to_ndarray().astype(np.int16).tobytes())
        except (av.BlockingIOError, av.EOFError):
            return b"".join(out)


def measure_duration(data: bytes, fmt: str) -> float:
    """Duration in seconds of encoded audio in one of base.FORMATS (used for upstream-made audio)."""
    if fmt == "pcm":
        return len(data) / 2 / PCM_SAMPLE_RATE
    try:
        with av.open(io.BytesIO(data)) as container:
            stream = container.streams.audio[0]
            samples = sum(frame.samples for frame in container.decode(stream))
            return samples / stream.rate if stream.rate else 0.0
    except (av.FFmpegError, IndexError) as exc:
        raise SpeechError(f"The speech service returned audio that is not valid {fmt}.") from exc
