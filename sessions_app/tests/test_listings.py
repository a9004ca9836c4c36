from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions_app.listings import VERSIONS
from sessions_app.models import Session
from sessions_app.tests.factories import MediaFactory, SessionFactory, TurnFactory

pytestmark = pytest.mark.django_db

PATHS = {name: "/" + v.path for name, v in VERSIONS.items()}


def items(body):
    return body if isinstance(body, list) else body["items"]


def make_sessions(owner, org, n):
    """n sessions of `owner`: practice ones with media and turns, and enterprise ones of `org`."""
    for i in range(n):
        if i % 2:
            session = SessionFactory(user=owner, enterprise=True, organisation=org)
        else:
            session = SessionFactory(user=owner, media=MediaFactory(owner=owner), analysis_score=3.5,
                                     analysis={"recommendation": "hire"}, analysis_status="done")
        TurnFactory(session=session, index=0)


@pytest.mark.parametrize("name", list(VERSIONS))
def test_query_count_is_the_same_for_1_and_200_sessions(name, recruiter_client, recruiter, org, make_user):
    path = PATHS[name] + ("?limit=100" if VERSIONS[name].pagination != "none" else "")
    make_sessions(recruiter, org, 1)
    recruiter_client.get(path)  # the token's last_used_at is written on the first request only
    with CaptureQueriesContext(connection) as one:
        first = recruiter_client.get(path)
    assert first.status_code == 200 and len(items(first.json())) == 1
    make_sessions(recruiter, org, 199)
    with CaptureQueriesContext(connection) as many:
        second = recruiter_client.get(path)
    assert second.status_code == 200
    assert len(items(second.json())) == (200 if VERSIONS[name].pagination == "none" else 100)
    assert len(one) == len(many), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 3  # token lookup, (count,) the page


def test_versions_return_their_declared_fields(api_client, user):
    SessionFactory(user=user, media=MediaFactory(owner=user))
    expected = {
        "v1": {"context", "questions", "analysis", "turnCount", "resumeAttached"},
        "v2": {"media", "context", "questions"},
        "v3": {"targetRole", "analysisStatus"},
        "v4": {"analysisScore", "recommendation", "analysedAt"},
        "v5": {"organisation", "template", "candidate"},
        "v6": {"analysisScore", "organisation", "candidate"},
        "paginated": {"context", "questions", "analysis"},
    }
    for name, fields in expected.items():
        row = items(api_client.get(PATHS[name]).json())[0]
        assert fields <= set(row), name
    light = items(api_client.get(PATHS["v3"]).json())[0]
    assert not {"context", "questions", "analysis", "media", "analysisScore", "organisation"} & set(light)
    assert items(api_client.get(PATHS["v2"]).json())[0]["media"]["originalName"] == "resume.pdf"
    assert "media" not in items(api_client.get(PATHS["v1"]).json())[0]


def test_listings_never_show_other_users_sessions(api_client, other_client, user, other_user):
    mine = SessionFactory(user=user)
    SessionFactory(user=other_user)
    for name, path in PATHS.items():
        ids = [row["id"] for row in items(api_client.get(path).json())]
        assert ids == [str(mine.pk)], name


def test_v5_and_v6_add_organisation_sessions_only_for_its_staff(
    recruiter_client, other_recruiter_client, api_client, recruiter, make_user, org
):
    colleague = make_user(username="colleague")
    theirs = SessionFactory(user=colleague, enterprise=True, organisation=org)
    for name in ("v5", "v6"):
        assert [r["id"] for r in items(recruiter_client.get(PATHS[name]).json())] == [str(theirs.pk)]
        assert items(other_recruiter_client.get(PATHS[name]).json()) == []
        assert items(api_client.get(PATHS[name]).json()) == []
    # The other versions list only the caller's own sessions.
    assert recruiter_client.get(PATHS["v1"]).json() == []
    row = items(recruiter_client.get(PATHS["v5"]).json())[0]
    assert row["organisation"]["name"] == "Acme Hiring" and row["candidate"]["name"]


def test_paginated_pages_and_limits(api_client, user):
    created = [SessionFactory(user=user) for _ in range(5)]
    newest_first = [str(s.pk) for s in reversed(created)]
    body = api_client.get(PATHS["paginated"] + "?page=2&limit=2").json()
    assert [r["id"] for r in body["items"]] == newest_first[2:4]
    assert (body["page"], body["limit"], body["total"], body["totalPages"], body["hasNext"]) == (2, 2, 5, 3, True)
    last = api_client.get(PATHS["paginated"] + "?page=3&limit=2").json()
    assert len(last["items"]) == 1 and last["hasNext"] is False
    assert api_client.get(PATHS["paginated"] + "?page=9&limit=2").json()["items"] == []
    assert api_client.get(PATHS["paginated"]).json()["limit"] == 20


@pytest.mark.parametrize("query", ["page=0", "limit=0", "limit=101", "page=abc", "limit=-3"])
def test_paginated_rejects_bad_parameters(api_client, query):
    response = api_client.get(PATHS["paginated"] + "?" + query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_v6_cursor_walks_every_session_once(api_client, user):
    created = {str(SessionFactory(user=user).pk) for _ in range(7)}
    # Same timestamp for several rows: the id breaks the tie, nothing is skipped or repeated.
    Session.objects.filter(pk__in=list(created)[:4]).update(created_at=timezone.now())
    seen, cursor, pages = [], "", 0
    while True:
        response = api_client.get(PATHS["v6"], {"limit": 3, "cursor": cursor})
        # The contract's "list of session objects": the cursor travels in the headers.
        assert isinstance(response.json(), list)
        seen += [r["id"] for r in response.json()]
        pages += 1
        cursor = response.headers.get("X-Next-Cursor")
        if cursor is None:
            assert "Link" not in response.headers
            break
    assert pages == 3 and len(seen) == 7 and set(seen) == created


def test_v6_link_header_follows_to_the_next_page_with_the_same_filters(api_client, user):
    completed = {str(SessionFactory(user=user, status="completed").pk) for _ in range(3)}
    SessionFactory(user=user, status="created")
    first = api_client.get(PATHS["v6"], {"limit": 2, "status": "completed"})
    link = first.headers["Link"]
    assert link.startswith("<http://testserver/session/get-all/v6?") and link.endswith('>; rel="next"')
    url = link[1 : link.index(">")]
    assert "status=completed" in url and "limit=2" in url
    assert f"cursor={first.headers['X-Next-Cursor']}" in url
    second = api_client.get(url)
    assert len(second.json()) == 1 and "Link" not in second.headers
    assert {r["id"] for r in first.json() + second.json()} == completed


def test_v6_filters(api_client, user, recruiter, org):
    from juggy.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=user, organisation=org)
    old = SessionFactory(user=user, status="completed", assessment_area="Data science")
    Session.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    recent = SessionFactory(user=user, status="created", context={"target_role": "Staff engineer"})
    enterprise = SessionFactory(user=recruiter, enterprise=True, organisation=org, candidate__name="Zed Candidate")

    def ids(**params):
        response = api_client.get(PATHS["v6"], params)
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()}

    assert ids() == {str(old.pk), str(recent.pk), str(enterprise.pk)}
    assert ids(status="completed") == {str(old.pk)}
    assert ids(kind="enterprise") == {str(enterprise.pk)}
    week_ago = (timezone.now() - timedelta(days=7)).isoformat()
    assert ids(createdAfter=week_ago) == {str(recent.pk), str(enterprise.pk)}
    assert ids(createdBefore=week_ago) == {str(old.pk)}
    assert ids(q="data sci") == {str(old.pk)}
    assert ids(q="staff ENG") == {str(recent.pk)}
    assert ids(q="zed") == {str(enterprise.pk)}


@pytest.mark.parametrize(
    "params, code",
    [
        ({"status": "bogus"}, "invalid"),
        ({"kind": "x"}, "invalid"),
        ({"createdAfter": "yesterday"}, "invalid"),
        ({"createdAfter": "2030-01-02T00:00:00Z", "createdBefore": "2030-01-01T00:00:00Z"}, "invalid"),
        ({"cursor": "%%%garbage"}, "invalid_cursor"),
        ({"cursor": "WyJub3QgYSBkYXRlIiwgMV0"}, "invalid_cursor"),
        ({"limit": 1000}, "invalid"),
    ],
)
def test_v6_rejects_bad_parameters(api_client, params, code):
    response = api_client.get(PATHS["v6"], params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_service_token_lists_for_named_user(service_client, api_client, user, other_user):
    mine = SessionFactory(user=user)
    body = service_client.get(PATHS["v3"], {"userId": str(user.id)}).json()
    assert [r["id"] for r in body] == [str(mine.pk)]
    assert api_client.get(PATHS["v3"], {"userId": str(other_user.id)}).status_code == 403


def test_listings_require_authentication(anon_client):
    for path in PATHS.values():
        assert anon_client.get(path).status_code == 401


def test_each_version_is_documented_in_the_schema(api_client):
    import yaml

    schema = yaml.safe_load(api_client.get("/api/schema").content)
    operations = {}
    for name, version in VERSIONS.items():
        operation = schema["paths"]["/" + version.path]["get"]
        assert operation["description"] == version.description
        operations[operation["operationId"]] = name
    assert len(operations) == len(VERSIONS)
    params = {p["name"] for p in schema["paths"]["/session/get-all/v6"]["get"]["parameters"]}
    assert {"cursor", "limit", "status", "kind", "createdAfter", "createdBefore", "q"} <= params
    page_params = {p["name"] for p in schema["paths"]["/session/get-all/paginated"]["get"]["parameters"]}
    assert {"page", "limit"} <= page_params
    v6 = schema["paths"]["/session/get-all/v6"]["get"]["responses"]["200"]
    assert v6["content"]["application/json"]["schema"]["type"] == "array"
    assert {"Link", "X-Next-Cursor"} <= set(v6["headers"])
