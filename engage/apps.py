from django.apps import AppConfig


class EngageConfig(AppConfig):
    name = "engage"
    verbose_name = "Accounts, roles and audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from engage import audit  # noqa: F401  (connects the audit signal receivers)
