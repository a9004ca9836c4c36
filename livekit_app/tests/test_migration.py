"""Existing rooms keep their name on the LiveKit server when names become per owner: the migration,
run on real rows."""

import pytest
from django.db import IntegrityError, transaction

BEFORE = [("livekit_app", "0002_verbose_names")]
AFTER = [("livekit_app", "0004_room_names_per_owner")]


@pytest.mark.django_db(transaction=True)
def test_existing_rooms_keep_their_livekit_name(migrate):
    old = migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Room = old.get_model("livekit_app", "Room")
    ann, bob = User.objects.create(username="ann"), User.objects.create(username="bob")
    live = Room.objects.create(owner=ann, name="interview-room-123", state="active", sid="RM_1")
    other = Room.objects.create(owner=bob, name="standup")

    new = migrate(AFTER)
    Room = new.get_model("livekit_app", "Room")
    assert dict(Room.objects.values_list("pk", "livekit_name")) == {
        live.pk: "interview-room-123", other.pk: "standup"}
    assert Room.objects.get(pk=live.pk).sid == "RM_1"
    # Names are now unique per owner, LiveKit names everywhere.
    Room.objects.create(owner_id=bob.pk, name="interview-room-123", livekit_name="interview-room-123.00ff")
    for clash in ({"owner_id": ann.pk, "name": "interview-room-123", "livekit_name": "x.1"},
                  {"owner_id": ann.pk, "name": "fresh", "livekit_name": "standup"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Room.objects.create(**clash)
