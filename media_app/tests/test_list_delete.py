"""GET /media/get-all, GET /media/{id}, DELETE /media/delete/{id}."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from media_app.models import Media
from media_app.tests.factories import MediaFactory


@pytest.mark.django_db
def test_get_all_lists_only_my_media_newest_first(api_client, user, other_user):
    older = MediaFactory(owner=user, original_name="old.txt")
    newer = MediaFactory(owner=user, original_name="new.txt", state=Media.State.FAILED, parse_error="Nope.")
    MediaFactory(owner=other_user)

    response = api_client.get("/media/get-all")

    assert response.status_code == 200
    items = response.json()
    assert [i["mediaId"] for i in items] == [str(newer.id), str(older.id)]
    assert items[0]["state"] == "failed" and items[0]["parseError"] == "Nope."
    assert items[1]["originalName"] == "old.txt" and items[1]["contentType"] == "text/plain"
    assert "text" not in items[0] and "structured" not in items[0]


@pytest.mark.django_db
def test_get_all_query_count_does_not_grow(api_client, user, django_assert_num_queries):
    MediaFactory.create_batch(2, owner=user)
    api_client.get("/media/get-all")  # the first request stamps the token's last use
    with CaptureQueriesContext(connection) as few:
        assert len(api_client.get("/media/get-all").json()) == 2
    MediaFactory.create_batch(20, owner=user)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api_client.get("/media/get-all").json()) == 22
    # One query for the token, one for the media.
    assert len(few.captured_queries) == 2


@pytest.mark.django_db
def test_detail_has_text_and_structure(api_client, user):
    media = MediaFactory(owner=user, structured={"name": "Jane"}, structure_state=Media.StructureState.DONE)
    body = api_client.get(f"/media/{media.id}").json()
    assert body["mediaId"] == str(media.id)
    assert body["text"].startswith("Jane Doe")
    assert body["structured"] == {"name": "Jane"}


@pytest.mark.django_db
def test_someone_elses_media_is_404(api_client, other_user):
    media = MediaFactory(owner=other_user)
    for response in (api_client.get(f"/media/{media.id}"), api_client.delete(f"/media/delete/{media.id}")):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "media_not_found"
    assert Media.objects.filter(pk=media.pk).exists()


@pytest.mark.django_db
def test_unknown_or_malformed_id_is_404(api_client):
    assert api_client.delete("/media/delete/00000000-0000-0000-0000-000000000000").status_code == 404
    assert api_client.delete("/media/delete/not-a-uuid").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_delete_removes_row_and_file(api_client, user):
    media = MediaFactory(owner=user)
    name, storage = media.file.name, media.file.storage
    assert storage.exists(name)

    response = api_client.delete(f"/media/delete/{media.id}/")

    assert response.status_code == 200
    assert response.json() == {"message": "media deleted successfully"}
    assert not Media.objects.filter(pk=media.pk).exists()
    assert not storage.exists(name)


@pytest.mark.django_db
def test_file_is_kept_if_the_delete_rolls_back(user, django_capture_on_commit_callbacks):
    from django.db import transaction

    from media_app.services import media_delete

    media = MediaFactory(owner=user)
    media_id, name, storage = media.id, media.file.name, media.file.storage
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                media_delete(media=media)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == [] and storage.exists(name)
    assert Media.objects.filter(pk=media_id).exists()


@pytest.mark.django_db(transaction=True)
def test_sessions_keep_working_after_media_deleted(api_client, user):
    # A session copies the resume when it is created; deleting the media only unlinks it.
    from sessions_app.models import Session
    from sessions_app.services import session_create_standard

    media = MediaFactory(owner=user, structured={"name": "Jane Doe"}, state="parsed")
    session = session_create_standard(user=user, media_id=media.id, plan_now=False)

    assert api_client.delete(f"/media/delete/{media.id}").status_code == 200

    conversation = Session.objects.get(pk=session.pk).conversation
    assert conversation.media_id is None
    assert conversation.resume_text.startswith("Jane Doe") and conversation.resume == {"name": "Jane Doe"}
