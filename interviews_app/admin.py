from django.contrib import admin, messages
from unfold.admin import ModelAdmin

from backoffice import services as backoffice
from backoffice.admin_review import (
    DateRangeFilter,
    RecommendationFilter,
    ReviewAdminMixin,
    ReviewStateFilter,
    csv_response,
    review_columns,
)
from conversations.admin import ANALYSIS_FIELDS, ConversationFields
from interviews_app import candidate_page, services
from interviews_app.models import Interview
from juggy.errors import DomainError

CSV_COLUMNS = [
    "id", "candidate", "candidate_id", "role", "company", "room", "owner", "status", "end_reason", "created_at",
    "started_at", "ended_at", "duration_seconds", "messages", "analysis_status", "analysis_score", "recommendation",
    "review_state", "reviewed_recommendation", "reviewed_score", "reviewer",
]


def _duration(interview: Interview) -> float | None:
    c = interview.conversation
    return (c.ended_at - c.started_at).total_seconds() if c.started_at and c.ended_at else None


@admin.register(Interview)
class InterviewAdmin(ReviewAdminMixin, ConversationFields, ModelAdmin):
    list_display = ["candidate", "role", "company", "conversation_status", "created_at", "duration", "messages",
                    "overall_score", "recommendation", "review_state"]
    list_filter = ["conversation__status", RecommendationFilter, ReviewStateFilter, "conversation__end_reason",
                   ("created_at", DateRangeFilter)]
    list_filter_submit = True
    search_fields = ["id", "candidate_id", "candidate_name", "room_name", "owner__username", "owner__email",
                     "settings__target_role", "settings__target_company"]
    list_select_related = ["owner", "conversation", "conversation__review"]
    raw_id_fields = ["owner", "room"]
    date_hierarchy = "created_at"
    actions = ["end_interviews", "request_summaries", "export_csv"]
    readonly_fields = [
        "id", "candidate_link", "end_reason", "agent_dispatch_id", "messages", "conversation_status", "started_at", "ended_at",
        "questions", "transcript", "job_context", "resume", *ANALYSIS_FIELDS, "created_at", "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["id", "owner", "candidate_id", "candidate_name", "candidate_link", "room", "room_name"]}),
        ("Scorecard", {"fields": ["overall_score", "scorecard"]}),
        ("Human review", {"fields": ["review"]}),
        ("Transcript", {"fields": ["transcript"]}),
        ("Job", {"fields": ["job_context", "questions"]}),
        ("Resume", {"fields": ["resume"]}),
        ("Interview", {"fields": ["conversation_status", "end_reason", "agent_dispatch_id", "started_at", "ended_at",
                                  "messages", "settings"]}),
        ("Analysis job", {"fields": ["analysis_status", "analysis_error", "analysed_at"], "classes": ["collapse"]}),
        ("Timestamps", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description="candidate link")
    def candidate_link(self, interview):
        return candidate_page.candidate_link_html(interview)

    def get_queryset(self, request):
        # Staff who are not superusers see the interviews they own, nobody else's.
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(owner=request.user)

    def given_context(self, obj) -> dict:
        return obj.settings or {}

    @admin.display(description="Candidate", ordering="candidate_name")
    def candidate(self, interview):
        return interview.candidate_name or interview.candidate_id

    @admin.display(description="Role")
    def role(self, interview):
        job = interview.conversation.job or {}
        return job.get("target_role") or job.get("assessment_area") or "—"

    @admin.display(description="Company")
    def company(self, interview):
        return (interview.conversation.job or {}).get("target_company") or "—"

    @admin.display(description="Duration")
    def duration(self, interview):
        seconds = _duration(interview)
        return f"{int(seconds // 60)} min {int(seconds % 60):02d} s" if seconds is not None else "—"

    @admin.display(description="Messages", ordering="conversation__turn_count")
    def messages(self, interview):
        return interview.conversation.turn_count

    @admin.display(description="End reason", ordering="conversation__end_reason")
    def end_reason(self, interview):
        return interview.conversation.get_end_reason_display()

    @admin.action(description="End the selected interviews")
    def end_interviews(self, request, queryset):
        ended = 0
        for interview in queryset.filter(conversation__status__in=[Interview.Status.CREATED, Interview.Status.IN_PROGRESS]):
            try:
                services.interview_end(interview=interview)
                ended += 1
            except DomainError as exc:
                self.message_user(request, f"{interview}: {exc.message}", messages.WARNING)
        self.message_user(request, f"Ended {ended} interview(s).")

    @admin.action(description="Make (or retry) the AI summary of the selected interviews")
    def request_summaries(self, request, queryset):
        queued = 0
        for interview in queryset.filter(conversation__status__in=[Interview.Status.ENDED, Interview.Status.FAILED]):
            services.interview_summary_request(interview=interview)
            queued += 1
        self.message_user(request, f"Summary requested for {queued} finished interview(s).")

    @admin.action(description="Export the selected interviews as CSV")
    def export_csv(self, request, queryset):
        interviews = list(queryset.select_related("conversation", "conversation__review", "owner").order_by("-created_at"))
        backoffice.audit_export(user=request.user, object_type="live interview", ids=[i.pk for i in interviews],
                                organisation_ids_=[])

        def rows():
            for i in interviews:
                c, job = i.conversation, i.conversation.job or {}
                duration = _duration(i)
                yield [
                    i.pk, i.candidate_name, i.candidate_id, job.get("target_role", ""), job.get("target_company", ""),
                    i.room_name, i.owner.username, c.status, c.end_reason, i.created_at.isoformat(),
                    c.started_at.isoformat() if c.started_at else "", c.ended_at.isoformat() if c.ended_at else "",
                    duration if duration is not None else "", c.turn_count, c.analysis_status,
                    c.analysis_score if c.analysis_score is not None else "",
                    (c.analysis or {}).get("recommendation") or "", *review_columns(c),
                ]

        return csv_response(filename="interviews", header=CSV_COLUMNS, rows=rows())
