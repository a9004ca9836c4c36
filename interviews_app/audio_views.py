"""POST /audio/synthesize and POST /transcription/audio: thin views over juggy.ai.speech.services.

Both views are synchronous: under ASGI Django runs each in a worker thread of its own request
context, so a transcription that takes seconds never blocks the event loop.
"""

from django.conf import settings
from djangorestframework_camel_case.parser import CamelCaseMultiPartParser
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from interviews_app.audio_serializers import (
    SynthesizeRequestSerializer,
    SynthesizeResponseSerializer,
    TranscribeRequestSerializer,
    TranscribeResponseSerializer,
)
from interviews_app.services import pass_speech_owner
from juggy.accounts.authentication import BearerTokenAuthentication
from juggy.ai.speech.services import speech_synthesize, speech_too_large, speech_transcribe
from juggy.files import absolute_url
from livekit_app.authentication import IsUserOrRoomPass, RoomPassAuthentication
from livekit_app.services import RoomPass

# Multipart framing around the file (boundaries, part headers) that Content-Length also counts.
MULTIPART_SLACK_BYTES = 64 * 1024


class SpeechView(APIView):
    # Users' tokens, and the candidate's pass (jgp_...): the candidate page speaks and listens with it.
    authentication_classes = [RoomPassAuthentication, BearerTokenAuthentication]
    permission_classes = [IsUserOrRoomPass]


def speech_owner(request) -> str:
    """Whose copy of synthesized speech this is: the user, or the room pass's identity in its interview
    (room names are per owner, so two owners' candidates may share one), else in its room."""
    if isinstance(request.auth, RoomPass):
        return pass_speech_owner(request.auth.scope.get("interview") or request.auth.room_name, request.auth.identity)
    return f"user:{request.user.pk}"


class SynthesizeView(SpeechView):
    @extend_schema(
        tags=["audio"],
        summary="Synthesize speech",
        description=(
            "Converts text to speech and stores the audio as a public file under an unguessable name of "
            "the caller's own. The same caller asking for the same text, voice, format and speed gets the "
            "same file, returned without synthesizing again (`cached`); another caller gets a copy of their "
            "own (`cached: false`)."
        ),
        request=SynthesizeRequestSerializer,
        responses={
            200: SynthesizeResponseSerializer,
            400: OpenApiResponse(description="Empty or too long text, unknown voice or format, speed out of range."),
            401: OpenApiResponse(description="Missing or invalid bearer token."),
            503: OpenApiResponse(description="The speech engine or upstream speech service failed."),
        },
    )
    def post(self, request):
        data = SynthesizeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stored = speech_synthesize(
            owner=speech_owner(request),
            text=data.validated_data["text"],
            voice=data.validated_data["voice"],
            fmt=data.validated_data["format"],
            speed=data.validated_data["speed"],
        )
        return Response(
            SynthesizeResponseSerializer(
                {
                    "audio_url": absolute_url(request, stored.url),
                    "format": stored.fmt,
                    "voice": stored.voice,
                    "duration_seconds": round(stored.duration, 3),
                    "cached": stored.cached,
                }
            ).data
        )


class TranscribeView(SpeechView):
    parser_classes = [CamelCaseMultiPartParser]

    @extend_schema(
        tags=["audio"],
        summary="Transcribe audio",
        description=(
            "Transcribes a recording sent as multipart field `file` (wav, mp3, flac, ogg (vorbis or opus), "
            "webm (opus) or m4a/mp4 (aac): what browsers record; recognised by content, not by name). Limits: STT_MAX_UPLOAD_BYTES (default 25 MB) and "
            "STT_MAX_DURATION_SECONDS (default 600)."
        ),
        request={"multipart/form-data": TranscribeRequestSerializer},
        responses={
            200: TranscribeResponseSerializer,
            400: OpenApiResponse(description="No file, or an empty file."),
            401: OpenApiResponse(description="Missing or invalid bearer token."),
            413: OpenApiResponse(description="The file or the recording is over the limit."),
            415: OpenApiResponse(description="The file is not decodable audio, or the body is not multipart."),
            503: OpenApiResponse(description="The speech engine or upstream speech service failed."),
        },
    )
    def post(self, request):
        # Refuse an oversized body before the multipart parser copies it into an upload file. (The
        # server has received it by then; a proxy in front should cap bodies too.)
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > settings.STT_MAX_UPLOAD_BYTES + MULTIPART_SLACK_BYTES:
            raise speech_too_large(int(declared))
        data = TranscribeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > settings.STT_MAX_UPLOAD_BYTES:
            raise speech_too_large(upload.size)
        result = speech_transcribe(audio=upload.read(), filename=upload.name or "")
        return Response(
            TranscribeResponseSerializer(
                {"text": result.text, "language": result.language, "duration_seconds": round(result.duration, 3)}
            ).data
        )
