"""The admin's home page: one organisation's week at a glance (unfold's DASHBOARD_CALLBACK).

Interviews this week, those waiting for a human review, counts by status, the average score by role,
and the latest completed interviews with their recommendation. A recruiter sees their organisation's
voice interviews and their own live interviews; a member of several organisations picks one
(`?organisation=<id>`); a superuser who is nobody's member sees every organisation's.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Avg, CharField, Count, F, Q, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone

from backoffice.services import organisation_ids
from conversations import review as reviews
from conversations.admin import REVIEW_LABELS, recommendation_label
from conversations.models import Conversation
from interviews_app.models import Interview
from juggy.accounts.models import Organisation
from sessions_app.models import Session

LATEST = 8
PENDING_REVIEW = Q(conversation__job__mode="enterprise", conversation__analysis__isnull=False,
                   conversation__review__isnull=True)


def _scope(request):
    """(organisation or None, the organisations to choose from, sessions, interviews) for the viewer."""
    user = request.user
    member_of = organisation_ids(user)
    choices = Organisation.objects.filter(pk__in=member_of) if member_of or not user.is_superuser else Organisation.objects.all()
    choices = list(choices.order_by("name"))
    wanted = request.GET.get("organisation")
    organisation = next((o for o in choices if str(o.pk) == wanted), None) or (choices[0] if member_of and choices else None)
    sessions = Session.objects.all()
    interviews = Interview.objects.all()
    if organisation is not None:
        sessions = sessions.filter(kind=Session.Kind.ENTERPRISE, organisation=organisation)
        interviews = interviews.filter(owner=user)
    elif not user.is_superuser:
        sessions, interviews = sessions.none(), interviews.filter(owner=user)
    return organisation, choices, sessions, interviews


def dashboard_callback(request, context):
    organisation, choices, sessions, interviews = _scope(request)
    week_ago = timezone.now() - timedelta(days=7)
    finished = [Conversation.Status.ENDED, Conversation.Status.FAILED, Conversation.Status.CANCELLED]

    status_counts: dict[str, int] = {}
    for queryset in (sessions, interviews):
        for row in queryset.values("conversation__status").annotate(n=Count("pk")):
            status_counts[row["conversation__status"]] = status_counts.get(row["conversation__status"], 0) + row["n"]
    labels = dict(Conversation.Status.choices)

    # Average score by role: the template's role for assessments, the target role the interview was for.
    target_role = NullIf(KeyTextTransform("target_role", "conversation__job"), Value(""))
    role = Coalesce(NullIf(F("template__role"), Value("")), target_role, Value("(no role)"), output_field=CharField())
    by_role: dict[str, list] = {}
    for queryset, expression in ((sessions, role), (interviews, Coalesce(target_role, Value("(no role)"), output_field=CharField()))):
        rows = (queryset.filter(conversation__analysis_score__isnull=False).annotate(role_name=expression)
                .values("role_name").annotate(avg=Avg("conversation__analysis_score"), n=Count("pk")))
        for row in rows:
            total = by_role.setdefault(str(row["role_name"]), [0.0, 0])
            total[0] += row["avg"] * row["n"]
            total[1] += row["n"]

    latest = []
    for carrier in sorted(
        [*sessions.filter(conversation__status__in=finished).select_related("conversation", "conversation__review",
                                                                          "candidate", "template", "user")
         .order_by("-conversation__ended_at", "-created_at")[:LATEST],
         *interviews.filter(conversation__status__in=finished).select_related("conversation", "conversation__review")
         .order_by("-conversation__ended_at", "-created_at")[:LATEST]],
        key=lambda c: c.conversation.ended_at or c.created_at, reverse=True,
    )[:LATEST]:
        conversation = carrier.conversation
        review = reviews.review_of(conversation)
        recommendation = review.recommendation if review else (conversation.analysis or {}).get("recommendation")
        status = reviews.review_status(conversation)
        if isinstance(carrier, Session):
            name = carrier.candidate.name if carrier.candidate_id else carrier.user.username
            role_name = carrier.template.role if carrier.template_id else (carrier.context or {}).get("target_role", "")
            url = reverse("admin:sessions_app_session_change", args=[carrier.pk])
        else:
            name = carrier.candidate_name or carrier.candidate_id
            role_name = (conversation.job or {}).get("target_role", "")
            url = reverse("admin:interviews_app_interview_change", args=[carrier.pk])
        latest.append({
            "name": name, "role": role_name or "—", "ended_at": conversation.ended_at, "url": url,
            "score": conversation.analysis_score, "recommendation": recommendation_label(recommendation) if recommendation else "—",
            "review_status": status, "review_label": REVIEW_LABELS[status],
        })

    context.update({
        "jg_organisation": organisation,
        "jg_organisations": choices if len(choices) > 1 else [],
        "jg_this_week": sessions.filter(created_at__gte=week_ago).count() + interviews.filter(created_at__gte=week_ago).count(),
        "jg_waiting_review": sessions.filter(PENDING_REVIEW).count() + interviews.filter(PENDING_REVIEW).count(),
        "jg_total": sum(status_counts.values()),
        "jg_by_status": [{"label": labels[key], "key": key, "count": status_counts.get(key, 0)} for key in labels],
        "jg_by_role": sorted(({"role": name, "average": total / n, "count": n} for name, (total, n) in by_role.items()),
                             key=lambda r: (-r["count"], r["role"])),
        "jg_latest": latest,
        "jg_session_list": reverse("admin:sessions_app_session_changelist"),
    })
    return context
