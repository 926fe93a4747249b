from django.apps import AppConfig


class PpogConfig(AppConfig):
    name = "ppog"
    default_auto_field = "django.db.models.BigAutoField"
