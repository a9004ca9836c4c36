from django.urls import path

from juggy.accounts import views

urlpatterns = [
    path("auth/token", views.TokenView.as_view(), name="auth-token"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
]
