import uuid

from django.conf import settings
from django.db import models


def media_upload_to(instance: "Media", filename: str) -> str:
    # The stored name is generated; the client's filename is only kept as metadata.
    return f"uploads/{instance.owner_id}/{instance.id}{instance.extension}"


class Media(models.Model):
    class State(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded (not parsed)"
        PENDING = "pending", "Pending"
        PARSING = "parsing", "Parsing"
        PARSED = "parsed", "Parsed"
        FAILED = "failed", "Failed"

    class StructureState(models.TextChoices):
        NONE = "none", "Not requested"
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to=media_upload_to, max_length=255)
    original_name = models.CharField(max_length=255, blank=True)
    extension = models.CharField(max_length=10, blank=True, help_text="From the detected type, not the name.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)

    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED, db_index=True)
    parse_error = models.TextField(blank=True)
    text = models.TextField(blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    parsed_at = models.DateTimeField(null=True, blank=True)

    structure_state = models.CharField(
        max_length=10, choices=StructureState.choices, default=StructureState.NONE
    )
    structure_error = models.TextField(blank=True)
    structured = models.JSONField(null=True, blank=True, help_text="The structured resume.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "resume"
        verbose_name_plural = "resumes"
        indexes = [models.Index(fields=["owner", "-created_at"], name="media_owner_created")]

    def __str__(self) -> str:
        return self.original_name or str(self.id)
