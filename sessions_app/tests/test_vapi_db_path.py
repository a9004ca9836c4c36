"""The database work of one mid-interview VAPI turn: one read before the first token, one write
transaction after the reply (docs/vapi.md, "Performance")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversations.models import Turn
from juggy.accounts.services import credit_account_for_user, credits_grant
from juggy.ai import get_engine
from sessions_app.tests.factories import GOOD_ANSWERS, SessionFactory
from sessions_app.vapi.live import _find_and_prepare
from sessions_app.vapi.payload import ChatRequest
from sessions_app.vapi.services import Prepared

pytestmark = pytest.mark.django_db

# BEGIN and COMMIT of the one write transaction are round trips too (Django does not log them).
TRANSACTION_ROUND_TRIPS = 2


def request(history: list[dict]) -> ChatRequest:
    return ChatRequest.parse({"model": "gpt-4o", "stream": True, "call": {"id": "call-db"},
                              "messages": [{"role": "system", "content": "You interview."}, *history]})


def take_turn(history: list[dict]) -> tuple[Prepared, list, list]:
    """The turn's reads (find and prepare) and writes (store), each counted."""
    from conversations.streaming import StreamingTurn

    with CaptureQueriesContext(connection) as reads:
        prepared, why = _find_and_prepare(request(history), "standard")
    assert prepared is not None, why
    turn = prepared.turn
    result = get_engine().turn(turn.ctx, turn.plan, turn.state, turn.history)
    with CaptureQueriesContext(connection) as writes:
        assert StreamingTurn(turn, transport="vapi").store(result.utterance, result, None) is False
    # The test runs in a transaction, so the write's BEGIN/COMMIT show as a savepoint pair: counted apart.
    statements = [q for q in writes if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    return prepared, list(reads), statements


def test_a_mid_interview_turn_takes_at_most_six_round_trips(user):
    credits_grant(account=credit_account_for_user(user), amount=50, idempotency_key="db-path")
    session = SessionFactory(user=user, call_id="call-db")
    history: list[dict] = []
    for answer in GOOD_ANSWERS:  # the opening (which plans and charges the first minute), then answers
        _, reads, writes = take_turn(history)
        reply = Turn.objects.filter(conversation__session=session).order_by("-index").first().text
        history += [{"role": "assistant", "content": reply}, {"role": "user", "content": answer}]

    _, reads, writes = take_turn(history)
    assert len(reads) <= 2, [q["sql"] for q in reads]  # the session with its conversation; the turns
    assert len(writes) <= 2, [q["sql"] for q in writes]  # the compare-and-set UPDATE; one INSERT of the turns
    assert len(reads) + len(writes) + TRANSACTION_ROUND_TRIPS <= 6
    assert not any("FOR UPDATE" in q["sql"] or "COUNT(" in q["sql"] for q in reads + writes)
    speakers = list(Turn.objects.filter(conversation__session=session).order_by("index")
                    .values_list("speaker", flat=True))
    assert speakers == ["interviewer", "candidate"] * len(GOOD_ANSWERS) + ["interviewer"]
