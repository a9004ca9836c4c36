from django.contrib import admin, messages

from conversations.admin import ANALYSIS_FIELDS, CONVERSATION_FIELDS, ConversationFields
from interviews_app import services
from interviews_app.models import Interview
from juggy.errors import DomainError


@admin.register(Interview)
class InterviewAdmin(ConversationFields, admin.ModelAdmin):
    list_display = ["candidate", "room_name", "owner", "conversation_status", "end_reason", "messages",
                    "analysis_status", "overall_score", "created_at"]
    list_filter = ["conversation__status", "conversation__analysis_status", "conversation__end_reason", "created_at"]
    search_fields = ["id", "candidate_id", "candidate_name", "room_name", "owner__username", "owner__email"]
    list_select_related = ["owner", "conversation"]
    raw_id_fields = ["owner", "room"]
    date_hierarchy = "created_at"
    actions = ["end_interviews", "request_summaries"]
    readonly_fields = [
        "id", "end_reason", "agent_dispatch_id", "messages", "job_description", *CONVERSATION_FIELDS,
        *ANALYSIS_FIELDS, "created_at", "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["id", "owner", "candidate_id", "candidate_name", "room", "room_name"]}),
        ("Interview", {"fields": ["conversation_status", "end_reason", "agent_dispatch_id", "started_at", "ended_at",
                                  "messages", "job_description", "settings", "questions"]}),
        ("Transcript", {"fields": ["transcript"]}),
        ("Summary", {"fields": ANALYSIS_FIELDS}),
        ("Timestamps", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # Staff who are not superusers see the interviews they own, nobody else's.
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(owner=request.user)

    @admin.display(description="candidate", ordering="candidate_name")
    def candidate(self, interview):
        return interview.candidate_name or interview.candidate_id

    @admin.display(description="messages", ordering="conversation__turn_count")
    def messages(self, interview):
        return interview.conversation.turn_count

    @admin.display(description="end reason", ordering="conversation__end_reason")
    def end_reason(self, interview):
        return interview.conversation.get_end_reason_display()

    @admin.display(description="job description")
    def job_description(self, interview):
        return (interview.conversation.job or {}).get("job_description", "")

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
