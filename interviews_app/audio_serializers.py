"""Input and output serializers of the speech endpoints (snake_case here, camelCase on the wire)."""

from rest_framework import serializers

from juggy.ai.speech import FORMATS, MAX_SPEED, MIN_SPEED, VOICES


class SynthesizeRequestSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="What to say. At most TTS_MAX_CHARS characters (default 4000).")
    voice = serializers.ChoiceField(
        choices=VOICES,
        error_messages={"invalid_choice": f'"{{input}}" is not a voice; use one of {", ".join(VOICES)}.'},
    )
    format = serializers.ChoiceField(
        choices=FORMATS,
        default="mp3",
        error_messages={"invalid_choice": f'"{{input}}" is not a format; use one of {", ".join(FORMATS)}.'},
        help_text="Audio format of the file; pcm is raw signed 16-bit little-endian mono at 24 kHz.",
    )
    speed = serializers.FloatField(min_value=MIN_SPEED, max_value=MAX_SPEED, default=1.0)


class SynthesizeResponseSerializer(serializers.Serializer):
    audio_url = serializers.URLField(help_text="Absolute URL of the stored audio file (public).")
    format = serializers.ChoiceField(choices=FORMATS)
    voice = serializers.ChoiceField(choices=VOICES)
    duration_seconds = serializers.FloatField()
    cached = serializers.BooleanField(help_text="True when the same input was synthesized before.")


class TranscribeRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=False, help_text="A recording: wav, mp3, flac or ogg/vorbis (recognised by content)."
    )


class TranscribeResponseSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    language = serializers.CharField(help_text="ISO 639-1 code of the spoken language, e.g. en.")
    duration_seconds = serializers.FloatField()
