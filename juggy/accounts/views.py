from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from juggy.accounts.models import CreditAccount
from juggy.accounts.selectors import user_by_login
from juggy.accounts.serializers import MeSerializer, TokenRequestSerializer, TokenResponseSerializer
from juggy.accounts.services import token_create
from juggy.accounts.throttling import LoginGuard
from juggy.errors import NotAuthenticated


class TokenView(APIView):
    """Exchange a username (or email) and password for a bearer token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        tags=["auth"],
        summary="Get an API token",
        request=TokenRequestSerializer,
        responses={
            201: TokenResponseSerializer,
            400: OpenApiResponse(description="Missing or malformed fields."),
            401: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Too many failed attempts; retry later."),
            503: OpenApiResponse(description="The failed-login counter (the cache) is unavailable."),
        },
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        login = data.validated_data["username"].strip()
        guard = LoginGuard(request, login)
        wait = guard.take()
        if wait is not None:
            raise Throttled(wait=wait, detail="Too many failed login attempts.")
        user = user_by_login(login)
        if user is None or not user.is_active or not user.check_password(data.validated_data["password"]):
            raise NotAuthenticated("Wrong username or password.", code="invalid_credentials")  # the slot stays taken
        guard.release()
        token, key = token_create(user=user, name=data.validated_data["name"] or "api")
        return Response(
            TokenResponseSerializer({"token": key, "token_id": token.id, "user_id": user.id}).data, status=201
        )


class MeView(APIView):
    @extend_schema(tags=["auth"], summary="The authenticated user", responses=MeSerializer)
    def get(self, request):
        user = request.user
        balance = CreditAccount.objects.filter(user=user).values_list("balance", flat=True).first() or 0
        memberships = user.memberships.select_related("organisation")
        return Response(
            MeSerializer(
                {"id": user.id, "username": user.username, "email": user.email, "credits": balance,
                 "memberships": memberships}
            ).data
        )
