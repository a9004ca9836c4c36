"""Input and output serializers of the interview endpoints and events (snake_case here, camelCase on the wire)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conversations.models import Turn
from conversations.review import ReviewStatus
from conversations.serializers import REVIEW_STATES, AiAssessmentSerializer, ReviewedSerializer
from conversations.services import progress
from interviews_app.candidate_page import candidate_link
from interviews_app.models import Interview
from livekit_app.models import ROOM_NAME_PATTERN

RESPONSE_MAX_CHARS = 8000
JOB_DESCRIPTION_MAX_CHARS = 20000


# --- input -----------------------------------------------------------------------------------------
class InterviewSettingsSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=["enterprise", "practice"],
        required=False,
        help_text="enterprise (default): a hiring interview; practice: coaching tone, more follow-ups.",
    )
    max_questions = serializers.IntegerField(min_value=1, max_value=20, required=False)
    target_role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    target_company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    assessment_area = serializers.CharField(max_length=200, required=False, allow_blank=True)
    fixed_questions = serializers.ListField(
        child=serializers.CharField(max_length=500), max_length=20, required=False,
        help_text="Questions the interviewer must ask, in order.",
    )


class InterviewCreateInputSerializer(serializers.Serializer):
    room_name = serializers.RegexField(
        ROOM_NAME_PATTERN,
        max_length=64,
        error_messages={"invalid": "1-64 characters: letters, digits, '-' and '_', starting with a letter or digit."},
        help_text="The LiveKit room; created (owned by you) if it does not exist.",
    )
    candidate_id = serializers.CharField(max_length=128, help_text="Your identifier of the candidate; their identity in the room.")
    job_description = serializers.CharField(max_length=JOB_DESCRIPTION_MAX_CHARS)
    candidate_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    media_id = serializers.UUIDField(required=False, allow_null=True, help_text="One of your uploaded resumes.")
    settings = InterviewSettingsSerializer(required=False)
    user_id = serializers.UUIDField(required=False, help_text="Service tokens only: the user the interview is for.")


class InterviewResponseInputSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=RESPONSE_MAX_CHARS, help_text="The candidate's answer (text).")
    reply_to = serializers.IntegerField(
        min_value=0, required=False,
        help_text="Optional: the index of the interviewer message this answers. The answer is stored only while "
        "that message is the last one (else 409 already_answered), so an answer re-sent after a lost connection "
        "is never stored twice.",
    )


# --- output ----------------------------------------------------------------------------------------
def progress_of(interview: Interview) -> dict:
    """Question i of n, from the conversation's plan and state (no query)."""
    return progress(interview.conversation)


class ProgressSerializer(serializers.Serializer):
    current_question = serializers.IntegerField(help_text="1-based position of the question being asked; 0 before the start.")
    total_questions = serializers.IntegerField()
    follow_ups_asked = serializers.IntegerField(help_text="Follow-ups asked on the current question.")
    messages = serializers.IntegerField(help_text="Messages in the transcript so far.")
    finished = serializers.BooleanField()


class InterviewMessageSerializer(serializers.ModelSerializer):
    """A turn as the interview endpoints show it: the interviewer speaks as "engine", the candidate
    through the transport that carried the answer (rest, websocket, livekit)."""

    role = serializers.CharField(source="speaker", help_text="interviewer or candidate.")
    source = serializers.SerializerMethodField()

    class Meta:
        model = Turn
        fields = ["index", "role", "text", "question_id", "is_follow_up", "source", "created_at"]

    @extend_schema_field(serializers.ChoiceField(choices=["engine", "rest", "websocket", "livekit"]))
    def get_source(self, turn: Turn) -> str:
        return "engine" if turn.speaker == Turn.Speaker.INTERVIEWER else turn.transport


class ParticipantSerializer(serializers.Serializer):
    identity = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    role = serializers.ChoiceField(choices=["owner", "service", "candidate", "participant"])
    via = serializers.ChoiceField(choices=["websocket", "livekit"])
    joined_at = serializers.DateTimeField(allow_null=True)


class InterviewSerializer(serializers.ModelSerializer):
    session_id = serializers.UUIDField(source="id", read_only=True)
    interview_id = serializers.UUIDField(source="id", read_only=True)
    settings = InterviewSettingsSerializer(read_only=True)
    media_id = serializers.UUIDField(source="conversation.media_id", allow_null=True, read_only=True)
    status = serializers.ChoiceField(choices=Interview.Status.choices, read_only=True)
    end_reason = serializers.CharField(source="conversation.end_reason", read_only=True)
    job_description = serializers.SerializerMethodField()
    summary_status = serializers.ChoiceField(choices=Interview.SummaryStatus.choices, read_only=True)
    started_at = serializers.DateTimeField(source="conversation.started_at", read_only=True, allow_null=True)
    ended_at = serializers.DateTimeField(source="conversation.ended_at", read_only=True, allow_null=True)
    interviewer = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = Interview
        fields = [
            "session_id", "interview_id", "status", "end_reason", "room_name", "candidate_id", "candidate_name",
            "job_description", "media_id", "settings", "interviewer", "agent_dispatch_id", "progress",
            "summary_status", "created_at", "started_at", "ended_at", "duration_seconds",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=["livekit_agent", "server"]))
    def get_interviewer(self, interview) -> str:
        """Who holds the interviewer's seat: a dispatched LiveKit agent, or Juggy's own engine."""
        return "livekit_agent" if interview.agent_dispatch_id else "server"

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, interview) -> dict:
        return progress_of(interview)

    def get_job_description(self, interview) -> str:
        return (interview.conversation.job or {}).get("job_description", "")

    def get_duration_seconds(self, interview) -> float | None:
        conversation = interview.conversation
        if conversation.started_at is None:
            return None
        return round(((conversation.ended_at or timezone.now()) - conversation.started_at).total_seconds(), 3)


class InterviewDetailSerializer(InterviewSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta(InterviewSerializer.Meta):
        fields = [*InterviewSerializer.Meta.fields, "participants"]


class RoomInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    state = serializers.CharField()
    sid = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class InterviewCreatedSerializer(InterviewSerializer):
    candidate_token = serializers.CharField(
        help_text=(
            "A pass for the candidate, scoped to this interview: Bearer token for GET/start/response/transcript/end "
            "of this interview, for /livekit/token in its room, and for joinInterview on the WebSocket."
        )
    )
    candidate_link = serializers.SerializerMethodField(
        help_text="The candidate's interview page (GET /i/<candidateToken>): send this link to the candidate. "
        "It opens this interview only, and stops working when the candidate token expires."
    )
    room = RoomInfoSerializer()

    class Meta(InterviewSerializer.Meta):
        fields = [*InterviewSerializer.Meta.fields, "candidate_token", "candidate_link", "room"]

    def get_candidate_link(self, interview) -> str:
        return candidate_link(interview.candidate_token, self.context.get("request"))


class ExchangeSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Interview.Status.choices)
    message = InterviewMessageSerializer(help_text="The interviewer's message.")
    candidate_message = InterviewMessageSerializer(allow_null=True, help_text="The answer it replies to (null for the opening).")
    progress = ProgressSerializer()
    finished = serializers.BooleanField(help_text="True when this message ended the interview.")
    interviewer = serializers.ChoiceField(
        choices=["livekit_agent", "server"],
        help_text="Who conducts the interview: the LiveKit agent in the room (LiveKit configured), or the "
        "server's own interviewer over REST and WebSocket.",
    )
    agent_dispatch_id = serializers.CharField(allow_blank=True, help_text="The LiveKit agent dispatch, if any.")


class TranscriptSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Interview.Status.choices)
    messages = InterviewMessageSerializer(many=True)


class SummarySerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["done"])
    summary = serializers.JSONField(
        help_text="summary, overallScore (1-5 or null), recommendation, strengths, improvements, competencies "
        "(score, rationale, evidence quoted from the transcript), sufficient, provider, model."
    )
    generated_at = serializers.DateTimeField()
    # The human review beside the AI's values (conversations.review.review_blocks).
    ai = AiAssessmentSerializer(allow_null=True, help_text="The AI's scores and recommendation.")
    reviewed = ReviewedSerializer(allow_null=True, help_text="The human review, null until someone reviews.")
    review_status = serializers.ChoiceField(choices=ReviewStatus.ALL, help_text=REVIEW_STATES)


class SummaryPendingSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["pending"])
    previous_error = serializers.CharField(allow_blank=True, help_text="Why the last attempt failed, if it did.")
