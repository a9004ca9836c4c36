"""Test-only URLs: views that fail, to check that failures still answer in the one error shape."""

from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


class ExplodingApiView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("boom")


def exploding_django_view(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("explode/api", ExplodingApiView.as_view()),
    path("explode/django", exploding_django_view),
    path("", include("juggy.urls")),
]
