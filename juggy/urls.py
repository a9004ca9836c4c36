from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from juggy import errors
from juggy.apidocs import RedocView, SwaggerView
from juggy.files import serve_public_file
from juggy.health import HealthView

urlpatterns = [
    path("admin", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("health", HealthView.as_view(), name="health"),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/docs", RedirectView.as_view(url="/api/docs/", permanent=False)),
    # Swagger UI and ReDoc load their scripts from /static/ (drf-spectacular-sidecar): they work offline.
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("api/redoc", RedirectView.as_view(url="/api/redoc/", permanent=False)),
    path("", include("juggy.accounts.urls")),
    path("", include("media_app.urls")),
    path("", include("sessions_app.urls")),
    path("", include("livekit_app.urls")),
    path("", include("interviews_app.urls")),
    path("", include("backoffice.urls")),
]

if settings.SERVE_FILES:
    # Only synthesized speech is public; resumes and other uploads are never served by URL.
    urlpatterns.append(re_path(r"^files/(?P<path>tts/[A-Za-z0-9_.-]+)$", serve_public_file))

# Anything else is a JSON 404 whatever the method, also with DEBUG on (Django's debug 404 page is HTML).
# CSRF-exempt: a POST or DELETE to a path that matches no route is a 404, not a CSRF failure.
urlpatterns.append(re_path(r"^(?!admin/|static/).*$", csrf_exempt(errors.page_not_found)))

handler400 = "juggy.errors.bad_request"
handler403 = "juggy.errors.permission_denied"
handler404 = "juggy.errors.page_not_found"
handler500 = "juggy.errors.server_error"
