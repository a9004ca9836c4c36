"""What the session and interview admins share beyond the rendering (conversations.admin): the review
page, the list filters of the recruiter's list, and the audit of views and exports."""

from __future__ import annotations

import csv
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.utils import parse_date_str

from backoffice import services
from conversations import review as reviews
from conversations.admin import REVIEW_LABELS, recommendation_label
from conversations.models import Review
from juggy.errors import DomainError

SCORE_CHOICES = [(str(n), f"{n} / 5") for n in range(1, 6)]


class ReviewForm(forms.Form):
    recommendation = forms.ChoiceField(choices=Review.Recommendation.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                             help_text="Required when you override the AI's assessment.")

    def __init__(self, *args, ai: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = ai["competencies"]
        if ai.get("recommendation"):
            self.fields["recommendation"].initial = ai["recommendation"]
        for c in self.competencies:
            self.fields[f"score_{c['competency']}"] = forms.ChoiceField(
                label=c["name"], choices=SCORE_CHOICES, initial=str(c["score"]),
                help_text=f"AI: {c['score']} / 5",
            )

    def scores(self) -> dict[str, int]:
        return {c["competency"]: int(self.cleaned_data[f"score_{c['competency']}"]) for c in self.competencies}


class ReviewAdminMixin:
    """A review page at <object>/review/ and the audit of views; the admin defines `conversation_of`."""

    review_template = "backoffice/review.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path("<path:object_id>/review/", self.admin_site.admin_view(self.review_view), name="{}_{}_review".format(*info)),
            *super().get_urls(),
        ]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # The review link depends on who looks; the admin instance is shared, so it rides on the object.
            info = self.model._meta.app_label, self.model._meta.model_name
            obj._review_url = (reverse(f"admin:{info[0]}_{info[1]}_review", args=[obj.pk])
                               if services.may_review(request.user, obj.conversation) else None)
        return obj

    def review_url(self, obj) -> str | None:
        return getattr(obj, "_review_url", None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200 and response.context_data.get("original"):
            services.audit_view(user=request.user, carrier=response.context_data["original"])
        return response

    def review_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        conversation = obj.conversation
        if not services.may_review(request.user, conversation):
            raise PermissionDenied
        ai = reviews.ai_snapshot(conversation.analysis)
        change_url = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change", args=[obj.pk])
        if ai is None:
            self.message_user(request, "There is no analysis to review yet.", messages.WARNING)
            return HttpResponseRedirect(change_url)
        form = ReviewForm(request.POST or None, ai=ai)
        if request.method == "POST" and form.is_valid():
            accept = "_accept" in request.POST
            try:
                services.review_conversation(
                    user=request.user, conversation=conversation,
                    decision=Review.Decision.ACCEPTED if accept else Review.Decision.OVERRIDDEN,
                    competency_scores=None if accept else form.scores(),
                    recommendation=None if accept else form.cleaned_data["recommendation"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                for field, errors in (exc.details or {}).items() if isinstance(exc.details, dict) else ():
                    form.add_error(field if field in form.fields else None, errors)
                if not form.errors:
                    form.add_error(None, exc.message)
            else:
                self.message_user(request, "Review saved: the AI's assessment was accepted." if accept
                                  else "Review saved: your scores and recommendation are recorded beside the AI's.",
                                  messages.SUCCESS)
                return HttpResponseRedirect(change_url + "#review")
        existing = reviews.review_of(conversation)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {obj}",
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "ai": ai,
            "ai_recommendation": recommendation_label(ai.get("recommendation")),
            "existing": reviews.reviewed_block(conversation) if existing else None,
            "change_url": change_url,
            "scorecard": self.scorecard(obj),
        }
        return TemplateResponse(request, self.review_template, context)


# --- list filters -----------------------------------------------------------------------------------


class ReviewStateFilter(admin.SimpleListFilter):
    title = "review state"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return list(REVIEW_LABELS.items())

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        enterprise = Q(conversation__job__mode="enterprise")
        q = {
            reviews.ReviewStatus.NOT_REVIEWABLE: ~enterprise,
            reviews.ReviewStatus.NOT_ANALYSED: enterprise & Q(conversation__analysis__isnull=True),
            reviews.ReviewStatus.PENDING: enterprise & Q(conversation__analysis__isnull=False, conversation__review__isnull=True),
            reviews.ReviewStatus.ACCEPTED: enterprise & Q(conversation__review__decision=Review.Decision.ACCEPTED),
            reviews.ReviewStatus.OVERRIDDEN: enterprise & Q(conversation__review__decision=Review.Decision.OVERRIDDEN),
        }.get(value)
        return queryset.filter(q) if q is not None else queryset


class RecommendationFilter(admin.SimpleListFilter):
    """The final recommendation: the reviewer's when reviewed, else the AI's."""

    title = "recommendation"
    parameter_name = "recommendation"

    def lookups(self, request, model_admin):
        return Review.Recommendation.choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(
            Q(conversation__review__recommendation=value)
            | Q(conversation__review__isnull=True, conversation__analysis__recommendation=value)
        )


class PeriodFilter(admin.SimpleListFilter):
    title = "period"
    parameter_name = "period"

    def lookups(self, request, model_admin):
        return [("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(created_at__gte=timezone.now() - timedelta(days=int(self.value())))
        return queryset


class DateRangeFilter(RangeDateFilter):
    """From and to dates, both included (unfold's compares a datetime with the `to` date's midnight,
    which leaves that day out)."""

    def queryset(self, request, queryset):
        filters = {}
        for bound, lookup in (("from", "gte"), ("to", "lte")):
            value = self.used_parameters.get(f"{self.parameter_name}_{bound}")
            if isinstance(value, str) and value:
                day = parse_date_str(value)
                if day is None:
                    return queryset.none()
                filters[f"{self.parameter_name}__date__{lookup}"] = day
        return queryset.filter(**filters)


# --- CSV export -------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def csv_response(*, filename: str, header: list[str], rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


def review_columns(conversation) -> list:
    """review_state, reviewed_recommendation, reviewed_score, reviewer: the export's review columns."""
    review = reviews.review_of(conversation)
    return [
        reviews.review_status(conversation),
        review.recommendation if review else "",
        review.overall_score if review and review.overall_score is not None else "",
        review.reviewer_name if review else "",
    ]

