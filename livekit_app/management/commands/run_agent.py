"""`manage.py run_agent`: the AI interviewer's LiveKit Agents worker (`make agent`)."""

import asyncio

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the AI interviewer worker: joins LiveKit interview rooms it is dispatched to."

    def add_arguments(self, parser):
        parser.add_argument("--dev", action="store_true", help="development mode (no idle process pool)")

    def handle(self, *args, dev: bool = False, **options):
        missing = [name for name in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET") if not getattr(settings, name)]
        if missing:
            raise CommandError(
                f"Set {', '.join(missing)}: the interviewer worker connects to a LiveKit server "
                "(LiveKit Cloud or a self-hosted livekit-server; see docs/livekit.md)."
            )
        from livekit_app.agent.worker import build_server

        self.stdout.write(f"Interviewer worker {settings.LIVEKIT_AGENT_NAME!r} connecting to {settings.LIVEKIT_URL}")
        asyncio.run(build_server().run(devmode=dev))
