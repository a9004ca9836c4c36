from django.conf import settings
from django.core.management.base import BaseCommand

from juggy.accounts.authentication import authenticate_key
from juggy.accounts.models import User
from juggy.accounts.services import credit_account_for_user, credits_grant, token_create

DEMO_USER, DEMO_PASSWORD = "demo", "demo-password"
ADMIN_USER, ADMIN_PASSWORD = "admin", "admin-password"


class Command(BaseCommand):
    help = "Local development only: a demo user with credits and a token, and an admin login."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the server listens.")

    def handle(self, *args, **options):
        base = options["base_url"].rstrip("/")
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
                    f"             curl -H 'Authorization: Bearer {key}' {base}/session/get-all",
                    f"Admin login: {base}/admin/  {ADMIN_USER} / {ADMIN_PASSWORD}",
                    f"API docs:    {base}/api/docs/  (ReDoc: {base}/api/redoc/)",
                    *vapi_lines(base),
                    f"Try it:      .venv/bin/python scripts/demo_interview.py --base-url {base}",
                    "",
                ]
            )
        )


def vapi_lines(base: str) -> list[str]:
    """What to paste into VAPI. The demo token is a user token: VAPI must send the VAPI secret instead."""
    if not settings.VAPI_SECRET:
        return [
            "VAPI:        VAPI_SECRET is not set, so /v2 and /v3 accept only service tokens (403 for the demo",
            "             token). Set it in .env (python scripts/make_env.py writes one) and restart.",
        ]
    return [
        f"VAPI:        assistant > Model > Custom LLM, URL {base}/v2   (enterprise assessments: {base}/v3)",
        f"             credential (custom-llm): Authorization: Bearer {settings.VAPI_SECRET}",
        f"             or the legacy header {settings.VAPI_SECRET_HEADER}: {settings.VAPI_SECRET}",
        f"             server URL for call reports: {base}/vapi/webhook (same secret)",
        "             VAPI calls from the internet: put this server behind a public URL and use that instead.",
        "             The demo token is refused there (403): VAPI sends the VAPI secret, not a user token.",
    ]
