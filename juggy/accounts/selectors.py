from django.db.models import Q

from juggy.accounts.models import Membership, User


def user_by_login(login: str) -> User | None:
    """A user by username or, failing that, by email (case-insensitive)."""
    user = User.objects.filter(username=login).first()
    if user is None and "@" in login:
        user = User.objects.filter(Q(email__iexact=login)).order_by("date_joined").first()
    return user


def organisation_ids_for_staff(user: User) -> list:
    """Organisations whose enterprise data this user may see as recruiter or admin."""
    return list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
