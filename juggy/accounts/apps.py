from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Accounts"
    name = "juggy.accounts"
    label = "accounts"
