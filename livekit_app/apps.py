from django.apps import AppConfig


class LivekitAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "livekit_app"
