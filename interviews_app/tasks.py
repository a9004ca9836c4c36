from celery import shared_task

from interviews_app import services
from juggy.ai import ProviderError

MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def interview_summarise(self, interview_id: str) -> None:
    """Write the AI summary of an ended interview; a second run finds nothing pending and returns."""
    try:
        services.interview_summary_build(interview_id=interview_id)
    except ProviderError as exc:
        if self.request.retries >= MAX_RETRIES:
            services.interview_summary_release(interview_id=interview_id, error=str(exc))
            return
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
