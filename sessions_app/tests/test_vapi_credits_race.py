"""Racing first /v2 requests of a call that is linked only through metadata.sessionId: one charge.

Issue 15: the request that linked the call charged `vapi:<call id>:minute:0`, the ones that lost the
link race `vapi:session-<id>:minute:0`: two credits for minute 0 while credits_used said 1.
"""

import threading

import pytest

from juggy.accounts.models import LedgerEntry
from juggy.accounts.services import credit_account_for_user
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory
from sessions_app.tests.test_vapi_chat import SECRET, SYSTEM, fund, raw_post
from testsupport.live_server import daphne_url

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 20


def test_concurrent_first_requests_charge_minute_zero_once(user, settings):
    live_url = daphne_url()  # the session's live server (test_vapi_chat's fixture stops it)
    settings.VAPI_SECRET, settings.VAPI_CREDITS_PER_MINUTE = SECRET, 1
    fund(user, amount=10)
    session = SessionFactory(user=user, status=Session.Status.CREATED)  # no call linked yet
    body = {"model": "gpt-4o", "stream": True, "messages": [SYSTEM],
            "call": {"id": "call-race", "orgId": "org-1", "type": "webCall", "status": "in-progress"},
            "metadata": {"sessionId": str(session.pk)}}
    statuses, barrier = [], threading.Barrier(REQUESTS)

    def first_request():
        barrier.wait()
        statuses.append(raw_post(live_url, "/v2/chat/completions", body, {"Authorization": f"Bearer {SECRET}"})[0])

    threads = [threading.Thread(target=first_request) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * REQUESTS
    account = credit_account_for_user(user)
    charges = LedgerEntry.objects.filter(account=account, kind=LedgerEntry.Kind.CHARGE)
    assert list(charges.values_list("idempotency_key", "amount")) == [(f"vapi:session-{session.pk}:minute:0", 1)]
    assert account.balance == 9
    session.refresh_from_db()
    assert session.call_id == "call-race" and session.credits_used == 1
