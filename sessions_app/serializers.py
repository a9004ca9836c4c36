"""Input and output serializers of the sessions API (snake_case here, camelCase on the wire)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conversations.models import Conversation, Turn
from conversations.serializers import ReviewBlocksMixin
from conversations.services import analysis_report, questions
from sessions_app.models import AssessmentTemplate, Session

# --- inputs ---------------------------------------------------------------------------------------


class OtherContextSerializer(serializers.Serializer):
    current_role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    current_company = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    total_product_management_experience = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    total_work_experience = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    target_role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    target_company = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    job_description = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    job_description_link = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")


class ContextUploadSerializer(serializers.Serializer):
    assessment_area = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    media_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    other_context = OtherContextSerializer(required=False, allow_null=True, default=None)
    user_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="Service tokens only: the user to act for."
    )


class LinkSerializer(serializers.Serializer):
    call_id = serializers.CharField(max_length=200, help_text="The voice provider's call id (VAPI call.id).")
    session_id = serializers.UUIDField()


class CompetencyInputSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=50)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    rubric = serializers.DictField(
        child=serializers.CharField(max_length=1000),
        required=False,
        allow_null=True,
        default=None,
        help_text='Score ("1" to "5") to what that score looks like.',
    )

    def validate_rubric(self, rubric):
        if rubric and not set(rubric) <= {"1", "2", "3", "4", "5"}:
            raise serializers.ValidationError('Rubric keys are scores from "1" to "5".')
        return rubric


class TemplateInputSerializer(serializers.Serializer):
    organisation_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="Needed when you belong to several organisations."
    )
    name = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=200)
    job_description = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    competencies = CompetencyInputSerializer(many=True, required=False, default=list, max_length=20)
    question_bank = serializers.ListField(
        child=serializers.CharField(max_length=1000), required=False, default=list, max_length=50
    )
    max_questions = serializers.IntegerField(min_value=1, max_value=30, required=False, allow_null=True, default=None)

    def validate_competencies(self, competencies):
        keys = [c["key"] for c in competencies]
        if len(keys) != len(set(keys)):
            raise serializers.ValidationError("Competency keys must be unique.")
        return competencies


class CandidateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    external_id = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EnterpriseSessionInputSerializer(serializers.Serializer):
    template_id = serializers.UUIDField()
    candidate_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    candidate = CandidateInputSerializer(required=False, allow_null=True, default=None)
    media_id = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="The candidate's resume.")
    generate_questions = serializers.BooleanField(
        required=False, default=False, help_text="Plan the questions now instead of at the first turn."
    )
    user_id = serializers.UUIDField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if (attrs["candidate_id"] is None) == (attrs["candidate"] is None):
            raise serializers.ValidationError("Give exactly one of candidateId and candidate.")
        return attrs


class AnalyseQuerySerializer(serializers.Serializer):
    rerun = serializers.BooleanField(required=False, default=False)


# --- outputs: pieces ------------------------------------------------------------------------------

# Plain strings, not enums, in the schema: the same states appear as `analysisStatus` on sessions.
ANALYSIS_STATES = "One of: " + ", ".join(Conversation.AnalysisStatus.values) + "."


class ContextUploadResponseSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    session_questions = serializers.CharField(help_text="A JSON string: a list of {id, text, competency, kind}.")


class ContextUploadV2ResponseSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()
    competency = serializers.CharField(allow_blank=True)
    kind = serializers.CharField(allow_blank=True)


class EvidenceSerializer(serializers.Serializer):
    quote = serializers.CharField()
    turn_index = serializers.IntegerField(help_text="Index of the candidate turn in the transcript.")


class CompetencyScoreSerializer(serializers.Serializer):
    competency = serializers.CharField()
    name = serializers.CharField()
    score = serializers.IntegerField(min_value=1, max_value=5)
    rationale = serializers.CharField(allow_blank=True)
    evidence = EvidenceSerializer(many=True)


class NotAssessedSerializer(serializers.Serializer):
    competency = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.CharField()


class NotCoveredSerializer(serializers.Serializer):
    question_id = serializers.CharField()
    text = serializers.CharField()
    competency = serializers.CharField()


class MissedAnswerSerializer(serializers.Serializer):
    question_id = serializers.CharField()
    category = serializers.ChoiceField(choices=["non_answer", "off_topic"])
    quote = serializers.CharField(allow_blank=True, help_text="What the candidate said, verbatim.")
    turn_index = serializers.IntegerField(help_text="Index of the candidate turn in the transcript.")


class AnalysisResultSerializer(serializers.Serializer):
    sufficient = serializers.BooleanField(help_text="False when the transcript is too thin to judge.")
    overall_score = serializers.FloatField(allow_null=True, help_text="1 to 5.")
    recommendation = serializers.CharField(allow_null=True)
    summary = serializers.CharField(allow_blank=True)
    strengths = serializers.ListField(child=serializers.CharField())
    improvements = serializers.ListField(child=serializers.CharField())
    competencies = CompetencyScoreSerializer(many=True)
    provider = serializers.CharField()
    model = serializers.CharField()
    not_assessed = NotAssessedSerializer(
        many=True, help_text="Competencies not scored: the transcript gives not enough evidence for them."
    )
    not_covered = NotCoveredSerializer(many=True, help_text="Planned questions the candidate never got to answer.")
    missed_answers = MissedAnswerSerializer(
        many=True, help_text="Questions answered with a non-answer or about something else, quoted verbatim."
    )


def normalised_analysis(data: dict | None) -> dict | None:
    """A stored analysis with every key present (older rows may lack newer keys)."""
    from juggy.ai import Analysis

    return Analysis.from_dict(data).to_dict() if data else None


class AnalysisStateSerializer(ReviewBlocksMixin, serializers.Serializer):
    """The analysis block of a session (of its conversation): state, structured result, readable report,
    and the human review beside the AI's values (`ai`, `reviewed`, `reviewStatus`)."""

    status = serializers.CharField(source="analysis_status", help_text=ANALYSIS_STATES)
    score = serializers.FloatField(source="analysis_score", allow_null=True)
    result = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()
    error = serializers.CharField(source="analysis_error", allow_blank=True)
    requested_at = serializers.DateTimeField(source="analysis_requested_at", allow_null=True)
    analysed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(AnalysisResultSerializer(allow_null=True))
    def get_result(self, conversation: Conversation) -> dict | None:
        return normalised_analysis(conversation.analysis)

    def get_report(self, conversation: Conversation) -> str:
        return analysis_report(conversation.analysis)


class AnalysisResponseSerializer(ReviewBlocksMixin, serializers.Serializer):
    """GET /session/analyse, of a session's conversation (its `session` is the session), with the human
    review beside the AI's values (`ai`, `reviewed`, `reviewStatus`)."""

    session_id = serializers.UUIDField(source="session.id")
    status = serializers.CharField(source="analysis_status", help_text=ANALYSIS_STATES)
    analysis = serializers.SerializerMethodField(help_text="The readable report (plain text), as in the contract.")
    result = serializers.SerializerMethodField(help_text="The structured analysis.")
    error = serializers.CharField(source="analysis_error", allow_blank=True)
    requested_at = serializers.DateTimeField(source="analysis_requested_at", allow_null=True)
    analysed_at = serializers.DateTimeField(allow_null=True)

    def get_analysis(self, conversation: Conversation) -> str:
        return analysis_report(conversation.analysis)

    @extend_schema_field(AnalysisResultSerializer(allow_null=True))
    def get_result(self, conversation: Conversation) -> dict | None:
        return normalised_analysis(conversation.analysis)


class AnalysisPendingSerializer(serializers.Serializer):
    session_id = serializers.UUIDField(source="session.id")
    status = serializers.CharField(source="analysis_status", help_text="pending or running.")
    requested_at = serializers.DateTimeField(source="analysis_requested_at", allow_null=True)


class OrganisationBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class TemplateBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    role = serializers.CharField()


class CandidateBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    external_id = serializers.CharField(allow_blank=True)


class MediaBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    original_name = serializers.CharField(allow_blank=True)
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()


class TurnSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="speaker", help_text="interviewer or candidate.")
    source = serializers.CharField(source="transport", help_text="vapi (the live call) or report (VAPI's end-of-call report).")

    class Meta:
        model = Turn
        fields = ["index", "role", "text", "question_id", "is_follow_up", "source", "created_at"]


class TemplateSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer()
    competencies = CompetencyInputSerializer(many=True)
    question_bank = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = AssessmentTemplate
        fields = [
            "id", "organisation", "name", "role", "job_description", "competencies", "question_bank",
            "max_questions", "is_active", "created_at", "updated_at",
        ]


# --- outputs: sessions (one family; listings pick their fields from it) ---------------------------


class SessionSerializer(serializers.ModelSerializer):
    """Every field a session can show. The detail view uses all of them; each listing version is a
    subclass naming the subset it returns (see sessions_app.listings)."""

    context = OtherContextSerializer(help_text="otherContext as given at creation.")
    target_role = serializers.CharField(source="context.target_role", default="")
    target_company = serializers.CharField(source="context.target_company", default="")
    status = serializers.ChoiceField(choices=Session.Status.choices, read_only=True)
    questions = serializers.SerializerMethodField()
    resume_attached = serializers.SerializerMethodField()
    media = MediaBriefSerializer(
        source="conversation.media", allow_null=True, help_text="Null when none was given or it was deleted since."
    )
    organisation = OrganisationBriefSerializer(allow_null=True)
    template = TemplateBriefSerializer(allow_null=True)
    candidate = CandidateBriefSerializer(allow_null=True)
    started_at = serializers.DateTimeField(source="conversation.started_at", allow_null=True)
    ended_at = serializers.DateTimeField(source="conversation.ended_at", allow_null=True)
    turn_count = serializers.IntegerField(source="conversation.turn_count", help_text="Transcript turns so far.")
    analysis_status = serializers.CharField(source="conversation.analysis_status", help_text=ANALYSIS_STATES)
    analysis_score = serializers.FloatField(source="conversation.analysis_score", allow_null=True)
    analysed_at = serializers.DateTimeField(source="conversation.analysed_at", allow_null=True)
    recommendation = serializers.CharField(allow_null=True, help_text="From the analysis, when there is one.")
    analysis = AnalysisStateSerializer(source="conversation")
    transcript = TurnSerializer(source="conversation.turns", many=True)

    class Meta:
        model = Session
        fields = [
            "id", "kind", "status", "assessment_area", "target_role", "target_company", "context", "questions",
            "resume_attached", "media", "organisation", "template", "candidate", "call_id", "call_status",
            "ended_reason", "recording_urls", "started_at", "ended_at", "duration_seconds", "credits_used",
            "turn_count", "analysis_status", "analysis_score", "recommendation", "analysed_at", "analysis",
            "transcript", "created_at", "updated_at",
        ]

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, session: Session) -> list[dict]:
        return questions(session.conversation)

    def get_resume_attached(self, session: Session) -> bool:
        """Whether a resume was copied in at creation (it survives the media's deletion)."""
        return bool(session.conversation.resume_text or session.conversation.resume)


class SessionDetailSerializer(SessionSerializer):
    """GET /session/get/{id}: everything, including the transcript."""

    turn_count = serializers.SerializerMethodField()
    recommendation = serializers.SerializerMethodField()

    class Meta(SessionSerializer.Meta):
        fields = [f for f in SessionSerializer.Meta.fields if f not in ("analysis_status", "analysis_score", "analysed_at")]

    def get_turn_count(self, session: Session) -> int:
        return len(session.conversation.turns.all())

    def get_recommendation(self, session: Session) -> str | None:
        return (session.conversation.analysis or {}).get("recommendation")
