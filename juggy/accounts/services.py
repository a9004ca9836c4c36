from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from juggy.accounts.models import ApiToken, CreditAccount, LedgerEntry, Organisation, User, hash_token
from juggy.errors import Conflict, PaymentRequired


class InsufficientCredits(PaymentRequired):
    default_code = "insufficient_credits"
    default_message = "Not enough credits for this operation."


# --- tokens ---------------------------------------------------------------------------------------


def token_create(*, user: User, name: str = "", is_service: bool = False) -> tuple[ApiToken, str]:
    """Create a token; returns it with the plain key, which is never stored and shown only now."""
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user, name=name, is_service=is_service, key_hash=hash_token(key), prefix=key[:12]
    )
    return token, key


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- credits --------------------------------------------------------------------------------------


def credit_account_for_user(user: User) -> CreditAccount:
    account, _ = CreditAccount.objects.get_or_create(user=user)
    return account


def credit_account_for_organisation(organisation: Organisation) -> CreditAccount:
    account, _ = CreditAccount.objects.get_or_create(organisation=organisation)
    return account


def _apply(
    *, account: CreditAccount, kind: str, amount: int, idempotency_key: str | None, memo: str
) -> LedgerEntry:
    if not isinstance(amount, int) or amount <= 0:
        raise ValueError("amount must be a positive integer")
    try:
        with transaction.atomic():
            # Two requests may move the same balance at once (concurrent VAPI turns, a grant during a
            # charge): lock the account row so each reads the balance the other wrote.
            locked = CreditAccount.objects.select_for_update().get(pk=account.pk)
            if idempotency_key:
                existing = LedgerEntry.objects.filter(account=locked, idempotency_key=idempotency_key).first()
                if existing is not None:
                    if existing.kind != kind or existing.amount != amount:
                        raise Conflict(
                            "This idempotency key was already used for a different operation.",
                            code="idempotency_key_reused",
                            details={"idempotencyKey": idempotency_key},
                        )
                    account.balance = locked.balance
                    return existing
            delta = -amount if kind == LedgerEntry.Kind.CHARGE else amount
            new_balance = locked.balance + delta
            if new_balance < 0:
                raise InsufficientCredits(
                    details={"balance": locked.balance, "requested": amount},
                )
            entry = LedgerEntry.objects.create(
                account=locked,
                kind=kind,
                amount=amount,
                balance_after=new_balance,
                idempotency_key=idempotency_key or None,
                memo=memo[:255],
            )
            CreditAccount.objects.filter(pk=locked.pk).update(balance=new_balance, updated_at=timezone.now())
            account.balance = new_balance
            return entry
    except IntegrityError:
        # Without row locks (SQLite) a concurrent twin can win the unique idempotency constraint;
        # the entry it wrote is the answer.
        if idempotency_key:
            existing = LedgerEntry.objects.filter(account=account, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise


def credits_grant(*, account: CreditAccount, amount: int, idempotency_key: str | None = None, memo: str = "") -> LedgerEntry:
    return _apply(account=account, kind=LedgerEntry.Kind.GRANT, amount=amount, idempotency_key=idempotency_key, memo=memo)


def credits_charge(*, account: CreditAccount, amount: int, idempotency_key: str, memo: str = "") -> LedgerEntry:
    """Charge once per idempotency key; refuses (InsufficientCredits) rather than go below zero."""
    return _apply(account=account, kind=LedgerEntry.Kind.CHARGE, amount=amount, idempotency_key=idempotency_key, memo=memo)


def credits_refund(*, account: CreditAccount, amount: int, idempotency_key: str, memo: str = "") -> LedgerEntry:
    return _apply(account=account, kind=LedgerEntry.Kind.REFUND, amount=amount, idempotency_key=idempotency_key, memo=memo)
