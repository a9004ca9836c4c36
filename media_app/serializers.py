from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from juggy.ai.resume import RESUME_SCHEMA
from media_app.models import Media


def _openapi_30(schema, *, names: bool = False):
    """JSON Schema (2020-12) to OpenAPI 3.0: ``type: [x, "null"]`` becomes ``type: x, nullable: true``.

    The ``$schema`` and ``title`` keywords are dropped; ``names`` says ``schema`` is a map of property
    names (``properties``), where a property called ``title`` (an experience's job title) is data and stays.
    """
    if isinstance(schema, list):
        return [_openapi_30(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if names:
        return {name: _openapi_30(sub) for name, sub in schema.items()}
    out = {
        k: _openapi_30(v, names=k in ("properties", "patternProperties"))
        for k, v in schema.items()
        if k not in ("$schema", "title")
    }
    if isinstance(out.get("type"), list):
        types = [t for t in out["type"] if t != "null"]
        out["type"] = types[0]
        if len(types) < len(schema["type"]):
            out["nullable"] = True
    return out


@extend_schema_field({**_openapi_30(RESUME_SCHEMA), "nullable": True})
class StructuredResumeField(serializers.JSONField):
    """The structured resume; keys are camelCase on the wire like every other field."""


class MediaUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=False,
        help_text="The document: PDF, DOCX or plain UTF-8 text, recognised by content. Limit: MEDIA_MAX_UPLOAD_BYTES.",
    )
    user_id = serializers.UUIDField(
        required=False,
        help_text="The uploading user; must be the caller unless the caller holds a service token. Default: the caller.",
    )
    to_parse = serializers.BooleanField(
        default=True, help_text="Parse the document in the background (true/false, 1/0). Default: true."
    )


class MediaUploadOutputSerializer(serializers.Serializer):
    message = serializers.CharField(
        help_text=(
            "The parse, as the contract words it: 'document uploaded' (not parsed), 'document queued for "
            "parsing', or, when the work already finished (embedded mode runs it in-process), 'document "
            "parsed successfully' / 'document stored, but parsing failed: <reason>'. The structuring of "
            "/media/upload/v2 is told by `structureState`, never here."
        )
    )
    media_id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=Media.State.choices, help_text="Parse state at the time of the answer.")
    structure_state = serializers.ChoiceField(
        choices=Media.StructureState.choices,
        help_text="The structured resume (v2): `pending` until built, then `done` or `failed`; `none` on v1.",
    )
    structure_error = serializers.CharField(allow_null=True, help_text="Why structuring failed; null otherwise.")


class MediaListItemSerializer(serializers.ModelSerializer):
    media_id = serializers.UUIDField(source="id", read_only=True)

    class Meta:
        model = Media
        fields = [
            "media_id",
            "original_name",
            "content_type",
            "extension",
            "size",
            "sha256",
            "state",
            "parse_error",
            "page_count",
            "language",
            "parsed_at",
            "structure_state",
            "structure_error",
            "created_at",
        ]
        read_only_fields = fields


class MediaDetailSerializer(MediaListItemSerializer):
    structured = StructuredResumeField(
        read_only=True, allow_null=True, help_text="The structured resume; null until structured."
    )

    class Meta(MediaListItemSerializer.Meta):
        fields = [*MediaListItemSerializer.Meta.fields, "text", "structured"]
        read_only_fields = fields


class MediaMessageSerializer(serializers.Serializer):
    message = serializers.CharField()
