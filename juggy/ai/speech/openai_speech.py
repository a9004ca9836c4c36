"""Speech through any OpenAI-compatible audio API (OpenAI, Azure, local Whisper servers)."""

import functools

import openai

from .audio import measure_duration, probe
from .base import CONTENT_TYPES, SpeechError, SynthesisResult, Transcription, UpstreamError, check_request

# verbose_json (whisper-1 and most self-hosted Whisper servers) names the language in English words;
# Juggy reports ISO 639-1 codes like the builtin engine does. Whisper's language list.
_LANGUAGE_PAIRS = (
    "english:en chinese:zh german:de spanish:es russian:ru korean:ko french:fr japanese:ja portuguese:pt "
    "turkish:tr polish:pl catalan:ca dutch:nl arabic:ar swedish:sv italian:it indonesian:id hindi:hi "
    "finnish:fi vietnamese:vi hebrew:he ukrainian:uk greek:el malay:ms czech:cs romanian:ro danish:da "
    "hungarian:hu tamil:ta norwegian:no thai:th urdu:ur croatian:hr bulgarian:bg lithuanian:lt latin:la "
    "maori:mi malayalam:ml welsh:cy slovak:sk telugu:te persian:fa latvian:lv bengali:bn serbian:sr "
    "azerbaijani:az slovenian:sl kannada:kn estonian:et macedonian:mk breton:br basque:eu icelandic:is "
    "armenian:hy nepali:ne mongolian:mn bosnian:bs kazakh:kk albanian:sq swahili:sw galician:gl "
    "marathi:mr punjabi:pa sinhala:si khmer:km shona:sn yoruba:yo somali:so afrikaans:af occitan:oc "
    "georgian:ka belarusian:be tajik:tg sindhi:sd gujarati:gu amharic:am yiddish:yi lao:lo uzbek:uz "
    "faroese:fo haitian_creole:ht pashto:ps turkmen:tk nynorsk:nn maltese:mt sanskrit:sa "
    "luxembourgish:lb myanmar:my tibetan:bo tagalog:tl malagasy:mg assamese:as tatar:tt hawaiian:haw "
    "lingala:ln hausa:ha bashkir:ba javanese:jw sundanese:su cantonese:yue"
)
_WHISPER_LANGUAGES = dict(pair.split(":") for pair in _LANGUAGE_PAIRS.split())


def language_code(value: str) -> str:
    value = (value or "").strip().lower()
    return _WHISPER_LANGUAGES.get(value.replace(" ", "_"), value) or "und"


@functools.lru_cache(maxsize=4)
def _client(api_key: str, base_url: str, timeout: float, max_retries: int) -> openai.OpenAI:
    # One client (one connection pool) per configuration, shared by all requests of the process.
    return openai.OpenAI(api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=max_retries)


def _upstream_error(exc: openai.OpenAIError) -> UpstreamError:
    status = getattr(exc, "status_code", None)
    detail = f" (HTTP {status})" if status else ""
    return UpstreamError(f"The speech service failed{detail}: {type(exc).__name__}.", status=status)


class OpenAITTS:
    def __init__(self, *, api_key: str, base_url: str, model: str, timeout: float, max_retries: int):
        self.model = model
        self.identity = f"openai:{model}"
        self._client = _client(api_key, base_url, timeout, max_retries)

    def synthesize(self, *, text: str, voice: str, fmt: str = "mp3", speed: float = 1.0) -> SynthesisResult:
        check_request(text=text, voice=voice, fmt=fmt, speed=speed)
        try:
            response = self._client.audio.speech.create(
                model=self.model, voice=voice, input=text, response_format=fmt, speed=speed
            )
            data = response.read()
        except openai.OpenAIError as exc:
            raise _upstream_error(exc) from exc
        if not data:
            raise SpeechError("The speech service returned no audio.")
        return SynthesisResult(
            audio=data, content_type=CONTENT_TYPES[fmt], fmt=fmt, duration=measure_duration(data, fmt)
        )


class OpenAISTT:
    def __init__(self, *, api_key: str, base_url: str, model: str, timeout: float, max_retries: int):
        self.model = model
        self._client = _client(api_key, base_url, timeout, max_retries)

    def transcribe(self, *, audio: bytes, filename: str = "") -> Transcription:
        info = probe(audio)
        # Named by what the bytes are, not by what the client called them: the API picks the decoder
        # from the extension.
        name = f"{(filename.rsplit('.', 1)[0] if filename else '') or 'audio'}.{info.fmt}"
        # Only whisper-1 (and Whisper-style servers) offer verbose_json, which carries the language.
        verbose = self.model.startswith("whisper")
        try:
            result = self._client.audio.transcriptions.create(
                model=self.model,
                file=(name, audio, info.content_type),
                response_format="verbose_json" if verbose else "json",
            )
        except openai.OpenAIError as exc:
            raise _upstream_error(exc) from exc
        if verbose:
            language = result.language
        else:
            languages = getattr(result, "languages", None) or []
            language = languages[0].code if languages else ""
        return Transcription(text=result.text.strip(), language=language_code(language), duration=info.duration)

