"""One rendering of a conversation in the admin: the transcript, the planned questions and the
scorecard. The session and interview admins both show their conversation through ConversationFields."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from conversations import services
from conversations.models import Conversation, Turn

# The read-only fields ConversationFields provides, for the admins' fieldsets.
CONVERSATION_FIELDS = ["conversation_status", "started_at", "ended_at", "questions", "transcript"]
ANALYSIS_FIELDS = ["analysis_status", "overall_score", "scorecard", "analysis_error", "analysed_at"]


def scorecard_html(analysis: dict | None):
    if not analysis:
        return "Not analysed yet."
    competencies = format_html_join(
        "",
        "<tr><td><strong>{}</strong></td><td>{}/5</td><td>{}<ul>{}</ul></td></tr>",
        (
            (
                c.get("name") or c.get("competency"),
                c.get("score"),
                c.get("rationale", ""),
                format_html_join(
                    "", "<li>&ldquo;{}&rdquo; <small>(turn {})</small></li>",
                    ((e.get("quote"), e.get("turn_index")) for e in c.get("evidence") or []),
                ),
            )
            for c in analysis.get("competencies") or []
        ),
    )
    score = analysis.get("overall_score")
    return format_html(
        "<p><strong>Overall:</strong> {} &middot; <strong>Recommendation:</strong> {}</p><p>{}</p>"
        "<p><strong>Strengths:</strong> {}</p><p><strong>To improve:</strong> {}</p>"
        "<table><tr><th>Competency</th><th>Score</th><th>Rationale and evidence</th></tr>{}</table>",
        f"{score:.1f} / 5" if score is not None else "not enough evidence",
        analysis.get("recommendation") or "—",
        analysis.get("summary", ""),
        "; ".join(analysis.get("strengths") or []) or "—",
        "; ".join(analysis.get("improvements") or []) or "—",
        competencies,
    )


def transcript_html(turns: list[Turn]):
    if not turns:
        return "Nothing said yet."
    return format_html(
        "<table><tr><th>#</th><th>Who</th><th>Said</th><th>Via</th></tr>{}</table>",
        format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td style="{}">{}</td><td>{}</td></tr>',
            (
                (t.index, t.get_speaker_display() + (" (follow-up)" if t.is_follow_up else ""),
                 "padding-left:2em" if t.is_follow_up else "", t.text, t.get_transport_display())
                for t in turns
            ),
        ),
    )


def questions_html(conversation: Conversation):
    rows = services.questions(conversation)
    if not rows:
        return "Planned at the first turn of the interview."
    return format_html("<ol>{}</ol>", format_html_join("", "<li>{} <small>({})</small></li>",
                                                        ((q["text"], q["competency"]) for q in rows)))


class ConversationFields:
    """Display fields of the conversation behind an admin's object (`obj.conversation`)."""

    @admin.display(description="Status", ordering="conversation__status")
    def conversation_status(self, obj):
        return obj.conversation.get_status_display()

    @admin.display(description="Started", ordering="conversation__started_at")
    def started_at(self, obj):
        return obj.conversation.started_at

    @admin.display(description="Ended", ordering="conversation__ended_at")
    def ended_at(self, obj):
        return obj.conversation.ended_at

    @admin.display(description="Questions")
    def questions(self, obj):
        return questions_html(obj.conversation)

    @admin.display(description="Transcript")
    def transcript(self, obj):
        return transcript_html(list(obj.conversation.turns.order_by("index")))

    @admin.display(description="Analysis", ordering="conversation__analysis_status")
    def analysis_status(self, obj):
        return obj.conversation.get_analysis_status_display()

    @admin.display(description="Score", ordering="conversation__analysis_score")
    def overall_score(self, obj):
        return obj.conversation.analysis_score

    @admin.display(description="Scorecard")
    def scorecard(self, obj):
        return scorecard_html(obj.conversation.analysis)

    @admin.display(description="Analysis error")
    def analysis_error(self, obj):
        return obj.conversation.analysis_error or "—"

    @admin.display(description="Analysed", ordering="conversation__analysed_at")
    def analysed_at(self, obj):
        return obj.conversation.analysed_at
