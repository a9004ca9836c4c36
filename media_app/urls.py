from django.urls import path

from media_app import views

urlpatterns = [
    path("media/upload", views.MediaUploadV1View.as_view(), name="media-upload"),
    path("media/upload/v2", views.MediaUploadV2View.as_view(), name="media-upload-v2"),
    path("media/get-all", views.MediaListView.as_view(), name="media-list"),
    path("media/delete/<uuid:media_uuid>", views.MediaDeleteView.as_view(), name="media-delete"),
    path("media/<uuid:media_uuid>", views.MediaDetailView.as_view(), name="media-detail"),
]
