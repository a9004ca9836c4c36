from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html, format_html_join

from interviews_app import services
from interviews_app.models import Interview, InterviewMessage
from juggy.errors import ApiError


class InterviewMessageInline(admin.TabularInline):
    model = InterviewMessage
    extra = 0
    fields = ["index", "role", "text", "question_id", "is_follow_up", "source", "created_at"]
    readonly_fields = fields  # the transcript is a record: written by the services only
    can_delete = False
    ordering = ["index"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["candidate", "room_name", "owner", "status", "end_reason", "message_total", "summary_status", "score", "created_at"]
    list_filter = ["status", "summary_status", "end_reason", "created_at"]
    search_fields = ["id", "candidate_id", "candidate_name", "room_name", "owner__username", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "room", "media"]
    date_hierarchy = "created_at"
    inlines = [InterviewMessageInline]
    actions = ["end_interviews", "request_summaries"]
    readonly_fields = [
        "id", "status", "end_reason", "agent_dispatch_id", "started_at", "ended_at", "message_count",
        "summary_status", "summary_readable", "summary_error", "summary_requested_at", "summary_done_at",
        "plan", "state", "resume_text", "resume", "created_at", "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["id", "owner", "candidate_id", "candidate_name", "room", "room_name", "media"]}),
        ("Interview", {"fields": ["status", "end_reason", "agent_dispatch_id", "started_at", "ended_at",
                                  "message_count", "job_description", "settings"]}),
        ("Summary", {"fields": ["summary_status", "summary_readable", "summary_error", "summary_requested_at",
                                "summary_done_at"]}),
        ("Engine", {"classes": ["collapse"], "fields": ["plan", "state", "resume_text", "resume"]}),
        ("Timestamps", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # Staff who are not superusers see the interviews they own, nobody else's.
        qs = super().get_queryset(request).annotate(message_total=Count("messages"))
        return qs if request.user.is_superuser else qs.filter(owner=request.user)

    @admin.display(description="candidate", ordering="candidate_name")
    def candidate(self, interview):
        return interview.candidate_name or interview.candidate_id

    @admin.display(description="messages", ordering="message_total")
    def message_total(self, interview):
        return interview.message_total

    @admin.display(description="score")
    def score(self, interview):
        return (interview.summary or {}).get("overall_score")

    @admin.display(description="summary")
    def summary_readable(self, interview):
        summary = interview.summary
        if not summary:
            return "-"
        def items(values):
            return format_html_join("", "<li>{}</li>", ((v,) for v in values)) or "-"
        competencies = format_html_join(
            "", "<li><strong>{}</strong>: {}/5 — {}</li>",
            ((c.get("name") or c.get("competency"), c.get("score"), c.get("rationale")) for c in summary.get("competencies") or []),
        )
        return format_html(
            "<p>{}</p><p><strong>Overall:</strong> {} &nbsp; <strong>Recommendation:</strong> {}</p>"
            "<p><strong>Strengths</strong></p><ul>{}</ul><p><strong>To improve</strong></p><ul>{}</ul>"
            "<p><strong>Competencies</strong></p><ul>{}</ul>",
            summary.get("summary", ""),
            summary.get("overall_score") if summary.get("overall_score") is not None else "not enough to judge",
            summary.get("recommendation") or "-",
            items(summary.get("strengths") or []),
            items(summary.get("improvements") or []),
            competencies or "-",
        )

    @admin.action(description="End the selected interviews")
    def end_interviews(self, request, queryset):
        ended = 0
        for interview in queryset.filter(status__in=[Interview.Status.CREATED, Interview.Status.IN_PROGRESS]):
            try:
                services.interview_end(interview=interview)
                ended += 1
            except ApiError as exc:
                self.message_user(request, f"{interview}: {exc.message}", messages.WARNING)
        self.message_user(request, f"Ended {ended} interview(s).")

    @admin.action(description="Make (or retry) the AI summary of the selected interviews")
    def request_summaries(self, request, queryset):
        queued = 0
        for interview in queryset.filter(status=Interview.Status.ENDED):
            services.interview_summary_request(interview=interview)
            queued += 1
        self.message_user(request, f"Summary requested for {queued} ended interview(s).")
