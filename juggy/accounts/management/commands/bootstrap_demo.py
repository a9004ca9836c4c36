from django.conf import settings
from django.core.management.base import BaseCommand

from juggy.accounts.authentication import authenticate_key
from juggy.accounts.models import User
from juggy.accounts.services import credit_account_for_user, credits_grant, token_create

DEMO_USER, DEMO_PASSWORD = "demo", "demo-password"
ADMIN_USER, ADMIN_PASSWORD = "admin", "admin-password"


class Command(BaseCommand):
    help = "Local development only: a demo user with credits and a token, and an admin login."

    def handle(self, *args, **options):
        demo, created = User.objects.get_or_create(username=DEMO_USER, defaults={"email": "demo@example.com"})
        if created:
            demo.set_password(DEMO_PASSWORD)
            demo.save()
            credits_grant(account=credit_account_for_user(demo), amount=100, idempotency_key="demo-welcome",
                          memo="Demo credits")
        admin, created = User.objects.get_or_create(
            username=ADMIN_USER, defaults={"email": "admin@example.com", "is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(ADMIN_PASSWORD)
            admin.save()

        # Keys are stored hashed, so the demo key is kept in a local file to print it on every start.
        key_file = settings.VAR_DIR / "demo-token.txt"
        key = key_file.read_text().strip() if key_file.exists() else ""
        if not key or authenticate_key(key) is None:
            _, key = token_create(user=demo, name="demo")
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(key + "\n")
            key_file.chmod(0o600)

        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Demo user:   {DEMO_USER} / {DEMO_PASSWORD}",
                    f"Demo token:  {key}",
                    f"             curl -H 'Authorization: Bearer {key}' http://127.0.0.1:8000/session/get-all",
                    f"Admin login: http://127.0.0.1:8000/admin/  {ADMIN_USER} / {ADMIN_PASSWORD}",
                    "API docs:    http://127.0.0.1:8000/api/docs/",
                    "",
                ]
            )
        )
