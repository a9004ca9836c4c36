from django.core.management.base import BaseCommand, CommandError

from juggy.accounts.selectors import user_by_login
from juggy.accounts.services import token_create


class Command(BaseCommand):
    help = "Create an API token for a user (by username or email) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("user", help="Username or email.")
        parser.add_argument("--name", default="cli", help="A label for the token.")
        parser.add_argument("--service", action="store_true", help="A service token: may act for any user.")

    def handle(self, *args, user, name, service, **options):
        found = user_by_login(user)
        if found is None:
            raise CommandError(f"No user {user!r}.")
        _, key = token_create(user=found, name=name, is_service=service)
        self.stdout.write(key)
