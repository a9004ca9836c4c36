"""/interview endpoints: thin views over interviews_app.services.

Owner (or service token) everywhere; the candidate's pass for its own interview on GET, transcript,
start, response and end; the summary is for the owner only.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.models import Conversation, Turn
from conversations.review import review_blocks
from conversations.services import Exchange
from interviews_app import selectors, services
from interviews_app.models import Interview
from interviews_app.serializers import (
    ExchangeSerializer,
    InterviewCreatedSerializer,
    InterviewCreateInputSerializer,
    InterviewDetailSerializer,
    InterviewResponseInputSerializer,
    SummaryPendingSerializer,
    SummarySerializer,
    TranscriptSerializer,
    progress_of,
)
from juggy.accounts.authentication import BearerTokenAuthentication, acting_user, is_service
from livekit_app.authentication import IsUserOrRoomPass, RoomPassAuthentication
from livekit_app.services import RoomPass

TAGS = ["interviews"]
_401 = OpenApiResponse(description="Missing, invalid or expired token.")
_404 = OpenApiResponse(description="No such interview, or not yours (code interview_not_found).")
_409 = OpenApiResponse(
    description="Illegal transition: interview_not_started, interview_already_started or interview_ended."
)
_503 = OpenApiResponse(description="The AI interviewer failed (interviewer_unavailable); retry.")


class InterviewBaseView(APIView):
    # The candidate's pass (jgp_..., scope {"interview": id}) is accepted here, before user tokens.
    authentication_classes = [RoomPassAuthentication, BearerTokenAuthentication]
    permission_classes = [IsUserOrRoomPass]
    candidate_allowed = True

    def get_interview(self, interview_id) -> Interview:
        candidate = self.request.auth if _is_candidate(self.request) else None
        return selectors.interview_for_actor(
            interview_id=interview_id,
            user=None if candidate else self.request.user,
            room_pass=candidate,
            is_service=is_service(self.request),
            candidate_allowed=self.candidate_allowed,
        )


def _is_candidate(request) -> bool:
    return isinstance(request.auth, RoomPass)


def _exchange(interview: Interview, exchange: Exchange) -> dict:
    interview.conversation = exchange.conversation
    return ExchangeSerializer(
        {
            "session_id": interview.id,
            "status": interview.status,
            "message": exchange.reply,
            "candidate_message": exchange.answer,
            "progress": progress_of(interview),
            "finished": interview.status == Interview.Status.ENDED,
            "interviewer": "livekit_agent" if interview.agent_dispatch_id else "server",
            "agent_dispatch_id": interview.agent_dispatch_id,
        }
    ).data


class InterviewCreateView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Create an interview",
        description=(
            "Creates an interview in a LiveKit room (your room of that name, created if you have none; room "
            "names are per user, so another user's room of the same name changes nothing) and plans its questions from the job description and the optional "
            "resume (`mediaId`, one of your uploads). Returns `sessionId` (also as `interviewId`) and a "
            "`candidateToken` scoped to this interview. Service tokens may create for a user named by `userId`."
        ),
        request=InterviewCreateInputSerializer,
        responses={
            201: InterviewCreatedSerializer,
            400: OpenApiResponse(description="Invalid fields (details per field)."),
            401: _401,
            403: OpenApiResponse(description="userId names another user and the caller is not a service token."),
            404: OpenApiResponse(description="mediaId is not one of your uploads (code media_not_found)."),
            409: OpenApiResponse(description="The resume (mediaId) is still being parsed or failed to parse "
                                             "(code media_not_ready or media_parse_failed)."),
            503: _503,
        },
    )
    def post(self, request):
        data = InterviewCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        owner = acting_user(request, values.get("user_id"))
        created = services.interview_create(
            owner=owner,
            room_name=values["room_name"],
            candidate_id=values["candidate_id"],
            job_description=values["job_description"],
            candidate_name=values.get("candidate_name", ""),
            media_id=values.get("media_id"),
            settings=values.get("settings") or {},
        )
        interview = created.interview
        interview.candidate_token = created.candidate_token
        return Response(InterviewCreatedSerializer(interview, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class InterviewDetailView(InterviewBaseView):
    @extend_schema(
        tags=TAGS,
        summary="Get an interview's status",
        description=(
            "Status, progress (question i of n), participants (WebSocket clients and LiveKit room participants) "
            "and timing. Owner, service token, or the interview's candidate token."
        ),
        responses={200: InterviewDetailSerializer, 401: _401, 404: _404},
    )
    def get(self, request, interview_id):
        interview = self.get_interview(interview_id)
        interview.participants = selectors.interview_participants(interview)
        return Response(InterviewDetailSerializer(interview).data)


class InterviewStartView(InterviewBaseView):
    @extend_schema(
        tags=TAGS,
        summary="Start an interview",
        description=(
            "The AI interviewer joins: when LiveKit is configured an agent is dispatched to the room "
            "(`agentDispatchId`); in every case Juggy's engine says the opening line, returned here and sent "
            "to WebSocket clients as `aiInterviewerMessage`. Owner, service token or candidate token."
        ),
        request=None,
        responses={200: ExchangeSerializer, 401: _401, 404: _404, 409: _409, 503: _503},
    )
    def post(self, request, interview_id):
        interview = self.get_interview(interview_id)
        return Response(_exchange(interview, services.interview_start(interview=interview)))


class InterviewRespondView(InterviewBaseView):
    @extend_schema(
        tags=TAGS,
        summary="Send the candidate's answer",
        description=(
            "Stores the answer and returns the interviewer's next message (also sent to WebSocket clients). "
            "When that message closes the interview, `finished` is true and the interview has ended. "
            "Concurrent answers to one interview are handled one after the other."
        ),
        request=InterviewResponseInputSerializer,
        responses={200: ExchangeSerializer, 400: OpenApiResponse(description="Empty or too long response."),
                   401: _401, 404: _404, 409: _409, 503: _503},
    )
    def post(self, request, interview_id):
        interview = self.get_interview(interview_id)
        data = InterviewResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exchange = services.interview_respond(
            interview=interview, text=data.validated_data["response"], transport=Turn.Transport.REST,
            reply_to=data.validated_data.get("reply_to"),
        )
        return Response(_exchange(interview, exchange))


class InterviewTranscriptView(InterviewBaseView):
    @extend_schema(
        tags=TAGS,
        summary="Get an interview's transcript",
        description="Every message in order. Owner, service token or candidate token.",
        responses={200: TranscriptSerializer, 401: _401, 404: _404},
    )
    def get(self, request, interview_id):
        interview = self.get_interview(interview_id)
        return Response(
            TranscriptSerializer(
                {"session_id": interview.id, "status": interview.status,
                 "messages": selectors.interview_messages(interview)}
            ).data
        )


class InterviewEndView(InterviewBaseView):
    @extend_schema(
        tags=TAGS,
        summary="End an interview",
        description=(
            "Ends the interview: a started one gets the interviewer's closing line, WebSocket clients get "
            "`interviewEnded`, and the AI summary is queued. Ending twice is a 409 (interview_ended). "
            "Owner, service token or candidate token (recorded as ended_by_candidate)."
        ),
        request=None,
        responses={200: InterviewDetailSerializer, 401: _401, 404: _404, 409: _409},
    )
    def post(self, request, interview_id):
        interview = self.get_interview(interview_id)
        reason = Conversation.EndReason.ENDED_BY_CANDIDATE if _is_candidate(request) else Conversation.EndReason.ENDED_BY_OWNER
        interview = services.interview_end(interview=interview, reason=reason)
        interview.participants = selectors.interview_participants(interview)
        return Response(InterviewDetailSerializer(interview).data)


class InterviewSummaryView(InterviewBaseView):
    candidate_allowed = False

    @extend_schema(
        tags=TAGS,
        summary="Get an interview's AI summary",
        description=(
            "200 with the summary once it is made. Otherwise the summary task is queued (once, however often "
            "this is called; a failed one is queued again) and the answer is 202 `{\"status\": \"pending\"}`: "
            "poll again. The owner (or a service token) only; a candidate token gets 403."
        ),
        responses={
            200: SummarySerializer,
            202: SummaryPendingSerializer,
            401: _401,
            403: OpenApiResponse(description="Candidate tokens may not read the summary (candidate_forbidden)."),
            404: _404,
            409: OpenApiResponse(description="The interview has not ended yet (interview_not_ended)."),
        },
    )
    def get(self, request, interview_id):
        interview = self.get_interview(interview_id)
        conversation = services.interview_summary_request(interview=interview)
        if conversation.analysis_status == Conversation.AnalysisStatus.DONE:
            return Response(
                SummarySerializer(
                    {"session_id": interview.id, "status": "done", "summary": conversation.analysis,
                     "generated_at": conversation.analysed_at, **review_blocks(conversation)}
                ).data
            )
        return Response(
            SummaryPendingSerializer(
                {"session_id": interview.id, "status": "pending", "previous_error": conversation.analysis_error}
            ).data,
            status=status.HTTP_202_ACCEPTED,
        )
