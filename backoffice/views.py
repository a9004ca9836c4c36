"""DELETE /ent/candidates/{id} queues a candidate's erasure; GET /ent/erasures/{id} shows its status."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice import services
from backoffice.models import Erasure
from backoffice.serializers import ErasureSerializer
from juggy.accounts.authentication import is_service
from juggy.errors import NotFound

_NOT_FOUND = OpenApiResponse(description="No such candidate in your organisations (`candidate_not_found`).")


class CandidateEraseView(APIView):
    @extend_schema(
        tags=["enterprise"],
        operation_id="ent_candidate_erase",
        summary="Erase a candidate's data everywhere",
        description=(
            "Queues the erasure of the candidate: resume files and text, structured resume, context copies, "
            "transcripts, synthesized audio, rooms, analyses and review reasons. What remains is an anonymised "
            "stub that keeps the counts. Admins of the candidate's organisation only. Answers 202 with the "
            "erasure's status; poll GET /ent/erasures/{erasureId}. Asking again while one runs returns it."
        ),
        request=None,
        responses={
            202: ErasureSerializer,
            401: OpenApiResponse(description="Missing or invalid bearer token."),
            403: OpenApiResponse(description="You are not an admin of the candidate's organisation."),
            404: _NOT_FOUND,
        },
    )
    def delete(self, request, candidate_id):
        service = is_service(request)
        candidate = services.candidate_for_erasure(user=request.user, candidate_id=candidate_id, service=service)
        erasure = services.erasure_request(candidate=candidate, user=None if service else request.user)
        erasure.refresh_from_db()  # eager mode has run it already
        return Response(ErasureSerializer(erasure).data, status=202)


class ErasureDetailView(APIView):
    @extend_schema(
        tags=["enterprise"],
        operation_id="ent_erasure_get",
        summary="The status of an erasure",
        responses={200: ErasureSerializer, 401: OpenApiResponse(description="Missing or invalid bearer token."),
                   404: OpenApiResponse(description="No such erasure in your organisations.")},
    )
    def get(self, request, erasure_id):
        erasures = Erasure.objects.all()
        if not is_service(request):
            erasures = erasures.filter(organisation_id__in=services.organisation_ids(request.user))
        erasure = erasures.filter(pk=erasure_id).first()
        if erasure is None:
            raise NotFound("Erasure not found.", code="erasure_not_found")
        return Response(ErasureSerializer(erasure).data)
