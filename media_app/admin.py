import json

from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html

from media_app import services
from media_app.models import Media


@admin.register(Media)
class MediaAdmin(admin.ModelAdmin):
    list_display = ["original_name", "owner", "content_type", "human_size", "state", "structure_state", "created_at"]
    list_filter = ["state", "structure_state", "content_type", "language", "created_at"]
    search_fields = ["original_name", "owner__username", "owner__email", "sha256"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["reparse"]
    readonly_fields = [
        "id",
        "owner",
        "file",
        "original_name",
        "content_type",
        "extension",
        "human_size",
        "sha256",
        "state",
        "parse_error",
        "page_count",
        "language",
        "parsed_at",
        "structure_state",
        "structure_error",
        "created_at",
        "updated_at",
        "extracted_text",
        "structured_resume",
    ]
    fieldsets = [
        (None, {"fields": ["id", "owner", "original_name", "content_type", "extension", "human_size", "sha256", "file"]}),
        ("Parsing", {"fields": ["state", "parse_error", "page_count", "language", "parsed_at", "extracted_text"]}),
        ("Structured resume", {"fields": ["structure_state", "structure_error", "structured_resume"]}),
        ("Timestamps", {"fields": ["created_at", "updated_at"]}),
    ]

    # Uploads go through the API, which checks type, size and ownership; the admin only reads and re-parses.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="size", ordering="size")
    def human_size(self, obj: Media) -> str:
        return filesizeformat(obj.size)

    @admin.display(description="extracted text")
    def extracted_text(self, obj: Media) -> str:
        if not obj.text:
            return "-"
        return format_html('<pre style="white-space: pre-wrap; max-height: 40em; overflow: auto">{}</pre>', obj.text)

    @admin.display(description="structured resume")
    def structured_resume(self, obj: Media) -> str:
        if obj.structured is None:
            return "-"
        pretty = json.dumps(obj.structured, indent=2, ensure_ascii=False)
        return format_html('<pre style="white-space: pre-wrap; max-height: 40em; overflow: auto">{}</pre>', pretty)

    @admin.action(description="Re-parse selected media (and re-structure those that were structured)")
    def reparse(self, request, queryset):
        count = 0
        for media in queryset:
            services.media_request_parse(media=media)
            count += 1
        self.message_user(request, f"{count} media queued for parsing.", messages.SUCCESS)
