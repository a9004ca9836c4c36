from django.apps import AppConfig


class InterviewsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interviews_app"
