from django.apps import AppConfig


class InterviewsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Live interviews"
    name = "interviews_app"
