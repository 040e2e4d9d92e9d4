from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RendersConfig(AppConfig):
    name = "renders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renders.signals import register_schedules

        post_migrate.connect(
            register_schedules,
            sender=self,
            dispatch_uid="renders-schedules",
        )
