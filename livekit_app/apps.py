from django.apps import AppConfig


class LivekitAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Rooms"
    name = "livekit_app"
