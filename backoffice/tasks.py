import logging

from celery import shared_task

from backoffice import services

logger = logging.getLogger("juggy.backoffice")


@shared_task(acks_late=True)
def erasure_run(erasure_id: str) -> None:
    """Run one queued erasure; its row shows pending → running → done (or failed with the error).
    Safe to run twice: the erasure itself is idempotent and a finished one is not run again."""
    services.erasure_run(erasure_id=erasure_id)


@shared_task(acks_late=True)
def retention_sweep() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): erase finished interviews older than DATA_RETENTION_DAYS."""
    erased = services.retention_sweep()
    if erased:
        logger.info("retention: erased %d interview(s)", len(erased))
    return len(erased)
