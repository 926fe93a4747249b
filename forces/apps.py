from django.apps import AppConfig


class ForcesConfig(AppConfig):
    name = "forces"
    default_auto_field = "django.db.models.BigAutoField"
