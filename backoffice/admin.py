"""The audit trail and erasures in the admin: readable, filterable by user and candidate, never editable.
Also sets the admin's home page to the dashboard (backoffice.dashboard)."""

from __future__ import annotations

from auditlog.admin import LogEntryAdmin as AuditlogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.db.models import Q
from unfold.admin import ModelAdmin

from backoffice.models import AuditEvent, Erasure
from backoffice.services import organisation_ids

admin.site.index_template = "backoffice/dashboard.html"
admin.site.site_header = "Juggy"
admin.site.site_title = "Juggy back office"
admin.site.index_title = "Dashboard"


def _member(request) -> bool:
    return request.user.is_active and request.user.is_staff and bool(organisation_ids(request.user))


class ReadOnlyScopedAdmin(ModelAdmin):
    """Members of an organisation read its rows (and their own actions); superusers read everything;
    nobody adds, changes or deletes."""

    def scope(self, request) -> Q:
        return Q(organisation_id__in=organisation_ids(request.user))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(self.scope(request))

    def has_module_permission(self, request):
        return request.user.is_superuser or _member(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or _member(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActorFilter(admin.SimpleListFilter):
    title = "user"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        events = model_admin.get_queryset(request).exclude(actor__isnull=True)
        return list(events.values_list("actor_id", "actor__username").distinct().order_by("actor__username")[:200])

    def queryset(self, request, queryset):
        return queryset.filter(actor_id=self.value()) if self.value() else queryset


class CandidateFilter(admin.SimpleListFilter):
    title = "candidate"
    parameter_name = "candidate"

    def lookups(self, request, model_admin):
        events = model_admin.get_queryset(request).exclude(candidate__isnull=True)
        return list(events.values_list("candidate_id", "candidate__name").distinct().order_by("candidate__name")[:200])

    def queryset(self, request, queryset):
        return queryset.filter(candidate_id=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyScopedAdmin):
    list_display = ["at", "actor_name", "action", "candidate_label", "object_type", "object_id"]
    list_filter = ["action", ActorFilter, CandidateFilter, "at"]
    search_fields = ["actor_name", "candidate_label", "object_id", "object_type"]
    date_hierarchy = "at"
    list_select_related = ["actor", "candidate"]
    fields = ["at", "actor", "actor_name", "action", "organisation", "candidate", "candidate_label", "object_type",
              "object_id", "details"]
    readonly_fields = fields

    def scope(self, request) -> Q:
        return super().scope(request) | Q(actor=request.user)


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyScopedAdmin):
    list_display = ["requested_at", "kind", "candidate", "status", "requested_by_name", "finished_at", "counts"]
    list_filter = ["status", "kind"]
    list_select_related = ["candidate"]
    fields = ["id", "kind", "candidate", "conversation", "organisation", "requested_by_name", "status", "counts",
              "error", "requested_at", "finished_at"]
    readonly_fields = fields


# django-auditlog's change log, in the admin's theme; superusers only (entries have no organisation).
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(AuditlogEntryAdmin, ModelAdmin):
    pass
