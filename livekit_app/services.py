"""LiveKit domain operations: rooms, access tokens, room passes, agent dispatch.

Without LIVEKIT_URL/KEY/SECRET the Room table is the whole truth and tokens are signed with the local
key pair; with them, every room operation also goes to the server (see client.py) and the table
mirrors it. Webhook handling lives in webhooks.py.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from livekit import api

from juggy.accounts.models import User
from juggy.errors import BadRequest, Conflict, Forbidden, NotAuthenticated, NotFound
from livekit_app import client
from livekit_app.client import livekit_configured
from livekit_app.models import ROOM_NAME_PATTERN, Room, livekit_name_for, livekit_name_suffixed
from livekit_app.selectors import room_by_livekit_name, room_owned

__all__ = [
    "IssuedToken", "LiveParticipant", "LiveRoom", "MintedToken", "RoomPass", "agent_dispatch",
    "livekit_configured", "room_create", "room_delete", "room_ensure", "room_live", "room_pass_issue",
    "room_pass_verify", "rooms_live", "token_issue_for_pass", "token_issue_for_user", "token_mint",
]

ROOM_PASS_PREFIX = "jgp_"
ROOM_PASS_SALT = "juggy.livekit.room-pass"
ROOM_PASS_DEFAULT_TTL_SECONDS = 24 * 3600
IDENTITY_MAX_LENGTH = 255
_ROOM_NAME_RE = re.compile(ROOM_NAME_PATTERN)


@dataclass(frozen=True)
class MintedToken:
    token: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class IssuedToken:
    token: str
    url: str
    identity: str
    room_name: str
    expires_at: datetime


@dataclass(frozen=True)
class RoomPass:
    room_name: str  # the name its owner gave the room
    room_id: str | None  # the room row; "" for none, None in passes from before names were per owner
    identity: str
    name: str
    scope: dict
    expires_at: datetime


@dataclass(frozen=True)
class LiveParticipant:
    identity: str
    name: str
    sid: str
    state: str
    joined_at: datetime | None


@dataclass(frozen=True)
class LiveRoom:
    sid: str
    num_participants: int
    num_publishers: int
    created_at: datetime | None
    participants: list[LiveParticipant] | None = field(default=None)


# --- validation -----------------------------------------------------------------------------------


def validate_room_name(name: str) -> None:
    if not isinstance(name, str) or not _ROOM_NAME_RE.match(name):
        raise BadRequest(
            "Invalid room name.",
            code="invalid_room_name",
            details={"name": ["1-64 characters: letters, digits, '-' and '_', starting with a letter or digit."]},
        )


def _validate_limits(empty_timeout: int | None, max_participants: int | None) -> None:
    errors = {}
    for key, value in (("emptyTimeout", empty_timeout), ("maxParticipants", max_participants)):
        # The columns are PostgreSQL integers: at most 2**31 - 1 (a larger value was a 500).
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 2**31 - 1):
            errors[key] = ["Must be a whole number between 0 and 2147483647."]
    if errors:
        raise BadRequest("Invalid room settings.", code="invalid", details=errors)


def _validate_identity(identity: str) -> None:
    if not identity or len(identity) > IDENTITY_MAX_LENGTH:
        raise BadRequest(
            "identity is required (at most 255 characters).",
            code="invalid",
            details={"identity": ["This field is required (at most 255 characters)."]},
        )


# --- rooms ----------------------------------------------------------------------------------------


def room_create(
    *,
    owner: User,
    name: str,
    empty_timeout: int | None = None,
    max_participants: int | None = None,
    metadata: dict | None = None,
) -> Room:
    """Create a room; a name the owner already uses is a 409 `room_exists` (other owners' names do not
    matter). With LiveKit, the server room too, under the room's `livekit_name`."""
    validate_room_name(name)
    _validate_limits(empty_timeout, max_participants)
    with transaction.atomic():
        room = _room_insert(
            owner=owner, name=name, empty_timeout=empty_timeout, max_participants=max_participants, metadata=metadata or {}
        )
        if livekit_configured():
            # The server call runs inside the transaction on purpose: if LiveKit refuses, the row
            # rolls back (no orphan), and the owner's concurrent create of the same name waits on the
            # unique index until we know, then gets its 409.
            request = api.CreateRoomRequest(
                name=room.livekit_name, empty_timeout=empty_timeout or 0, max_participants=max_participants or 0,
                metadata=json.dumps(metadata) if metadata else "",
            )
            info = client.call(lambda lk: lk.room.create_room(request))
            room.sid = info.sid
            room.save(update_fields=["sid"])
    return room


def _room_insert(*, owner: User, name: str, **fields) -> Room:
    """The owner's new room row; 409 `room_exists` if the owner has a room of this name. Another owner's
    room of the same name is no conflict: if it holds the name on the LiveKit server (or takes it while
    we insert), this room's LiveKit name is suffixed (Room.livekit_name)."""
    livekit_name = livekit_name_for(name)
    while True:
        try:
            with transaction.atomic():
                return Room.objects.create(owner=owner, name=name, livekit_name=livekit_name, **fields)
        except IntegrityError as exc:
            if room_owned(owner, name) is not None:
                raise Conflict("A room with this name already exists.", code="room_exists", details={"name": name}) from exc
            if livekit_name != name:
                raise
            livekit_name = livekit_name_suffixed(name)


def room_ensure(
    *,
    owner: User,
    name: str,
    empty_timeout: int | None = None,
    max_participants: int | None = None,
    metadata: dict | None = None,
) -> Room:
    """Get or create the owner's room of this name (another user's room of the same name is theirs)."""
    existing = room_owned(owner, name)
    if existing is not None:
        return existing
    try:
        return room_create(
            owner=owner, name=name, empty_timeout=empty_timeout, max_participants=max_participants, metadata=metadata
        )
    except Conflict:
        # Lost the race to the owner's concurrent create of the same name: that one is the room.
        existing = room_owned(owner, name)
        if existing is None:
            raise
        return existing


def room_delete(*, room: Room) -> None:
    """Delete the room (and its participants). With LiveKit, the server room first: if the server
    cannot be reached the row stays, so the registry never forgets a room LiveKit still has."""
    if livekit_configured():
        # NotFound: LiveKit already closed it (empty_timeout elapsed), which is the goal anyway.
        with contextlib.suppress(NotFound):
            client.call(lambda lk: lk.room.delete_room(api.DeleteRoomRequest(room=room.livekit_name)))
    Room.objects.filter(pk=room.pk).delete()


def _ts(seconds: int) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds else None


_PARTICIPANT_STATES = {0: "joining", 1: "joined", 2: "active", 3: "disconnected"}


def rooms_live(*, names: list[str]) -> dict[str, LiveRoom]:
    """What the LiveKit server says about these rooms (one ListRooms call), by `livekit_name`; {} without
    a server."""
    if not names or not livekit_configured():
        return {}
    response = client.call(lambda lk: lk.room.list_rooms(api.ListRoomsRequest(names=names)))
    return {
        r.name: LiveRoom(r.sid, r.num_participants, r.num_publishers, _ts(r.creation_time)) for r in response.rooms
    }


def room_live(*, name: str) -> LiveRoom | None:
    """The server's view of one room (by `livekit_name`) with its current participants; None if it is
    not open there."""
    live = rooms_live(names=[name]).get(name)
    if live is None:
        return None
    try:
        response = client.call(lambda lk: lk.room.list_participants(api.ListParticipantsRequest(room=name)))
    except NotFound:
        return LiveRoom(live.sid, 0, 0, live.created_at, participants=[])  # closed between the two calls
    participants = [
        LiveParticipant(p.identity, p.name, p.sid, _PARTICIPANT_STATES.get(p.state, "unknown"), _ts(p.joined_at))
        for p in response.participants
    ]
    return LiveRoom(live.sid, live.num_participants, live.num_publishers, live.created_at, participants)


# --- access tokens --------------------------------------------------------------------------------


def token_mint(
    *,
    identity: str,
    room_name: str,
    name: str = "",
    ttl: int | None = None,
    can_publish: bool = True,
    can_subscribe: bool = True,
    can_publish_data: bool = True,
    metadata: str = "",
) -> MintedToken:
    """A LiveKit access token to join exactly one room, `room_name` being its name on the server
    (`Room.livekit_name`). No authorization here: callers decide."""
    _validate_identity(identity)
    if not room_name:
        raise BadRequest("Invalid room name.", code="invalid_room_name")
    ttl = ttl or settings.LIVEKIT_TOKEN_TTL_SECONDS
    key, secret = client.credentials()
    grants = api.VideoGrants(
        room_join=True, room=room_name,
        can_publish=can_publish, can_subscribe=can_subscribe, can_publish_data=can_publish_data,
    )
    token = (
        api.AccessToken(key, secret)
        .with_identity(identity)
        .with_name(name)
        .with_ttl(timedelta(seconds=ttl))
        .with_grants(grants)
        .with_metadata(metadata)
        .to_jwt()
    )
    # Read exp back from the token itself so the reported expiry is exactly what LiveKit enforces.
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    return MintedToken(token=token, url=settings.LIVEKIT_URL, expires_at=datetime.fromtimestamp(exp, UTC))


def _issued(minted: MintedToken, identity: str, room_name: str) -> IssuedToken:
    return IssuedToken(minted.token, minted.url, identity, room_name, minted.expires_at)


def _room_for_service(room_name: str) -> Room | None:
    """A service token's room: by its LiveKit name (what webhooks and agent jobs carry), or by a name
    only one owner uses. A name several owners use is a 409: a service must say which room it means."""
    rooms = list(Room.objects.filter(Q(livekit_name=room_name) | Q(name=room_name))[:3])
    exact = [room for room in rooms if room.livekit_name == room_name]
    if exact or len(rooms) <= 1:
        return (exact or rooms or [None])[0]
    raise Conflict("Several users have a room of this name: use its LiveKit name.", code="room_ambiguous",
                   details={"roomName": room_name})


def token_issue_for_user(*, user: User, is_service: bool, identity: str, room_name: str, name: str = "") -> IssuedToken:
    """A user gets tokens for rooms they own (by the name they gave it); a service token for any room.
    The token's grant is the room's LiveKit name; the answer names the room as its owner does."""
    missing = {k: ["This field is required."] for k, v in (("identity", identity), ("room_name", room_name)) if not v}
    if missing:
        raise BadRequest("identity and room_name are required.", code="invalid", details=missing)
    _validate_identity(identity)
    room = _room_for_service(room_name) if is_service else room_owned(user, room_name)
    if room is None:
        raise NotFound("Room not found.", code="room_not_found", details={"roomName": room_name})
    return _issued(token_mint(identity=identity, room_name=room.livekit_name, name=name), identity, room.name)


def token_issue_for_pass(*, room_pass: RoomPass, identity: str = "", room_name: str = "", name: str = "") -> IssuedToken:
    """A room pass holder gets a token for the pass's room, as the pass's identity, never longer than
    the pass itself lives. Omitted room/identity default to the pass's; different ones are a 403."""
    if room_name and room_name != room_pass.room_name:
        raise Forbidden("This room pass is for another room.", code="room_pass_room_mismatch")
    if identity and identity != room_pass.identity:
        raise Forbidden("This room pass is for another identity.", code="room_pass_identity_mismatch")
    room = _pass_room(room_pass)
    if room is None:
        raise NotFound("Room not found.", code="room_not_found", details={"roomName": room_pass.room_name})
    remaining = int((room_pass.expires_at - datetime.now(UTC)).total_seconds())
    if remaining < 1:
        raise NotAuthenticated("The room pass has expired.", code="room_pass_expired")
    minted = token_mint(
        identity=room_pass.identity, room_name=room.livekit_name, name=room_pass.name or name,
        ttl=min(settings.LIVEKIT_TOKEN_TTL_SECONDS, remaining),
    )
    return _issued(minted, room_pass.identity, room_pass.room_name)


def _pass_room(room_pass: RoomPass) -> Room | None:
    if room_pass.room_id is None:
        # Issued when room names were global (and were the LiveKit names): the name finds the room.
        return room_by_livekit_name(room_pass.room_name)
    return Room.objects.filter(pk=room_pass.room_id).first() if room_pass.room_id else None


# --- room passes ----------------------------------------------------------------------------------


def room_pass_issue(
    *, room_name: str, room_id, identity: str, name: str = "", scope: dict | None = None, ttl: int | None = None
) -> str:
    """A signed pass that lets its holder (no account needed) get LiveKit tokens for one room as one
    identity until it expires. `room_name` is the name the owner gave the room; `room_id` pins the room
    row (None: no room, so no tokens), so that a room deleted and created again, by anyone, is not
    opened by an old pass. `scope` carries whatever the issuing app needs back (e.g. an interview id)."""
    validate_room_name(room_name)
    _validate_identity(identity)
    expires = int(time.time()) + (ttl or ROOM_PASS_DEFAULT_TTL_SECONDS)
    payload = {"r": room_name, "k": str(room_id or ""), "i": identity, "n": name, "s": scope or {}, "e": expires}
    return ROOM_PASS_PREFIX + signing.dumps(payload, salt=ROOM_PASS_SALT, compress=True)


def room_pass_verify(token: str) -> RoomPass:
    """The pass's content; a forged, malformed or expired pass is a 401."""
    invalid = NotAuthenticated("Invalid room pass.", code="invalid_room_pass")
    if not isinstance(token, str) or not token.startswith(ROOM_PASS_PREFIX):
        raise invalid
    try:
        payload = signing.loads(token[len(ROOM_PASS_PREFIX):], salt=ROOM_PASS_SALT)
    except signing.BadSignature as exc:
        raise invalid from exc
    try:
        room_pass = RoomPass(
            room_name=str(payload["r"]), room_id=str(payload["k"]) if "k" in payload else None, identity=str(payload["i"]), name=str(payload["n"]),
            scope=dict(payload["s"]), expires_at=datetime.fromtimestamp(int(payload["e"]), UTC),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise invalid from exc
    if room_pass.expires_at <= datetime.now(UTC):
        raise NotAuthenticated("The room pass has expired.", code="room_pass_expired")
    return room_pass


# --- agents ---------------------------------------------------------------------------------------


def agent_dispatch(*, room_name: str, metadata: dict) -> str | None:
    """Ask the LiveKit Agents worker named LIVEKIT_AGENT_NAME to join the room (`room_name`: its
    `livekit_name`); the dispatch id, or
    None when no LiveKit server is configured (the embedded interviewer runs in-process instead)."""
    if not livekit_configured():
        return None
    request = api.CreateAgentDispatchRequest(
        agent_name=settings.LIVEKIT_AGENT_NAME, room=room_name,
        metadata=json.dumps(metadata, separators=(",", ":"), default=str),
    )
    dispatch = client.call(lambda lk: lk.agent_dispatch.create_dispatch(request))
    return dispatch.id
