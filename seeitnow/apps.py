from __future__ import annotations

from django.apps import AppConfig


class SeeItNowConfig(AppConfig):
    name = "seeitnow"
    verbose_name = "See It Now"

    def ready(self) -> None:
        from seeitnow import checks  # noqa: F401  (registers the system checks)
