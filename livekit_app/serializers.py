from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from livekit_app.models import ROOM_NAME_PATTERN, Participant, Room

_ROOM_NAME_HELP = "1-64 characters: letters, digits, '-' and '_', starting with a letter or digit."

# --- input ----------------------------------------------------------------------------------------


class _TokenInput(serializers.Serializer):
    """Identity and room are required unless the caller holds a room pass (context `room_pass`), whose
    own identity and room are the defaults. Missing ones are reported under the name the client uses."""

    room_field = "room"

    def validate(self, attrs):
        if not self.context.get("room_pass"):
            missing = {f: ["This field is required."] for f in ("identity", self.room_field) if not attrs.get(f)}
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


class LivekitTokenQuerySerializer(_TokenInput):
    """GET /livekit/token query. With a room pass, identity and room default to the pass's."""

    identity = serializers.CharField(required=False, allow_blank=True, max_length=255)
    room = serializers.CharField(required=False, allow_blank=True, max_length=64)
    name = serializers.CharField(required=False, allow_blank=True, max_length=255)


class LivekitTokenRequestSerializer(_TokenInput):
    room_field = "room_name"

    identity = serializers.CharField(required=False, allow_blank=True, max_length=255)
    room_name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    name = serializers.CharField(required=False, allow_blank=True, max_length=255)


class LivekitRoomCreateSerializer(serializers.Serializer):
    name = serializers.RegexField(ROOM_NAME_PATTERN, max_length=64, help_text=_ROOM_NAME_HELP,
                                  error_messages={"invalid": _ROOM_NAME_HELP})
    # The columns are PostgreSQL integers (and LiveKit's uint32): at most 2**31 - 1.
    empty_timeout = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1,
                                             help_text="Seconds LiveKit keeps the room open while empty.")
    max_participants = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1,
                                                help_text="0 or absent: no limit.")
    metadata = serializers.DictField(required=False, default=dict)

    def validate_metadata(self, value):
        # PostgreSQL's jsonb cannot hold NUL in a string (lone surrogates are refused by the JSON parser).
        if any("\x00" in text for text in _strings(value)):
            raise serializers.ValidationError("Strings in metadata may not contain the NUL character (\\u0000).")
        return value


def _strings(value):
    """Every key and string inside a JSON value."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class LivekitRoomListQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Room.State.choices, required=False, help_text="Only rooms in this state.")


# --- output ---------------------------------------------------------------------------------------


class LivekitTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="LiveKit access token (JWT) to join exactly this room.")
    url = serializers.CharField(help_text="LiveKit server URL to connect to; empty without a LiveKit server.")
    identity = serializers.CharField()
    room_name = serializers.CharField()
    expires_at = serializers.DateTimeField()


class LivekitParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["identity", "name", "sid", "state", "joined_at", "left_at"]


class LivekitLiveParticipantSerializer(serializers.Serializer):
    identity = serializers.CharField()
    name = serializers.CharField()
    sid = serializers.CharField()
    state = serializers.ChoiceField(choices=["joining", "joined", "active", "disconnected", "unknown"])
    joined_at = serializers.DateTimeField(allow_null=True)


class LivekitLiveRoomSerializer(serializers.Serializer):
    sid = serializers.CharField()
    num_participants = serializers.IntegerField()
    num_publishers = serializers.IntegerField()
    created_at = serializers.DateTimeField(allow_null=True)
    participants = LivekitLiveParticipantSerializer(many=True, allow_null=True,
                                             help_text="Listed on GET /livekit/room/{roomName} only.")


class LivekitRoomSerializer(serializers.ModelSerializer):
    participants = LivekitParticipantSerializer(many=True, read_only=True,
                                         help_text="Everyone who joined, as reported by LiveKit webhooks.")
    live = serializers.SerializerMethodField(help_text=(
        "The LiveKit server's view when a server is configured and the room is open there; otherwise null."
    ))

    class Meta:
        model = Room
        fields = ["id", "name", "owner", "state", "sid", "empty_timeout", "max_participants", "metadata",
                  "created_at", "started_at", "finished_at", "participants", "live"]
        read_only_fields = fields

    @extend_schema_field(LivekitLiveRoomSerializer(allow_null=True))
    def get_live(self, room):
        live = self.context.get("live", {}).get(room.livekit_name)
        return LivekitLiveRoomSerializer(live).data if live is not None else None
