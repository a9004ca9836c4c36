import uuid

import pytest
from rest_framework.test import APIRequestFactory

from juggy.accounts.authentication import acting_user
from juggy.accounts.services import token_create
from juggy.errors import BadRequest, Forbidden, NotFound

pytestmark = pytest.mark.django_db


def _request(user, *, service=False):
    token, _ = token_create(user=user, is_service=service)
    request = APIRequestFactory().get("/")
    request.user, request.auth = user, token
    return request


def test_user_acts_for_itself(user):
    request = _request(user)
    assert acting_user(request) == user
    assert acting_user(request, str(user.id)) == user


def test_user_may_not_name_someone_else(user, other_user):
    with pytest.raises(Forbidden):
        acting_user(_request(user), str(other_user.id))


def test_service_token_acts_for_any_user(make_user, other_user):
    request = _request(make_user(username="svc"), service=True)
    assert acting_user(request, other_user.id) == other_user
    with pytest.raises(NotFound):
        acting_user(request, uuid.uuid4())


def test_user_id_must_be_a_uuid(user):
    with pytest.raises(BadRequest):
        acting_user(_request(user), "not-a-uuid")
