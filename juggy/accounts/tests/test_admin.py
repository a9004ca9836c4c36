import pytest
from django.test import Client
from django.urls import reverse

from juggy.accounts.models import CreditAccount, LedgerEntry
from juggy.accounts.services import credit_account_for_user, credits_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user):
    admin = make_user(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "model", ["user", "organisation", "membership", "apitoken", "creditaccount", "ledgerentry"]
)
def test_changelists_load(admin_client, model, user):
    response = admin_client.get(reverse(f"admin:accounts_{model}_changelist"))
    assert response.status_code == 200


def test_ledger_entries_are_read_only_and_undeletable(admin_client, user):
    entry = credits_grant(account=credit_account_for_user(user), amount=10)
    url = reverse("admin:accounts_ledgerentry_change", args=[entry.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'name="amount"' not in page.content  # shown, not editable
    admin_client.post(url, {"amount": 999, "kind": "grant"})
    entry.refresh_from_db()
    assert entry.amount == 10
    delete = admin_client.post(reverse("admin:accounts_ledgerentry_delete", args=[entry.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_admin_adds_credits_only_through_the_ledger(admin_client, user):
    account = credit_account_for_user(user)
    response = admin_client.post(
        reverse("admin:accounts_ledgerentry_add"),
        {"account": account.pk, "kind": "grant", "amount": 25, "idempotency_key": "", "memo": "goodwill"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert CreditAccount.objects.get(pk=account.pk).balance == 25
    # Balance is not a form field on the account either.
    page = admin_client.get(reverse("admin:accounts_creditaccount_change", args=[account.pk]))
    assert b'name="balance"' not in page.content


def test_admin_charge_that_would_overdraw_is_refused_in_the_form(admin_client, user):
    account = credit_account_for_user(user)
    response = admin_client.post(
        reverse("admin:accounts_ledgerentry_add"),
        {"account": account.pk, "kind": "charge", "amount": 5, "idempotency_key": "", "memo": ""},
    )
    assert response.status_code == 200
    assert b"Not enough credits" in response.content
    assert not LedgerEntry.objects.filter(account=account).exists()


def test_new_token_is_shown_once_in_the_admin(admin_client, user):
    response = admin_client.post(
        reverse("admin:accounts_apitoken_add"), {"user": user.pk, "name": "frontend"}, follow=True
    )
    assert response.status_code == 200
    assert b"jgy_" in response.content
