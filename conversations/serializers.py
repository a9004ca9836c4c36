"""The review blocks every analysis payload adds (`ai`, `reviewed`, `reviewStatus`): one definition for
the session and interview serializers (snake_case here, camelCase on the wire)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conversations import review as reviews
from conversations.models import Conversation, Review

REVIEW_STATES = (
    "not_reviewable (a practice interview), not_analysed, pending (waiting for a person), accepted or overridden."
)


class AiCompetencySerializer(serializers.Serializer):
    competency = serializers.CharField()
    name = serializers.CharField()
    score = serializers.IntegerField(min_value=1, max_value=5)


class AiAssessmentSerializer(serializers.Serializer):
    """The AI's values, as the analysis gives them."""

    overall_score = serializers.FloatField(allow_null=True)
    recommendation = serializers.CharField(allow_null=True)
    competencies = AiCompetencySerializer(many=True)


class ReviewedCompetencySerializer(AiCompetencySerializer):
    ai_score = serializers.IntegerField(help_text="The AI's score the reviewer saw.")
    overridden = serializers.BooleanField()


class ReviewedSerializer(serializers.Serializer):
    """A person's final say: their values with the AI's beside them."""

    decision = serializers.ChoiceField(choices=Review.Decision.values)
    overall_score = serializers.FloatField(allow_null=True, help_text="Mean of the reviewed competency scores.")
    recommendation = serializers.CharField()
    ai_recommendation = serializers.CharField(allow_null=True)
    competencies = ReviewedCompetencySerializer(many=True)
    reason = serializers.CharField(allow_blank=True)
    reviewer = serializers.CharField(allow_blank=True, help_text="The reviewer's username.")
    reviewed_at = serializers.DateTimeField()


class ReviewBlocksMixin(serializers.Serializer):
    """For serializers of a Conversation: `ai`, `reviewed` and `review_status`."""

    ai = serializers.SerializerMethodField(help_text="The AI's scores and recommendation (null before the analysis).")
    reviewed = serializers.SerializerMethodField(help_text="The human review, null until someone reviews.")
    review_status = serializers.SerializerMethodField(help_text=REVIEW_STATES)

    @extend_schema_field(AiAssessmentSerializer(allow_null=True))
    def get_ai(self, conversation: Conversation) -> dict | None:
        return reviews.ai_snapshot(conversation.analysis)

    @extend_schema_field(ReviewedSerializer(allow_null=True))
    def get_reviewed(self, conversation: Conversation) -> dict | None:
        block = reviews.reviewed_block(conversation)
        return ReviewedSerializer(block).data if block else None

    @extend_schema_field(serializers.ChoiceField(choices=reviews.ReviewStatus.ALL))
    def get_review_status(self, conversation: Conversation) -> str:
        return reviews.review_status(conversation)
