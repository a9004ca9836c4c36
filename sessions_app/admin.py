"""Admin for recruiters: assessment templates, candidates and voice interviews with transcripts,
scorecards and human review.

A staff user who is a member of an organisation may use these pages without model permissions, and
sees only that organisation's rows; superusers see everything (also practice sessions). Roles: every
member (recruiter or admin) reads, reviews and exports; organisation admins also manage templates and
erase candidates' data.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
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
from conversations.admin import ANALYSIS_FIELDS, ConversationFields, recordings_html
from juggy.accounts.models import Membership, Organisation
from juggy.errors import DomainError
from sessions_app import selectors, services
from sessions_app.models import AssessmentTemplate, Candidate, Session
from sessions_app.serializers import CompetencyInputSerializer


def _organisation_ids(request, role: str | None = None) -> list:
    attr = f"_juggy_org_ids_{role or 'any'}"
    if not hasattr(request, attr):
        setattr(request, attr, backoffice.organisation_ids(request.user, role=role))
    return getattr(request, attr)


def _is_recruiter(request) -> bool:
    return request.user.is_active and request.user.is_staff and bool(_organisation_ids(request))


class OrganisationScopedAdmin(ModelAdmin):
    """Rows and choices limited to the organisations of a non-superuser; members need no model perms.
    `manage_role` set to an organisation role restricts adding and changing to members of that role."""

    manage_role: str | None = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation_id__in=_organisation_ids(request))

    def _in_scope(self, request, obj, role: str | None = None) -> bool:
        if request.user.is_superuser:
            return True
        scope = _organisation_ids(request, role)
        return bool(scope) if obj is None else obj.organisation_id in scope

    def has_module_permission(self, request):
        return super().has_module_permission(request) or _is_recruiter(request)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj) or _is_recruiter(request)
        return allowed and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj) or _is_recruiter(request)
        return allowed and self._in_scope(request, obj, self.manage_role)

    def has_add_permission(self, request):
        allowed = super().has_add_permission(request) or _is_recruiter(request)
        return allowed and self._in_scope(request, None, self.manage_role)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            scoped = {
                "organisation": Organisation.objects.filter(pk__in=_organisation_ids(request, self.manage_role)),
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


class RoleFilter(admin.SimpleListFilter):
    """The assessment template (role) of an enterprise interview, among those the user may see."""

    title = "role"
    parameter_name = "template"

    def lookups(self, request, model_admin):
        templates = AssessmentTemplate.objects.all()
        if not request.user.is_superuser:
            templates = templates.filter(organisation_id__in=_organisation_ids(request))
        return [(str(t.pk), f"{t.role} ({t.name})") for t in templates]

    def queryset(self, request, queryset):
        return queryset.filter(template_id=self.value()) if self.value() else queryset


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Session.Status.choices

    def queryset(self, request, queryset):
        from sessions_app.models import session_status_q

        return queryset.filter(session_status_q(self.value())) if self.value() in Session.Status.values else queryset


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
    """Organisation admins manage templates; recruiters read them."""

    form = TemplateForm
    manage_role = Membership.Role.ADMIN
    list_display = ["name", "role", "organisation", "is_active", "updated_at"]
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
    actions = ["erase"]

    @admin.action(description="Erase the selected candidates' data (organisation admins)")
    def erase(self, request, queryset):
        queued, refused = [], []
        for candidate in queryset:
            try:
                erasure = backoffice.erasure_request(candidate=candidate, user=request.user)
            except DomainError as exc:
                refused.append(f"{candidate}: {exc.message}")
            else:
                erasure.refresh_from_db()
                queued.append(erasure.get_status_display().lower())
        if queued:
            self.message_user(request, f"Erasure of {len(queued)} candidate(s): {', '.join(queued)}. "
                              "Follow it under Audit and erasure > Erasures.", messages.SUCCESS)
        if refused:
            self.message_user(request, " ".join(refused), messages.ERROR)


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
    "id", "kind", "status", "organisation", "template", "role", "company", "candidate", "candidate_email", "owner",
    "created_at", "started_at", "ended_at", "duration_seconds", "credits_used", "analysis_status", "analysis_score",
    "recommendation", "review_state", "reviewed_recommendation", "reviewed_score", "reviewer",
]


def _duration(session: Session) -> float | None:
    if session.duration_seconds is not None:
        return session.duration_seconds
    c = session.conversation
    return (c.ended_at - c.started_at).total_seconds() if c.started_at and c.ended_at else None


def _role(session: Session) -> str:
    context = session.context or {}
    return (session.template.role if session.template_id else "") or context.get("target_role") or session.assessment_area


def _company(session: Session) -> str:
    if session.organisation_id:
        return session.organisation.name
    return (session.context or {}).get("target_company", "")


@admin.register(Session)
class SessionAdmin(ReviewAdminMixin, ConversationFields, OrganisationScopedAdmin):
    list_display = [
        "candidate_column", "role", "company", "kind_column", "status_column", "created_at", "duration", "overall_score",
        "recommendation", "review_state",
    ]
    list_display_links = ["candidate_column"]
    list_filter = [
        StatusFilter, "kind", RoleFilter, RecommendationFilter, ReviewStateFilter, OrganisationFilter,
        ("created_at", DateRangeFilter),
    ]
    list_filter_submit = True
    date_hierarchy = "created_at"
    search_fields = [
        "id", "call_id", "assessment_area", "candidate__name", "candidate__email", "user__username", "user__email",
        "template__name", "template__role", "organisation__name", "context__target_role", "context__target_company",
    ]
    list_select_related = ["conversation", "conversation__review", "organisation", "template", "candidate", "user"]
    actions = ["rerun_analysis", "export_csv"]
    readonly_fields = [
        "id", "user", "kind", "organisation", "template", "candidate", "assessment_area", "call_id", "call_status",
        "ended_reason", "recordings", "duration_seconds", "credits_used", "conversation_status", "started_at",
        "ended_at", "questions", "transcript", "job_context", "resume", *ANALYSIS_FIELDS, "created_at", "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["id", "candidate", "kind", "conversation_status", "organisation", "template", "user"]}),
        ("Scorecard", {"fields": ["overall_score", "scorecard"]}),
        ("Human review", {"fields": ["review"]}),
        ("Transcript", {"fields": ["transcript"]}),
        ("Job", {"fields": ["assessment_area", "job_context", "questions"]}),
        ("Resume", {"fields": ["resume"]}),
        ("Call", {"fields": ["call_id", "call_status", "ended_reason", "recordings", "started_at", "ended_at",
                             "duration_seconds", "credits_used"]}),
        ("Analysis job", {"fields": ["analysis_status", "analysis_error", "analysed_at"], "classes": ["collapse"]}),
        ("Timestamps", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def given_context(self, obj) -> dict:
        return obj.context or {}

    def has_change_permission(self, request, obj=None):
        # A session's page is a document: nothing on it is edited by hand (reviews have their own page).
        return obj is None and super().has_change_permission(request, obj)

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

    # Columns.

    @admin.display(description="Candidate", ordering="candidate__name")
    def candidate_column(self, session):
        if session.candidate_id:
            return session.candidate.name
        return format_html('{} <span class="jg-meta">practice</span>', session.user.get_full_name() or session.user.username)

    @admin.display(description="Role", ordering="template__role")
    def role(self, session):
        return _role(session) or "—"

    @admin.display(description="Company")
    def company(self, session):
        return _company(session) or "—"

    @admin.display(description="Kind", ordering="kind")
    def kind_column(self, session):
        return "Assessment" if session.kind == Session.Kind.ENTERPRISE else "Practice"

    @admin.display(description="Status", ordering="conversation__status")
    def status_column(self, session):
        return Session.Status(session.status).label

    @admin.display(description="Duration")
    def duration(self, session):
        seconds = _duration(session)
        return f"{int(seconds // 60)} min {int(seconds % 60):02d} s" if seconds is not None else "—"

    @admin.display(description="Recordings")
    def recordings(self, session):
        return recordings_html(session.recording_urls)

    # Actions.

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
        sessions = list(queryset.select_related(
            "conversation", "conversation__review", "organisation", "template", "candidate", "user"
        ).order_by("-created_at"))
        backoffice.audit_export(user=request.user, object_type="voice interview", ids=[s.pk for s in sessions],
                                organisation_ids_=[s.organisation_id for s in sessions])

        def rows():
            for s in sessions:
                c = s.conversation
                duration = _duration(s)
                yield [
                    s.pk, s.kind, s.status, s.organisation.name if s.organisation else "",
                    s.template.name if s.template else "", _role(s), _company(s), s.candidate.name if s.candidate else "",
                    s.candidate.email if s.candidate else "", s.user.username, s.created_at.isoformat(),
                    c.started_at.isoformat() if c.started_at else "", c.ended_at.isoformat() if c.ended_at else "",
                    duration if duration is not None else "", s.credits_used, c.analysis_status,
                    c.analysis_score if c.analysis_score is not None else "",
                    (c.analysis or {}).get("recommendation") or "", *review_columns(c),
                ]

        return csv_response(filename="sessions", header=CSV_COLUMNS, rows=rows())
