from django.urls import path

from juggy.versioning import urls
from media_app import views

urlpatterns = [
    # One view, one row of views.UPLOAD_VERSIONS per version.
    *urls(views.MediaUploadView, views.UPLOAD_VERSIONS),
    path("media/get-all", views.MediaListView.as_view(), name="media-list"),
    path("media/delete/<uuid:media_uuid>", views.MediaDeleteView.as_view(), name="media-delete"),
    path("media/<uuid:media_uuid>", views.MediaDetailView.as_view(), name="media-detail"),
]
