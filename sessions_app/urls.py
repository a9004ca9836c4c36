from django.urls import include, path

from juggy.versioning import urls
from sessions_app import views
from sessions_app.listings import VERSIONS, SessionListView

urlpatterns = [
    # One view per versioned endpoint, one row of its table per version (juggy.versioning).
    *urls(views.ContextUploadView, views.CONTEXT_VERSIONS),
    *urls(views.LinkView, views.LINK_VERSIONS),
    path("ent/session", views.EnterpriseSessionCreateView.as_view(), name="ent-session-create"),
    path("ent/templates", views.TemplateListCreateView.as_view(), name="ent-templates"),
    path("session/get/<uuid:session_id>", views.SessionDetailView.as_view(), name="session-get"),
    path("session/analyse/<uuid:session_id>", views.SessionAnalyseView.as_view(), name="session-analyse"),
    # One view, one row of listings.VERSIONS per version.
    *(
        path(version.path, SessionListView.as_view(listing=name), name=f"session-list-{name}")
        for name, version in VERSIONS.items()
    ),
    # The VAPI custom-LLM endpoints and webhook (/v2, /v3 chat completions).
    path("", include("sessions_app.vapi.urls")),
]
