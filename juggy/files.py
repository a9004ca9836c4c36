from django.conf import settings
from django.views.static import serve


def serve_public_file(request, path):
    # MEDIA_ROOT is read per request (not bound at import), so it follows settings overrides.
    return serve(request, path, document_root=settings.MEDIA_ROOT)
