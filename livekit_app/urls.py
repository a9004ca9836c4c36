from django.urls import path

from livekit_app import views

urlpatterns = [
    path("livekit/token", views.TokenView.as_view(), name="livekit-token"),
    path("livekit/room", views.RoomCreateView.as_view(), name="livekit-room-create"),
    path("livekit/room/<str:roomName>", views.RoomDetailView.as_view(), name="livekit-room"),
    path("livekit/rooms", views.RoomListView.as_view(), name="livekit-rooms"),
    path("livekit/webhook", views.WebhookView.as_view(), name="livekit-webhook"),
]
