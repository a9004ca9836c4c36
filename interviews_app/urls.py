from django.urls import include, path

from interviews_app import candidate_page, views

urlpatterns = [
    path("interview", views.InterviewCreateView.as_view(), name="interview-create"),
    path("interview/<uuid:interview_id>", views.InterviewDetailView.as_view(), name="interview-detail"),
    path("interview/<uuid:interview_id>/start", views.InterviewStartView.as_view(), name="interview-start"),
    path("interview/<uuid:interview_id>/response", views.InterviewRespondView.as_view(), name="interview-response"),
    path("interview/<uuid:interview_id>/transcript", views.InterviewTranscriptView.as_view(), name="interview-transcript"),
    path("interview/<uuid:interview_id>/summary", views.InterviewSummaryView.as_view(), name="interview-summary"),
    path("interview/<uuid:interview_id>/end", views.InterviewEndView.as_view(), name="interview-end"),
    path("", include("interviews_app.audio_urls")),
    # The candidate's page; the pass (jgp_..., URL-safe base64 and ':') is the whole path segment.
    path("i/<str:candidate_pass>", candidate_page.candidate_page, name="candidate-page"),
]
