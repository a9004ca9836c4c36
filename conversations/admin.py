"""One rendering of a conversation in the admin, used by the session and interview admins alike: the
context and the structured resume as sections, the transcript as a conversation (questions marked,
follow-ups indented, each turn addressable as #turn-<index>), the scorecard whose evidence quotes link to
their turns, the human review beside the AI's values, and the recordings as players.

The styles are in backoffice/static/backoffice/admin.css; admin.js highlights the turn a quote links to.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from conversations import review as reviews
from conversations import services
from conversations.models import Conversation, Turn
from media_app.admin import facts_html, join_html, list_html, paragraphs_html, resume_html, section_html

# The read-only fields ConversationFields provides, for the admins' fieldsets.
CONVERSATION_FIELDS = ["conversation_status", "started_at", "ended_at", "questions", "transcript", "job_context",
                       "resume"]
ANALYSIS_FIELDS = ["analysis_status", "overall_score", "scorecard", "review", "analysis_error", "analysed_at"]

RECOMMENDATION_LABELS = dict(reviews.Review.Recommendation.choices)
REVIEW_LABELS = {
    reviews.ReviewStatus.NOT_REVIEWABLE: "Practice (not reviewed)",
    reviews.ReviewStatus.NOT_ANALYSED: "Not analysed",
    reviews.ReviewStatus.PENDING: "Waiting for review",
    reviews.ReviewStatus.ACCEPTED: "Accepted",
    reviews.ReviewStatus.OVERRIDDEN: "Overridden",
}


def recommendation_label(value: str | None) -> str:
    return RECOMMENDATION_LABELS.get(value or "", (value or "").replace("_", " ").capitalize() or "—")


# --- context and resume -----------------------------------------------------------------------------


def context_html(conversation: Conversation, *, given: dict | None = None):
    """The job the interview was about, as the interviewer saw it, and what the API was given."""
    job = conversation.job or {}
    given = given or {}
    parts = [
        facts_html([
            ("Role", job.get("target_role") or given.get("target_role")),
            ("Company", job.get("target_company") or given.get("target_company")),
            ("Assessment area", job.get("assessment_area")),
            ("Mode", "Assessment" if job.get("mode") == "enterprise" else "Practice"),
            ("Current role", job.get("current_role") or given.get("current_role")),
            ("Current company", job.get("current_company") or given.get("current_company")),
            ("Experience", job.get("experience") or given.get("total_work_experience")),
            ("Job description link", given.get("job_description_link")),
        ])
    ]
    if job.get("job_description"):
        parts.append(section_html("Job description", format_html('<div class="jg-prose">{}</div>',
                                                             paragraphs_html(job["job_description"]))))
    competencies = job.get("competencies") or []
    if competencies:
        rows = format_html_join(
            "", '<li><strong>{}</strong>{}{}</li>',
            (
                (c.get("name") or c.get("key"),
                 format_html(" — {}", c["description"]) if c.get("description") else "",
                 format_html('<ul class="jg-rubric">{}</ul>', format_html_join(
                     "", "<li><span class=\"jg-badge\">{}</span> {}</li>",
                     sorted((str(k), v) for k, v in (c.get("rubric") or {}).items()),
                 )) if c.get("rubric") else "")
                for c in competencies
            ),
        )
        parts.append(section_html("Competencies", format_html('<ul class="jg-competencies">{}</ul>', rows)))
    if job.get("fixed_questions"):
        parts.append(section_html("Fixed questions", format_html("<ol>{}</ol>", format_html_join(
            "", "<li>{}</li>", ((q,) for q in job["fixed_questions"])))))
    if conversation.erased_at:
        parts.append(format_html('<p class="jg-erased">Candidate data erased on {}.</p>', f"{conversation.erased_at:%Y-%m-%d}"))
    return format_html('<div class="jg-context">{}</div>', join_html(parts))


# --- transcript -------------------------------------------------------------------------------------


def transcript_html(turns: list[Turn], plan_questions: list[dict] | None = None):
    """The conversation: the interviewer's questions marked with their number and competency, follow-ups
    and the answers to them indented. Each turn is #turn-<index>, the target of evidence links."""
    if not turns:
        return "Nothing said yet."
    position = {q["id"]: (n, q.get("competency") or "") for n, q in enumerate(plan_questions or [], start=1)}
    rows, in_follow_up = [], False
    for t in turns:
        interviewer = t.speaker == Turn.Speaker.INTERVIEWER
        marker = ""
        if interviewer:
            in_follow_up = t.is_follow_up
            if t.is_follow_up:
                marker = format_html('<span class="jg-mark jg-mark-follow">Follow-up</span>')
            elif t.question_id in position:
                number, competency = position[t.question_id]
                marker = format_html('<span class="jg-mark jg-mark-question">Question {}</span>{}', number,
                                     format_html(' <span class="jg-competency">{}</span>', competency) if competency else "")
        classes = ["jg-turn", "jg-interviewer" if interviewer else "jg-candidate"]
        if in_follow_up:
            classes.append("jg-follow-up")
        confidence = (format_html(' <span class="jg-meta">heard with {:.0%} confidence</span>', t.confidence)
                      if t.confidence is not None else "")
        rows.append(format_html(
            '<li id="turn-{}" class="{}" data-turn="{}"><div class="jg-who">{} {}<a class="jg-anchor" href="#turn-{}">#{}</a>{}'
            '</div><div class="jg-said">{}</div></li>',
            t.index, " ".join(classes), t.index, "Interviewer" if interviewer else "Candidate", marker, t.index, t.index,
            confidence, t.text,
        ))
    return format_html('<ol class="jg-transcript">{}</ol>', join_html(rows))


def questions_html(conversation: Conversation):
    rows = services.questions(conversation)
    if not rows:
        return "Planned at the first turn of the interview."
    return format_html('<ol class="jg-questions">{}</ol>', format_html_join(
        "", '<li>{} <span class="jg-competency">{}</span></li>', ((q["text"], q["competency"]) for q in rows)))


# --- scorecard and review ---------------------------------------------------------------------------


def _score(value) -> str:
    return f"{value:.1f} / 5" if isinstance(value, int | float) else "not enough evidence"


def scorecard_html(analysis: dict | None, review: dict | None = None):
    """Overall score and recommendation (the reviewer's beside the AI's), the summary, then a card per
    competency: score, rationale, and evidence quotes that link to their turns."""
    if not analysis:
        return "Not analysed yet."
    reviewed = {c["competency"]: c for c in (review or {}).get("competencies") or []}
    cards = []
    for c in analysis.get("competencies") or []:
        key = c.get("competency")
        human = reviewed.get(key)
        score = format_html('<span class="jg-score">{}/5</span>', c.get("score"))
        if human and human["overridden"]:
            score = format_html('<span class="jg-score jg-human">{}/5</span> <span class="jg-ai">AI {}/5</span>',
                                human["score"], c.get("score"))
        quotes = format_html_join(
            "", '<li><a class="jg-evidence" href="#turn-{}" data-turn="{}">&ldquo;{}&rdquo;</a> '
                '<span class="jg-meta">turn {}</span></li>',
            ((e.get("turn_index"), e.get("turn_index"), e.get("quote"), e.get("turn_index")) for e in c.get("evidence") or []),
        )
        cards.append(format_html(
            '<article class="jg-card"><header><strong>{}</strong> {}</header><p>{}</p><ul class="jg-quotes">{}</ul></article>',
            c.get("name") or key, score, c.get("rationale", ""), quotes,
        ))
    recommendation = format_html("<strong>{}</strong>", recommendation_label(analysis.get("recommendation")))
    overall = format_html("<strong>{}</strong>", _score(analysis.get("overall_score")))
    if review:
        recommendation = format_html('<strong class="jg-human">{}</strong> <span class="jg-ai">AI: {}</span>',
                                     recommendation_label(review["recommendation"]),
                                     recommendation_label(analysis.get("recommendation")))
        if review["decision"] == reviews.Review.Decision.OVERRIDDEN:
            overall = format_html('<strong class="jg-human">{}</strong> <span class="jg-ai">AI: {}</span>',
                                  _score(review["overall_score"]), _score(analysis.get("overall_score")))
    return format_html(
        '<div class="jg-scorecard"><p class="jg-headline">Overall {} &middot; Recommendation: {}</p>'
        '<p class="jg-raw-recommendation" hidden>{}</p>{}<div class="jg-pair">{}{}</div><div class="jg-cards">{}</div></div>',
        overall, recommendation, analysis.get("recommendation") or "",
        format_html('<p class="jg-warning">Not enough of the interview was answered for a reliable assessment.</p>')
        if not analysis.get("sufficient", True) else "",
        section_html("Summary", paragraphs_html(analysis.get("summary", ""))),
        format_html("{}{}", section_html("Strengths", list_html(analysis.get("strengths"))),
                    section_html("To improve", list_html(analysis.get("improvements")))),
        join_html(cards),
    )


def review_html(conversation: Conversation, review_url: str | None):
    """The review state; the reviewer's reason; a link to the review form for those who may review."""
    blocks = reviews.review_blocks(conversation)
    status, reviewed = blocks["review_status"], blocks["reviewed"]
    parts = [format_html('<span class="jg-review-state jg-review-{}">{}</span>', status, REVIEW_LABELS[status])]
    if reviewed:
        parts.append(format_html(' by <strong>{}</strong> on {}', reviewed["reviewer"] or "a deleted user",
                                 f"{reviewed['reviewed_at']:%Y-%m-%d %H:%M}"))
        if reviewed["reason"]:
            parts.append(format_html('<blockquote class="jg-reason">{}</blockquote>', reviewed["reason"]))
    if review_url:
        label = "Change the review" if reviewed else "Review this scorecard"
        parts.append(format_html(' <a class="jg-button" href="{}">{}</a>', review_url, label))
    return format_html('<div class="jg-review">{}</div>', join_html(parts))


def recordings_html(urls: dict | None):
    """VAPI's recording URLs as players (mono, stereo, video...)."""
    items = [(kind, url) for kind, url in (urls or {}).items() if isinstance(url, str) and url.startswith(("http://", "https://"))]
    if not items:
        return "No recording."
    return format_html_join(
        "", '<figure class="jg-recording"><figcaption>{}</figcaption><audio controls preload="none" src="{}"></audio>'
            '<a href="{}" rel="noreferrer" target="_blank">open</a></figure>',
        ((kind.replace("_", " ").replace("Url", "").strip() or "recording", url, url) for kind, url in items),
    )


class ConversationFields:
    """Display fields of the conversation behind an admin's object (`obj.conversation`).

    The admin using it provides `review_url(obj)` (or None when the viewer may not review) and, for
    the context, `given_context(obj)` (what the API was given, if anything)."""

    def review_url(self, obj) -> str | None:
        return None

    def given_context(self, obj) -> dict:
        return {}

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

    @admin.display(description="Job")
    def job_context(self, obj):
        return context_html(obj.conversation, given=self.given_context(obj))

    @admin.display(description="Resume")
    def resume(self, obj):
        return resume_html(obj.conversation.resume, obj.conversation.resume_text)

    @admin.display(description="Transcript")
    def transcript(self, obj):
        return transcript_html(list(obj.conversation.turns.order_by("index")), services.questions(obj.conversation))

    @admin.display(description="Analysis", ordering="conversation__analysis_status")
    def analysis_status(self, obj):
        return obj.conversation.get_analysis_status_display()

    @admin.display(description="Score", ordering="conversation__analysis_score")
    def overall_score(self, obj):
        score = obj.conversation.analysis_score
        return f"{score:.1f}" if score is not None else "—"

    @admin.display(description="Scorecard")
    def scorecard(self, obj):
        return scorecard_html(obj.conversation.analysis, reviews.reviewed_block(obj.conversation))

    @admin.display(description="Human review")
    def review(self, obj):
        return review_html(obj.conversation, self.review_url(obj))

    @admin.display(description="Analysis error")
    def analysis_error(self, obj):
        return obj.conversation.analysis_error or "—"

    @admin.display(description="Analysed", ordering="conversation__analysed_at")
    def analysed_at(self, obj):
        return obj.conversation.analysed_at

    # List columns.

    @admin.display(description="Recommendation")
    def recommendation(self, obj):
        """The reviewer's recommendation when there is one, else the AI's."""
        review = reviews.review_of(obj.conversation)
        value = review.recommendation if review else (obj.conversation.analysis or {}).get("recommendation")
        return recommendation_label(value) if value else "—"

    @admin.display(description="Review")
    def review_state(self, obj):
        status = reviews.review_status(obj.conversation)
        return format_html('<span class="jg-review-state jg-review-{}">{}</span>', status, REVIEW_LABELS[status])

