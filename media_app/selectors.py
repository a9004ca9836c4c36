"""Queries over media. Every read is scoped to an owner: another user's media does not exist for you."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from juggy.accounts.models import User
from juggy.errors import NotFound
from media_app.models import Media

# The list never needs the (possibly long) extracted text or structured resume.
LIST_DEFERRED = ("text", "structured")


def media_list_for_user(user: User) -> QuerySet[Media]:
    """The user's media, newest first, without text and structure (one query, served by the
    (owner, -created_at) index)."""
    return Media.objects.filter(owner=user).defer(*LIST_DEFERRED).order_by("-created_at", "-id")


def media_for_user(user: User, media_id: uuid.UUID | str) -> Media:
    """The user's media with that id; NotFound (404) if it does not exist or belongs to someone else."""
    try:
        return Media.objects.get(pk=media_id, owner=user)
    except (Media.DoesNotExist, ValueError) as exc:
        raise NotFound("Media not found.", code="media_not_found", details={"mediaId": str(media_id)}) from exc
