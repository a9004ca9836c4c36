import threading

import pytest
from django.db import connection

from juggy.accounts.models import CreditAccount, LedgerEntry
from juggy.accounts.services import (
    InsufficientCredits,
    credit_account_for_organisation,
    credit_account_for_user,
    credits_charge,
    credits_grant,
    credits_refund,
)
from juggy.accounts.tests.factories import OrganisationFactory
from juggy.errors import Conflict, http_status


@pytest.fixture
def account(user):
    account = credit_account_for_user(user)
    credits_grant(account=account, amount=100, memo="welcome")
    return account


def test_grant_charge_refund_move_the_balance(account):
    credits_charge(account=account, amount=30, idempotency_key="call-1")
    credits_refund(account=account, amount=10, idempotency_key="refund-1")
    account.refresh_from_db()
    assert account.balance == 80
    kinds = list(account.entries.order_by("id").values_list("kind", "amount", "balance_after"))
    assert kinds == [("grant", 100, 100), ("charge", 30, 70), ("refund", 10, 80)]


def test_same_charge_twice_counts_once(account):
    first = credits_charge(account=account, amount=5, idempotency_key="call-7:minute-1")
    second = credits_charge(account=account, amount=5, idempotency_key="call-7:minute-1")
    assert first.pk == second.pk
    account.refresh_from_db()
    assert account.balance == 95
    assert LedgerEntry.objects.filter(kind="charge").count() == 1


def test_reusing_a_key_for_another_amount_is_a_conflict(account):
    credits_charge(account=account, amount=5, idempotency_key="k")
    with pytest.raises(Conflict):
        credits_charge(account=account, amount=6, idempotency_key="k")


def test_a_charge_below_zero_is_refused_and_changes_nothing(account):
    with pytest.raises(InsufficientCredits) as excinfo:
        credits_charge(account=account, amount=101, idempotency_key="too-much")
    assert http_status(excinfo.value) == 402  # through the one table
    assert excinfo.value.details == {"balance": 100, "requested": 101}
    account.refresh_from_db()
    assert account.balance == 100
    assert not LedgerEntry.objects.filter(idempotency_key="too-much").exists()


def test_amounts_must_be_positive(account):
    with pytest.raises(ValueError):
        credits_charge(account=account, amount=0, idempotency_key="zero")


def test_ledger_rows_are_append_only(account):
    entry = account.entries.first()
    entry.memo = "changed"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_organisation_accounts_are_separate(account, db):
    org_account = credit_account_for_organisation(OrganisationFactory())
    credits_grant(account=org_account, amount=7)
    assert CreditAccount.objects.get(pk=org_account.pk).balance == 7
    assert CreditAccount.objects.get(pk=account.pk).balance == 100


def _run_in_threads(n, target):
    barrier = threading.Barrier(n)
    errors = []

    def worker(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_charges_leave_the_exact_balance(user):
    account = credit_account_for_user(user)
    credits_grant(account=account, amount=1000)

    def charge_twice(i):
        # The repeat of the same charge (a client retry) must count once, even under contention.
        credits_charge(account=account, amount=7, idempotency_key=f"c{i}")
        credits_charge(account=account, amount=7, idempotency_key=f"c{i}")

    # 50 threads (each its own connection; PostgreSQL's default limit is 100) charging at once.
    errors = _run_in_threads(50, charge_twice)
    assert errors == []
    account.refresh_from_db()
    assert account.balance == 1000 - 50 * 7
    assert LedgerEntry.objects.filter(account=account, kind="charge").count() == 50
    balances = sorted(LedgerEntry.objects.filter(kind="charge").values_list("balance_after", flat=True))
    assert balances == list(range(1000 - 50 * 7, 1000, 7))


@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_concurrent_charges_never_overdraw(user):
    account = credit_account_for_user(user)
    credits_grant(account=account, amount=100)
    errors = _run_in_threads(50, lambda i: credits_charge(account=account, amount=3, idempotency_key=f"o{i}"))
    account.refresh_from_db()
    assert account.balance == 100 - 33 * 3
    assert len(errors) == 17 and all(isinstance(e, InsufficientCredits) for e in errors)
