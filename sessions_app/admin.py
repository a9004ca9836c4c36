"""Admin for recruiters: assessment templates, candidates and sessions with transcripts and scorecards.

A staff user who is a member of an organisation may use these pages without model permissions, and
sees only that organisation's rows; superusers see everything (also practice sessions).
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.http import StreamingHttpResponse
from django.utils import timezone

from conversations.admin import ANALYSIS_FIELDS, CONVERSATION_FIELDS, ConversationFields
from juggy.accounts.models import Organisation
from juggy.errors import DomainError
from sessions_app import selectors, services
from sessions_app.models import AssessmentTemplate, Candidate, Session
from sessions_app.serializers import CompetencyInputSerializer


def _organisation_ids(request) -> list:
    if not hasattr(request, "_juggy_org_ids"):
        request._juggy_org_ids = list(selectors.staff_organisations(request.user).values_list("organisation_id", flat=True))
    return request._juggy_org_ids


def _is_recruiter(request) -> bool:
    return request.user.is_active and request.user.is_staff and bool(_organisation_ids(request))


class OrganisationScopedAdmin(admin.ModelAdmin):
    """Rows and choices limited to the organisations of a non-superuser; recruiters need no model perms."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation_id__in=_organisation_ids(request))

    def _in_scope(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or obj.organisation_id in _organisation_ids(request)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or _is_recruiter(request)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj) or _is_recruiter(request)
        return allowed and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj) or _is_recruiter(request)
        return allowed and self._in_scope(request, obj)

    def has_add_permission(self, request):
        return super().has_add_permission(request) or _is_recruiter(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            scoped = {
                "organisation": Organisation.objects.filter(pk__in=_organisation_ids(request)),
                "template": selectors.template_visible_to(request.user).filter(is_active=True),
                "candidate": selectors.candidate_visible_to(request.user),
            }
            if db_field.name in scoped:
                kwargs["queryset"] = scoped[db_field.name]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganisationFilter(admin.SimpleListFilter):
    """The organisation filter offers only the organisations the user may see."""

    title = "organisation"
    parameter_name = "organisation"

    def lookups(self, request, model_admin):
        organisations = Organisation.objects.all()
        if not request.user.is_superuser:
            organisations = organisations.filter(pk__in=_organisation_ids(request))
        return [(str(o.pk), o.name) for o in organisations]

    def queryset(self, request, queryset):
        return queryset.filter(organisation_id=self.value()) if self.value() else queryset


# --- templates and candidates ---------------------------------------------------------------------


class TemplateForm(forms.ModelForm):
    class Meta:
        model = AssessmentTemplate
        fields = ["organisation", "name", "role", "job_description", "competencies", "question_bank", "max_questions", "is_active"]
        help_texts = {
            "competencies": '[{"key": "system_design", "name": "System design", "description": "...", '
            '"rubric": {"1": "...", "5": "..."}}]',
            "question_bank": '["First fixed question?", "Second?"] — empty lets the interviewer plan.',
        }

    def clean_competencies(self):
        value = self.cleaned_data["competencies"] or []
        serializer = CompetencyInputSerializer(data=value, many=True)
        if not isinstance(value, list) or not serializer.is_valid():
            raise forms.ValidationError(f"Invalid competencies: {getattr(serializer, '_errors', 'expected a list')}")
        return serializer.validated_data

    def clean_question_bank(self):
        value = self.cleaned_data["question_bank"] or []
        if not isinstance(value, list) or not all(isinstance(q, str) for q in value):
            raise forms.ValidationError("A list of questions (strings).")
        return [q.strip() for q in value if q.strip()]


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(OrganisationScopedAdmin):
    form = TemplateForm
    list_display = ["name", "organisation", "role", "is_active", "updated_at"]
    list_filter = [OrganisationFilter, "is_active"]
    search_fields = ["name", "role", "job_description"]
    list_select_related = ["organisation"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Candidate)
class CandidateAdmin(OrganisationScopedAdmin):
    list_display = ["name", "email", "external_id", "organisation", "created_at"]
    list_filter = [OrganisationFilter]
    search_fields = ["name", "email", "external_id"]
    list_select_related = ["organisation"]


# --- sessions -------------------------------------------------------------------------------------


class EnterpriseSessionForm(forms.ModelForm):
    """Adding a session in the admin: an enterprise assessment of a candidate against a template."""

    class Meta:
        model = Session
        fields = ["template", "candidate"]

    def clean(self):
        cleaned = super().clean()
        template, candidate = cleaned.get("template"), cleaned.get("candidate")
        if template is None or candidate is None:
            raise forms.ValidationError("Choose a template and a candidate.")
        if not template.is_active:
            raise forms.ValidationError("This template is archived.")
        if candidate.organisation_id != template.organisation_id:
            raise forms.ValidationError("The candidate belongs to another organisation than the template.")
        return cleaned


CSV_COLUMNS = [
    "id", "kind", "status", "organisation", "template", "candidate", "candidate_email", "owner", "created_at",
    "started_at", "ended_at", "duration_seconds", "credits_used", "analysis_status", "analysis_score",
    "recommendation",
]


class _Echo:
    def write(self, value):
        return value


@admin.register(Session)
class SessionAdmin(ConversationFields, OrganisationScopedAdmin):
    list_display = [
        "id", "kind", "conversation_status", "organisation", "template", "candidate", "user", "analysis_status",
        "overall_score", "created_at",
    ]
    list_filter = [
        "conversation__status", "kind", OrganisationFilter, "conversation__analysis_status",
        ("created_at", admin.DateFieldListFilter),
    ]
    date_hierarchy = "created_at"
    search_fields = ["id", "call_id", "assessment_area", "candidate__name", "candidate__email", "user__username", "template__name"]
    list_select_related = ["conversation", "organisation", "template", "candidate", "user"]
    actions = ["rerun_analysis", "export_csv"]
    readonly_fields = [
        "id", "user", "kind", "organisation", "template", "candidate", "assessment_area", "context",
        "call_id", "call_status", "ended_reason", "recording_urls", "duration_seconds", "credits_used",
        *CONVERSATION_FIELDS, *ANALYSIS_FIELDS, "created_at", "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["id", "user", "kind", "conversation_status", "organisation", "template", "candidate"]}),
        ("Context", {"fields": ["assessment_area", "context", "questions"]}),
        ("Call", {"fields": ["call_id", "call_status", "ended_reason", "recording_urls", "started_at", "ended_at",
                             "duration_seconds", "credits_used"]}),
        ("Transcript", {"fields": ["transcript"]}),
        ("Analysis", {"fields": ANALYSIS_FIELDS}),
        ("Timestamps", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = EnterpriseSessionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["template", "candidate"]})]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # Creation goes through the service, like the API: same rules, same defaults.
        session = services.session_create_enterprise(
            user=request.user, template=form.cleaned_data["template"], candidate=form.cleaned_data["candidate"]
        )
        obj.pk, obj.created_at = session.pk, session.created_at
        obj._state.adding = False

    @admin.action(description="Re-run the analysis of the selected sessions")
    def rerun_analysis(self, request, queryset):
        queued, skipped = 0, []
        for session in queryset:
            try:
                services.analysis_request(session=session, force=True)
                queued += 1
            except DomainError as exc:
                skipped.append(f"{session.pk}: {exc.message}")
        if queued:
            self.message_user(request, f"Analysis requested for {queued} session(s).", messages.SUCCESS)
        if skipped:
            self.message_user(request, "Skipped " + " ".join(skipped), messages.WARNING)

    @admin.action(description="Export the selected sessions as CSV")
    def export_csv(self, request, queryset):
        writer = csv.writer(_Echo())
        sessions = queryset.select_related("conversation", "organisation", "template", "candidate", "user").order_by(
            "-created_at"
        )

        def rows():
            yield writer.writerow(CSV_COLUMNS)
            for s in sessions.iterator(chunk_size=500):
                c = s.conversation
                yield writer.writerow([
                    s.pk, s.kind, s.status, s.organisation.name if s.organisation else "",
                    s.template.name if s.template else "", s.candidate.name if s.candidate else "",
                    s.candidate.email if s.candidate else "", s.user.username, s.created_at.isoformat(),
                    c.started_at.isoformat() if c.started_at else "", c.ended_at.isoformat() if c.ended_at else "",
                    s.duration_seconds if s.duration_seconds is not None else "", s.credits_used, c.analysis_status,
                    c.analysis_score if c.analysis_score is not None else "",
                    (c.analysis or {}).get("recommendation") or "",
                ])

        response = StreamingHttpResponse(rows(), content_type="text/csv")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="sessions-{stamp}.csv"'
        return response
