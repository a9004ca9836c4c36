from typing import Any

from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from unfold.admin import ModelAdmin

from media_app import services
from media_app.models import Media

# --- the structured resume, rendered as sections (also on the interview pages: conversations.admin) ---


def join_html(parts) -> SafeString:
    """Concatenate already-built pieces (each escaped by format_html where it was made)."""
    return format_html_join("", "{}", ((p,) for p in parts))


def section_html(title: str, body) -> SafeString:
    return format_html('<section class="jg-section"><h4>{}</h4>{}</section>', title, body)


def facts_html(rows: list[tuple[str, Any]]) -> SafeString:
    rows = [(label, value) for label, value in rows if value not in (None, "", [], {})]
    if not rows:
        return mark_safe("")
    return format_html('<dl class="jg-facts">{}</dl>', format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))


def paragraphs_html(text: str) -> SafeString:
    parts = [p.strip() for p in (text or "").split("\n") if p.strip()]
    return format_html_join("", "<p>{}</p>", ((p,) for p in parts))


def list_html(items) -> SafeString:
    items = [i for i in items or [] if i]
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in items))) if items else mark_safe("")


def _dates(entry: dict) -> str:
    start, end = entry.get("start_date"), entry.get("end_date")
    end = "present" if entry.get("is_current") else end
    return " to ".join(d for d in (start, end) if d)



def resume_html(resume: dict | None, text: str = ""):
    """The structured resume as sections and entries; the plain text when it was not structured."""
    if not resume:
        if text:
            return format_html('<details class="jg-resume-text"><summary>Resume text</summary><div class="jg-prose">{}</div>'
                               "</details>", paragraphs_html(text))
        return "No resume."
    contact = resume.get("contact") or {}
    head = format_html(
        '<header class="jg-resume-head"><strong>{}</strong> <span>{}</span>{}</header>',
        resume.get("name") or "", resume.get("headline") or "",
        facts_html([("Email", contact.get("email")), ("Phone", contact.get("phone")), ("Location", contact.get("location")),
                *((link.get("label") or "Link", link.get("url")) for link in resume.get("links") or [])]),
    )
    parts = [head]
    if resume.get("summary"):
        parts.append(section_html("Summary", paragraphs_html(resume["summary"])))
    experience = resume.get("experience") or []
    if experience:
        parts.append(section_html("Experience", format_html_join(
            "", '<article class="jg-entry"><div class="jg-entry-head"><strong>{}</strong>{}<span class="jg-when">{}</span>'
                "</div>{}</article>",
            (
                (e.get("title") or "", format_html(" · {}", e["company"]) if e.get("company") else "",
                 " · ".join(x for x in (e.get("location"), _dates(e)) if x), list_html(e.get("highlights")))
                for e in experience
            ),
        )))
    education = resume.get("education") or []
    if education:
        parts.append(section_html("Education", format_html_join(
            "", '<article class="jg-entry"><div class="jg-entry-head"><strong>{}</strong>{}<span class="jg-when">{}</span>'
                "</div>{}</article>",
            (
                (e.get("institution") or "",
                 format_html(" · {}", ", ".join(x for x in (e.get("degree"), e.get("field_of_study")) if x))
                 if e.get("degree") or e.get("field_of_study") else "",
                 _dates(e), list_html(e.get("details")))
                for e in education
            ),
        )))
    if resume.get("skills"):
        parts.append(section_html("Skills", format_html('<p class="jg-chips">{}</p>', format_html_join(
            "", '<span class="jg-chip">{}</span>', ((s,) for s in resume["skills"])))))
    if resume.get("certifications"):
        parts.append(section_html("Certifications", list_html(
            " · ".join(x for x in (c.get("name"), c.get("issuer"), c.get("date")) if x) for c in resume["certifications"]
        )))
    if resume.get("languages"):
        parts.append(section_html("Languages", list_html(
            " · ".join(x for x in (lang.get("language"), lang.get("proficiency")) if x) for lang in resume["languages"]
        )))
    return format_html('<div class="jg-resume">{}</div>', join_html(parts))


@admin.register(Media)
class MediaAdmin(ModelAdmin):
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
        return resume_html(obj.structured)

    @admin.action(description="Re-parse selected media (and re-structure those that were structured)")
    def reparse(self, request, queryset):
        count = 0
        for media in queryset:
            services.media_request_parse(media=media)
            count += 1
        self.message_user(request, f"{count} media queued for parsing.", messages.SUCCESS)
