"""Human review of a conversation's analysis: the reviewer accepts the AI's assessment or overrides
competency scores and the recommendation, with a reason. The AI's analysis is never changed.

Who may review is the caller's rule (backoffice.services.review_conversation knows organisations and
transports); this module keeps what a review is, and the `ai` / `reviewed` / `reviewStatus` blocks every
analysis payload shows.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from conversations.models import Conversation, Review
from juggy.errors import BadRequest, Conflict

RECOMMENDATIONS = Review.Recommendation.values


class ReviewStatus:
    NOT_REVIEWABLE = "not_reviewable"  # a practice conversation: nobody else judges it
    NOT_ANALYSED = "not_analysed"  # nothing to review yet
    PENDING = "pending"  # analysed, waiting for a person
    ACCEPTED = Review.Decision.ACCEPTED
    OVERRIDDEN = Review.Decision.OVERRIDDEN

    ALL = (NOT_REVIEWABLE, NOT_ANALYSED, PENDING, ACCEPTED, OVERRIDDEN)


def is_reviewable(conversation: Conversation) -> bool:
    """Only assessments are reviewed: a practice conversation is the practising user's own."""
    return (conversation.job or {}).get("mode") == "enterprise"


def review_of(conversation: Conversation) -> Review | None:
    try:
        return conversation.review
    except Review.DoesNotExist:
        return None


def review_status(conversation: Conversation) -> str:
    if not is_reviewable(conversation):
        return ReviewStatus.NOT_REVIEWABLE
    review = review_of(conversation)
    if review is not None:
        return review.decision
    return ReviewStatus.PENDING if conversation.analysis else ReviewStatus.NOT_ANALYSED


def ai_snapshot(analysis: dict[str, Any] | None) -> dict[str, Any] | None:
    """The AI's values a review is about: overall score, recommendation, score per competency."""
    if not analysis:
        return None
    return {
        "overall_score": analysis.get("overall_score"),
        "recommendation": analysis.get("recommendation"),
        "competencies": [
            {"competency": c.get("competency"), "name": c.get("name") or c.get("competency"), "score": c.get("score")}
            for c in analysis.get("competencies") or []
        ],
    }


def reviewed_block(conversation: Conversation) -> dict[str, Any] | None:
    """The human values, each competency with the AI's score beside it (from the reviewed snapshot)."""
    review = review_of(conversation)
    if review is None:
        return None
    ai = review.ai_snapshot or {}
    return {
        "decision": review.decision,
        "overall_score": review.overall_score,
        "recommendation": review.recommendation,
        "ai_recommendation": ai.get("recommendation"),
        "competencies": [
            {
                "competency": c["competency"],
                "name": c["name"],
                "score": review.competency_scores.get(c["competency"], c["score"]),
                "ai_score": c["score"],
                "overridden": c["competency"] in review.competency_scores,
            }
            for c in ai.get("competencies") or []
        ],
        "reason": review.reason,
        "reviewer": review.reviewer_name,
        "reviewed_at": review.reviewed_at,
    }


def review_blocks(conversation: Conversation) -> dict[str, Any]:
    """What an analysis payload adds: `ai`, `reviewed` and `review_status` (camelCase on the wire)."""
    return {
        "ai": ai_snapshot(conversation.analysis),
        "reviewed": reviewed_block(conversation),
        "review_status": review_status(conversation),
    }


def review_submit(
    *,
    conversation: Conversation,
    reviewer,
    decision: str,
    competency_scores: dict[str, int] | None = None,
    recommendation: str | None = None,
    reason: str = "",
) -> Review:
    """Record a person's final say. Accepting keeps the AI's values; overriding changes at least one
    competency score or the recommendation and needs a reason. A later review replaces this one."""
    if not is_reviewable(conversation):
        raise Conflict("A practice interview is not reviewed.", code="not_reviewable")
    if not conversation.analysis:
        raise Conflict("There is no analysis to review yet.", code="not_analysed")
    snapshot = ai_snapshot(conversation.analysis)
    ai_scores = {c["competency"]: c["score"] for c in snapshot["competencies"]}
    reason = (reason or "").strip()
    changed: dict[str, int] = {}

    if decision == Review.Decision.ACCEPTED:
        final_recommendation = snapshot["recommendation"]
        if not final_recommendation:
            raise Conflict(
                "The AI made no recommendation (not enough evidence): override it with your own.",
                code="nothing_to_accept",
            )
    elif decision == Review.Decision.OVERRIDDEN:
        errors: dict[str, list[str]] = {}
        for key, score in (competency_scores or {}).items():
            if key not in ai_scores:
                errors.setdefault("competencyScores", []).append(f"Unknown competency '{key}'.")
            elif not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
                errors.setdefault("competencyScores", []).append(f"'{key}': a whole score from 1 to 5.")
            elif score != ai_scores[key]:
                changed[key] = score
        final_recommendation = recommendation or snapshot["recommendation"]
        if final_recommendation not in RECOMMENDATIONS:
            errors["recommendation"] = [f"One of: {', '.join(RECOMMENDATIONS)}."]
        if not reason:
            errors["reason"] = ["Say why you override the AI's assessment."]
        if not errors and not changed and final_recommendation == snapshot["recommendation"]:
            errors["nonFieldErrors"] = ["Nothing differs from the AI's assessment: accept it instead."]
        if errors:
            message = next(iter(errors.values()))[0]
            raise BadRequest(message, code="invalid_review", details=errors)
    else:
        raise BadRequest("decision is accepted or overridden.", code="invalid_review",
                         details={"decision": [f"One of: {', '.join(Review.Decision.values)}."]})

    final = [changed.get(key, score) for key, score in ai_scores.items() if score is not None]
    overall = round(sum(final) / len(final), 2) if final else snapshot["overall_score"]
    with transaction.atomic():
        review, _ = Review.objects.update_or_create(
            conversation=conversation,
            defaults={
                "decision": decision, "competency_scores": changed, "recommendation": final_recommendation,
                "overall_score": overall, "reason": reason, "ai_snapshot": snapshot, "reviewer": reviewer,
                "reviewer_name": getattr(reviewer, "username", "") or "", "reviewed_at": timezone.now(),
            },
        )
    conversation.review = review
    return review
