"""Queries over sessions. Visibility rules live here, once; views, services and the admin use them."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from conversations.models import Conversation
from juggy.accounts.models import Membership, Organisation, User
from juggy.rows import ModelColumns
from sessions_app.models import AssessmentTemplate, Candidate, Session


def staff_organisations(user: User) -> QuerySet:
    """Ids of the organisations whose enterprise data `user` sees as recruiter or admin (a subquery,
    so callers filter with it in the same SQL statement instead of a separate query)."""
    return Membership.objects.filter(user=user).values("organisation_id")


def session_visible_to(user: User) -> QuerySet[Session]:
    """Own sessions, plus the enterprise sessions of the organisations `user` works for."""
    return Session.objects.filter(
        Q(user=user) | Q(kind=Session.Kind.ENTERPRISE, organisation_id__in=staff_organisations(user))
    )


def session_owned_by(user: User) -> QuerySet[Session]:
    return Session.objects.filter(user=user)


def session_for_call(call_id: str) -> Session | None:
    """The session linked to a voice provider's call, with its conversation: what a live turn reads first,
    on every turn of every call (so in SQL written once: juggy/rows.py). Its user is loaded only when a
    minute is charged: once a minute, not once a turn."""
    if not call_id:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_SESSION_FOR_CALL, [_SESSION.param("call_id", call_id)])
        found = _SESSION.read(cursor, _CONVERSATION)
    if found is None:
        return None
    session, session.conversation = found
    return session


_SESSION, _CONVERSATION = ModelColumns(Session, "s"), ModelColumns(Conversation, "c")
# Identifiers from the models' _meta; values only as parameters.
_SESSION_FOR_CALL = (
    f"SELECT {_SESSION.select}, {_CONVERSATION.select} FROM {_SESSION.table} "  # noqa: S608
    f"JOIN {_CONVERSATION.table} ON {_CONVERSATION.column('id')} = {_SESSION.column('conversation')} "
    f"WHERE {_SESSION.column('call_id')} = %s"
)


def session_detail(*, sessions: QuerySet[Session], session_id) -> Session | None:
    """One session out of `sessions` (already scoped to the caller), ready for the detail serializer."""
    return (
        sessions.select_related("conversation__media", "conversation__review", "organisation", "template", "candidate")
        .prefetch_related("conversation__turns")
        .filter(pk=session_id)
        .first()
    )


def template_visible_to(user: User) -> QuerySet[AssessmentTemplate]:
    return AssessmentTemplate.objects.filter(organisation_id__in=staff_organisations(user))


def candidate_visible_to(user: User) -> QuerySet[Candidate]:
    return Candidate.objects.filter(organisation_id__in=staff_organisations(user))


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user)
