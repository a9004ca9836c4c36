"""Queries over sessions. Visibility rules live here, once; views, services and the admin use them."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from juggy.accounts.models import Membership, Organisation, User
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
    """The session linked to a voice provider's call, with what the live interview reads."""
    if not call_id:
        return None
    return Session.objects.select_related("user", "conversation").filter(call_id=call_id).first()


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
