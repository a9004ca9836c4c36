from django.apps import AppConfig


class MediaAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Resumes"
    name = "media_app"
