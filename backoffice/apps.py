from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "backoffice"
    verbose_name = "Audit and erasure"

    def ready(self) -> None:
        from backoffice import audit, tasks  # noqa: F401  (auditlog registrations, Celery tasks)
