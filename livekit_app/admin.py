from django.contrib import admin
from django.db.models import Count
from unfold.admin import ModelAdmin, TabularInline

from livekit_app.models import Participant, Room, WebhookDelivery


class ParticipantInline(TabularInline):
    model = Participant
    extra = 0
    fields = ["identity", "name", "state", "sid", "joined_at", "left_at"]
    readonly_fields = fields  # written by LiveKit webhooks, not by hand
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Room)
class RoomAdmin(ModelAdmin):
    list_display = ["name", "owner", "state", "participant_count", "created_at", "started_at", "finished_at"]
    list_filter = ["state", "created_at", "started_at"]
    search_fields = ["name", "livekit_name", "sid", "owner__username", "owner__email", "participants__identity", "participants__name"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["id", "livekit_name", "sid", "state", "created_at", "started_at", "finished_at"]
    date_hierarchy = "created_at"
    inlines = [ParticipantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_total=Count("participants"))

    @admin.display(description="participants", ordering="participant_total")
    def participant_count(self, room):
        return room.participant_total


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ModelAdmin):
    list_display = ["event", "room_name", "event_id", "handled", "occurred_at", "received_at"]
    list_filter = ["event", "handled"]
    search_fields = ["event_id", "room_name"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
