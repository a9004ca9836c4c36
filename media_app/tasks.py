from celery import shared_task

from juggy.ai.errors import ProviderError
from media_app import services

# Structuring calls a model: a rate limit or timeout is worth a few later attempts.
MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def media_process(self, media_id: str) -> None:
    """Parse (and, if requested, structure) one media. Idempotent: see services.media_parse."""
    try:
        services.media_process(media_id=media_id, final_attempt=self.request.retries >= MAX_RETRIES)
    except ProviderError as exc:
        raise self.retry(exc=exc, countdown=30 * (self.request.retries + 1)) from exc


@shared_task(acks_late=True)
def media_sweep() -> dict[str, int]:
    """Periodic (Celery beat): re-queue or fail media work stuck past its deadline."""
    return services.media_sweep_stuck()
