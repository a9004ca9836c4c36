from django.db.models import Q

from juggy.accounts.models import User


def user_by_login(login: str) -> User | None:
    """A user by username or, failing that, by email (case-insensitive)."""
    user = User.objects.filter(username=login).first()
    if user is None and "@" in login:
        user = User.objects.filter(Q(email__iexact=login)).order_by("date_joined").first()
    return user
