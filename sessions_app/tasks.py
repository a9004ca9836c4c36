import logging

from celery import shared_task

from sessions_app import services

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def session_analyse(self, session_id: str, run_id: str) -> None:
    """Analyse a session's transcript for the claimed run `run_id` (see services.analysis_request)."""
    from juggy.ai.errors import AIError, ProviderError

    try:
        services.analysis_run(session_id=session_id, run_id=run_id)
    except AIError as exc:
        transient = isinstance(exc, ProviderError) and exc.transient
        # Eager mode (embedded) has no worker to retry later: the run fails and the next
        # GET /session/analyse asks again.
        if transient and not self.request.is_eager and self.request.retries < MAX_RETRIES:
            raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
        logger.warning("analysis of session %s failed: %s", session_id, exc)
        services.analysis_fail(session_id=session_id, run_id=run_id, error=str(exc) or exc.__class__.__name__)
