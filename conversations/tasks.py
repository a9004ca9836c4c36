import logging

from celery import shared_task

from conversations import services
from juggy.ai import AIError, ProviderError

logger = logging.getLogger("juggy.conversations")

MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def conversation_analyse(self, conversation_id: str, run_id: str) -> None:
    """Analyse a conversation for the claimed run `run_id` (see services.analysis_request).

    One retry policy for every analysis: a transient model failure is retried with backoff by a worker;
    anything else, the last retry, or eager mode (no worker to retry later) fails the run, and the next
    request for the analysis queues it again."""
    try:
        services.analysis_run(conversation_id=conversation_id, run_id=run_id)
    except AIError as exc:
        transient = isinstance(exc, ProviderError) and exc.transient
        if transient and not self.request.is_eager and self.request.retries < MAX_RETRIES:
            raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
        logger.warning("analysis of conversation %s failed: %s", conversation_id, exc)
        services.analysis_fail(conversation_id=conversation_id, run_id=run_id, error=str(exc) or exc.__class__.__name__)


@shared_task(acks_late=True)
def conversation_sweep() -> int:
    """Periodic (Celery beat): re-queue analyses and summaries stuck past their deadline."""
    return services.analysis_sweep_stuck()
