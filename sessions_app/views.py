"""Thin HTTP views: validate with an input serializer, call a service, render with an output one."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.models import Conversation
from juggy.accounts.authentication import acting_user, is_service
from juggy.errors import BadRequest, Forbidden, NotFound, ServiceUnavailable
from juggy.versioning import Version, VersionedView
from sessions_app import selectors, services
from sessions_app.models import Session
from sessions_app.serializers import (
    AnalyseQuerySerializer,
    AnalysisPendingSerializer,
    AnalysisResponseSerializer,
    ContextUploadResponseSerializer,
    ContextUploadSerializer,
    ContextUploadV2ResponseSerializer,
    EnterpriseSessionInputSerializer,
    LinkSerializer,
    MessageSerializer,
    SessionDetailSerializer,
    TemplateInputSerializer,
    TemplateSerializer,
)

# How often GET /session/analyse looks at the row while it waits for the worker.
ANALYSIS_POLL_SECONDS = 0.1

NOT_FOUND = OpenApiResponse(description="No such session, or not one you may see.")
INVALID = OpenApiResponse(description="Invalid body or parameters (error code `invalid`).")


def sessions_for(request):
    """The sessions a request may address by id: a service token acts for any user, so all of them."""
    if is_service(request):
        return Session.objects.all()
    return selectors.session_visible_to(request.user)


def _session_or_404(request, session_id) -> Session:
    session = sessions_for(request).select_related("conversation").filter(pk=session_id).first()
    if session is None:
        raise NotFound("Session not found.", code="session_not_found", details={"sessionId": str(session_id)})
    return session


_MEDIA_NOT_FOUND = OpenApiResponse(description="`mediaId` is not one of your media (`media_not_found`).")
_MEDIA_NOT_READY = OpenApiResponse(description="The media is still being parsed or failed to parse.")


@dataclass(frozen=True)
class ContextVersion(Version):
    plan_now: bool = True  # plan the questions now and answer with them; else at the first turn


CONTEXT_VERSIONS = (
    ContextVersion(
        "context/upload",
        "context-upload",
        "Create a practice session and its questions",
        "Creates a standard (practice) session for the caller from the assessment area, the caller's own "
        "resume media (its text and structured resume are copied into the session) and the other context, "
        "and plans the interview questions now. `sessionQuestions` is a JSON string of "
        "`[{id, text, competency, kind}]`.",
        tags=("sessions",),
        operation_id="context_upload",
        request=ContextUploadSerializer,
        status=201,
        response=ContextUploadResponseSerializer,
        errors={
            400: INVALID,
            404: _MEDIA_NOT_FOUND,
            409: _MEDIA_NOT_READY,
            503: OpenApiResponse(description="The interviewer engine could not plan the questions."),
        },
    ),
    ContextVersion(
        "context/upload/v2",
        "context-upload-v2",
        "Create a practice session (questions planned during the interview)",
        "As /context/upload, but the questions are not planned now: the interview plans them at its first "
        "turn. Faster, and the answer has only `sessionId`.",
        tags=("sessions",),
        operation_id="context_upload_v2",
        request=ContextUploadSerializer,
        status=201,
        response=ContextUploadV2ResponseSerializer,
        errors={400: INVALID, 404: _MEDIA_NOT_FOUND, 409: _MEDIA_NOT_READY},
        plan_now=False,
    ),
)


class ContextUploadView(VersionedView):
    """POST /context/upload[/v2]; the url gives the CONTEXT_VERSIONS row."""

    version: ContextVersion

    def post(self, request):
        data = ContextUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        version = self.version
        session = services.session_create_standard(
            user=acting_user(request, values["user_id"]),
            assessment_area=values["assessment_area"],
            media_id=values["media_id"],
            other_context=values["other_context"],
            plan_now=version.plan_now,
        )
        body = {"session_id": session.pk}
        if version.plan_now:
            body["session_questions"] = json.dumps(services.session_questions(session))
        return Response(version.response(body).data, status=version.status)


@dataclass(frozen=True)
class LinkVersion(Version):
    serves: str = Session.Kind.STANDARD  # the Session.Kind the call may be linked to


LINK_VERSIONS = (
    LinkVersion(
        "session/link",
        "session-link",
        "Link a voice call to a practice session",
        "Links the voice provider's `callId` (VAPI call.id) to a standard session you may see. Repeating the "
        "same pair is fine (same answer). A call belongs to one session and a session to one call.",
        tags=("sessions",),
        operation_id="session_link",
        request=LinkSerializer,
        response=MessageSerializer,
        errors={
            400: OpenApiResponse(description="Invalid body, or an enterprise session (`wrong_session_kind`)."),
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="The call is linked to another session (`call_already_linked`) or the session to "
                "another call (`session_already_linked`)."
            ),
        },
    ),
    LinkVersion(
        "ent/session/link",
        "ent-session-link",
        "Link a voice call to an enterprise session",
        "As /session/link, for an enterprise (assessment) session: yours, or one of an organisation you "
        "are a recruiter or admin of.",
        tags=("enterprise",),
        operation_id="ent_session_link",
        request=LinkSerializer,
        response=MessageSerializer,
        errors={
            400: OpenApiResponse(description="Invalid body, or a standard session (`wrong_session_kind`)."),
            404: NOT_FOUND,
            409: OpenApiResponse(description="`call_already_linked` or `session_already_linked`."),
        },
        serves=Session.Kind.ENTERPRISE,
    ),
)


class LinkView(VersionedView):
    """POST /session/link and /ent/session/link; the url gives the LINK_VERSIONS row."""

    version: LinkVersion

    def post(self, request):
        data = LinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_id, session_id = data.validated_data["call_id"], data.validated_data["session_id"]
        session = services.session_link_call(
            sessions=sessions_for(request), session_id=session_id, call_id=call_id, session_kind=self.version.serves
        )
        body = {"message": f"linked callid {session.call_id} to session ({session.pk})"}
        return Response(self.version.response(body).data, status=self.version.status)


class SessionDetailView(APIView):
    @extend_schema(
        tags=["sessions"],
        operation_id="session_get",
        summary="One session, with its transcript and analysis",
        description=(
            "Context, planned questions, status, call, timing, credits used, the transcript turns and the "
            "analysis (state, structured result, readable report). Yours, or an enterprise session of an "
            "organisation you work for."
        ),
        responses={200: SessionDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, session_id):
        session = selectors.session_detail(sessions=sessions_for(request), session_id=session_id)
        if session is None:
            raise NotFound("Session not found.", code="session_not_found", details={"sessionId": str(session_id)})
        return Response(SessionDetailSerializer(session).data)


class SessionAnalyseView(APIView):
    @extend_schema(
        tags=["sessions"],
        operation_id="session_analyse",
        summary="Analyse a session (or read its analysis)",
        description=(
            "Returns the analysis when the session has one. Otherwise starts it in the background and waits up "
            "to SESSION_ANALYSIS_WAIT_SECONDS: 200 with the result if it finished, else 202 with status "
            "`pending`/`running` (call again later). `rerun=true` starts a new analysis; the previous result "
            "stays readable until the new one succeeds. Only one analysis of a session runs at a time. "
            "`analysis` is the readable report (plain text); `result` is the structured analysis."
        ),
        parameters=[AnalyseQuerySerializer],
        responses={
            200: AnalysisResponseSerializer,
            202: AnalysisPendingSerializer,
            400: INVALID,
            404: NOT_FOUND,
            409: OpenApiResponse(description="No candidate answers yet (`empty_transcript`)."),
            503: OpenApiResponse(description="The analysis failed (`analysis_failed`); call again to retry."),
        },
    )
    def get(self, request, session_id):
        query = AnalyseQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rerun = query.validated_data["rerun"]
        session = _session_or_404(request, session_id)
        conversation = session.conversation
        conversation.session = session
        if conversation.analysis is not None and not rerun:
            return Response(AnalysisResponseSerializer(conversation).data)

        conversation = self._wait(services.analysis_request(session=session, force=rerun))
        conversation.session = session
        if conversation.analysis_status == Conversation.AnalysisStatus.FAILED:
            raise ServiceUnavailable(
                "The analysis failed; call again to retry.",
                code="analysis_failed",
                details={"error": conversation.analysis_error},
            )
        if conversation.analysis_status == Conversation.AnalysisStatus.DONE:
            return Response(AnalysisResponseSerializer(conversation).data)
        return Response(AnalysisPendingSerializer(conversation).data, status=202)

    @staticmethod
    def _wait(conversation: Conversation) -> Conversation:
        """Poll the row (the worker writes it) for a short while; the request never waits for long."""
        deadline = time.monotonic() + settings.SESSION_ANALYSIS_WAIT_SECONDS
        in_flight = (Conversation.AnalysisStatus.PENDING, Conversation.AnalysisStatus.RUNNING)
        while conversation.analysis_status in in_flight:
            if time.monotonic() >= deadline:
                break
            time.sleep(ANALYSIS_POLL_SECONDS)
            conversation.refresh_from_db(
                fields=["analysis_status", "analysis", "analysis_score", "analysis_error", "analysed_at"]
            )
        return conversation


# --- enterprise -----------------------------------------------------------------------------------


class TemplateListCreateView(APIView):
    @extend_schema(
        tags=["enterprise"],
        operation_id="ent_templates_list",
        summary="Assessment templates of my organisations",
        responses={200: TemplateSerializer(many=True)},
    )
    def get(self, request):
        templates = selectors.template_visible_to(request.user).select_related("organisation")
        return Response(TemplateSerializer(templates, many=True).data)

    @extend_schema(
        tags=["enterprise"],
        operation_id="ent_templates_create",
        summary="Create an assessment template",
        description=(
            "A role to assess: job description, competencies with a 1-5 rubric, an optional fixed question bank. "
            "`organisationId` is needed only when you belong to several organisations."
        ),
        request=TemplateInputSerializer,
        responses={
            201: TemplateSerializer,
            400: INVALID,
            403: OpenApiResponse(description="You are not a recruiter or admin of any organisation."),
            404: OpenApiResponse(description="Not one of your organisations."),
        },
    )
    def post(self, request):
        data = TemplateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organisation = _staff_organisation(request.user, values.pop("organisation_id"))
        template = services.template_create(organisation=organisation, created_by=request.user, **values)
        return Response(TemplateSerializer(template).data, status=201)


def _staff_organisation(user, organisation_id):
    organisations = list(selectors.organisations_of(user))
    if not organisations:
        raise Forbidden("Only recruiters and admins of an organisation may do this.", code="not_organisation_staff")
    if organisation_id is None:
        if len(organisations) > 1:
            raise BadRequest(
                "You belong to several organisations: give organisationId.",
                code="organisation_required",
                details={"organisationId": ["This field is required."]},
            )
        return organisations[0]
    organisation = next((o for o in organisations if o.pk == organisation_id), None)
    if organisation is None:
        raise NotFound("Organisation not found.", code="organisation_not_found")
    return organisation


class EnterpriseSessionCreateView(APIView):
    @extend_schema(
        tags=["enterprise"],
        operation_id="ent_session_create",
        summary="Create an enterprise session for a candidate",
        description=(
            "An assessment of a candidate (an existing `candidateId`, or `candidate` details: an existing "
            "candidate with that email or ATS id is reused) against one of your organisations' templates. "
            "Billed to the organisation. Link the call with /ent/session/link."
        ),
        request=EnterpriseSessionInputSerializer,
        responses={
            201: SessionDetailSerializer,
            400: INVALID,
            404: OpenApiResponse(description="Template, candidate or media not found (or not yours)."),
            409: OpenApiResponse(description="The template is archived, or the media is not parsed."),
            503: OpenApiResponse(description="The interviewer engine could not plan the questions."),
        },
    )
    def post(self, request):
        data = EnterpriseSessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request, values["user_id"])
        template = selectors.template_visible_to(user).select_related("organisation").filter(pk=values["template_id"]).first()
        if template is None:
            raise NotFound("Template not found.", code="template_not_found")
        candidate = None
        if values["candidate_id"] is not None:
            candidate = (
                selectors.candidate_visible_to(user)
                .filter(pk=values["candidate_id"], organisation_id=template.organisation_id)
                .first()
            )
            if candidate is None:
                raise NotFound("Candidate not found.", code="candidate_not_found")
        session = services.session_create_enterprise(
            user=user,
            template=template,
            candidate=candidate,
            candidate_data=values["candidate"],
            media_id=values["media_id"],
            plan_now=values["generate_questions"],
        )
        session = selectors.session_detail(sessions=Session.objects.all(), session_id=session.pk)
        return Response(SessionDetailSerializer(session).data, status=201)

