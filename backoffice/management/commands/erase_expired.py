from django.conf import settings
from django.core.management.base import BaseCommand

from backoffice import services


class Command(BaseCommand):
    help = "Erase finished interviews older than DATA_RETENTION_DAYS (what the periodic task does)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be erased; change nothing.")
        parser.add_argument("--limit", type=int, default=500, help="At most this many interviews per run.")

    def handle(self, *args, dry_run: bool, limit: int, **options):
        if settings.DATA_RETENTION_DAYS <= 0:
            self.stdout.write("Retention is off (DATA_RETENTION_DAYS is 0): nothing to erase.")
            return
        conversations = services.retention_sweep(dry_run=dry_run, limit=limit)
        verb = "Would erase" if dry_run else "Erased"
        self.stdout.write(f"{verb} {len(conversations)} interview(s) finished more than "
                          f"{settings.DATA_RETENTION_DAYS} days ago.")
        for conversation in conversations:
            carrier = services.transport_of(conversation)
            finished = conversation.ended_at or conversation.created_at
            self.stdout.write(f"  {services.object_type_of(carrier)} {carrier.pk if carrier else conversation.pk} "
                              f"finished {finished:%Y-%m-%d} ({conversation.get_status_display().lower()})")
