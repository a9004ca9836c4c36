"""A loopback LiveKit server for tests: the Twirp RoomService and AgentDispatchService.

It speaks what `livekit-api` speaks: `POST /twirp/livekit.<Service>/<Method>` with a protobuf body and
an `authorization: Bearer <jwt>` header (verified with the key pair, grants checked per method);
protobuf responses; Twirp JSON error bodies (`{"code": "not_found", "msg": "..."}`), also on demand
through `fail_next()`. Rooms behave like LiveKit's: CreateRoom of an existing name returns that room.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from livekit import api

_TWIRP_STATUS = {
    "invalid_argument": 400, "malformed": 400, "unauthenticated": 401, "permission_denied": 403,
    "not_found": 404, "bad_route": 404, "already_exists": 409, "resource_exhausted": 429,
    "internal": 500, "unknown": 500, "unimplemented": 501, "unavailable": 503, "deadline_exceeded": 504,
}


@dataclass
class Call:
    service: str
    method: str
    request: object
    claims: api.access_token.Claims


class TwirpError(Exception):
    def __init__(self, code: str, msg: str):
        super().__init__(msg)
        self.code, self.msg = code, msg


class FakeLiveKitServer:
    def __init__(self, *, api_key: str, api_secret: str):
        self.api_key, self.api_secret = api_key, api_secret
        self.rooms: dict[str, api.Room] = {}
        self.participants: dict[str, list[api.ParticipantInfo]] = {}
        self.dispatches: list[api.AgentDispatch] = []
        self.calls: list[Call] = []
        self._failures: dict[str, tuple[str, str]] = {}
        self._delays: dict[str, float] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # --- control ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeLiveKitServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def fail_next(self, method: str, code: str, msg: str = "injected failure") -> None:
        """The next call of `method` answers with this Twirp error."""
        self._failures[method] = (code, msg)

    def delay(self, method: str, seconds: float) -> None:
        self._delays[method] = seconds

    def add_participant(self, room: str, identity: str, name: str = "") -> api.ParticipantInfo:
        info = api.ParticipantInfo(
            sid="PA_" + secrets.token_hex(6), identity=identity, name=name,
            state=api.ParticipantInfo.State.ACTIVE, joined_at=int(time.time()),
        )
        with self._lock:
            self.participants.setdefault(room, []).append(info)
            self.rooms[room].num_participants += 1
        return info

    def methods_called(self) -> list[str]:
        return [c.method for c in self.calls]

    # --- the services ----------------------------------------------------------------------------

    def handle(self, service: str, method: str, body: bytes, claims) -> bytes:
        route = {
            ("RoomService", "CreateRoom"): (api.CreateRoomRequest, self._create_room, "room_create"),
            ("RoomService", "ListRooms"): (api.ListRoomsRequest, self._list_rooms, "room_list"),
            ("RoomService", "DeleteRoom"): (api.DeleteRoomRequest, self._delete_room, "room_create"),
            ("RoomService", "ListParticipants"): (api.ListParticipantsRequest, self._list_participants, "room_admin"),
            ("AgentDispatchService", "CreateDispatch"): (
                api.CreateAgentDispatchRequest, self._create_dispatch, "room_admin"),
        }.get((service, method))
        if route is None:
            raise TwirpError("bad_route", f"no handler for {service}/{method}")
        request_class, handler, grant = route
        if not getattr(claims.video, grant, None):
            raise TwirpError("permission_denied", f"missing {grant} grant")
        request = request_class.FromString(body)
        if grant == "room_admin" and claims.video.room != request.room:
            raise TwirpError("permission_denied", "token is for another room")
        with self._lock:
            self.calls.append(Call(service, method, request, claims))
        if method in self._delays:
            time.sleep(self._delays[method])
        if method in self._failures:
            code, msg = self._failures.pop(method)
            raise TwirpError(code, msg)
        with self._lock:
            return handler(request).SerializeToString()

    def _create_room(self, req: api.CreateRoomRequest) -> api.Room:
        if req.name not in self.rooms:
            self.rooms[req.name] = api.Room(
                sid="RM_" + secrets.token_hex(6), name=req.name, empty_timeout=req.empty_timeout,
                max_participants=req.max_participants, metadata=req.metadata, creation_time=int(time.time()),
            )
        return self.rooms[req.name]

    def _list_rooms(self, req: api.ListRoomsRequest) -> api.ListRoomsResponse:
        names = set(req.names)
        return api.ListRoomsResponse(rooms=[r for n, r in self.rooms.items() if not names or n in names])

    def _delete_room(self, req: api.DeleteRoomRequest) -> api.DeleteRoomResponse:
        if self.rooms.pop(req.room, None) is None:
            raise TwirpError("not_found", "requested room does not exist")
        self.participants.pop(req.room, None)
        return api.DeleteRoomResponse()

    def _list_participants(self, req: api.ListParticipantsRequest) -> api.ListParticipantsResponse:
        if req.room not in self.rooms:
            raise TwirpError("not_found", "requested room does not exist")
        return api.ListParticipantsResponse(participants=self.participants.get(req.room, []))

    def _create_dispatch(self, req: api.CreateAgentDispatchRequest) -> api.AgentDispatch:
        dispatch = api.AgentDispatch(
            id="AD_" + secrets.token_hex(6), agent_name=req.agent_name, room=req.room, metadata=req.metadata
        )
        self.dispatches.append(dispatch)
        return dispatch


def _handler_for(server: FakeLiveKitServer) -> type[BaseHTTPRequestHandler]:
    verifier = api.TokenVerifier(server.api_key, server.api_secret)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # keep test output clean
            return

        def _error(self, code: str, msg: str) -> None:
            body = json.dumps({"code": code, "msg": msg}).encode()
            self.send_response(_TWIRP_STATUS.get(code, 500))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            prefix, _, method = self.path.rpartition("/")
            if not prefix.startswith("/twirp/livekit."):
                return self._error("bad_route", f"no route {self.path}")
            if self.headers.get("Content-Type") != "application/protobuf":
                return self._error("malformed", "expected application/protobuf")
            auth = self.headers.get("Authorization", "")
            try:
                claims = verifier.verify(auth.removeprefix("Bearer "))
            except Exception:
                return self._error("unauthenticated", "invalid authorization token")
            try:
                payload = server.handle(prefix.removeprefix("/twirp/livekit."), method, body, claims)
            except TwirpError as exc:
                return self._error(exc.code, exc.msg)
            except Exception as exc:  # a protobuf decode error is the client's malformed request
                return self._error("malformed", str(exc))
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/protobuf")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                return None  # the client gave up (timeout tests)
            return None

    return Handler


def sign_webhook(body: str, api_key: str, api_secret: str, *, ttl_seconds: int = 300) -> str:
    """The Authorization header LiveKit sends with a webhook: a JWT whose sha256 claim is the body's."""
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    return api.AccessToken(api_key, api_secret).with_sha256(digest).with_ttl(timedelta(seconds=ttl_seconds)).to_jwt()
