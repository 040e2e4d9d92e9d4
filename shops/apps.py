from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

AVAILABILITY_SCHEDULE_NAME = "shops.refresh_availability"


def register_schedules(**kwargs: Any) -> None:
    """post_migrate: the hourly availability refresh (idempotent, by name)."""
    # Models cannot be imported while app configs load.
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=AVAILABILITY_SCHEDULE_NAME,
        defaults={
            "func": "shops.tasks.shops_availability_refresh_task",
            "schedule_type": Schedule.HOURLY,
            "repeats": -1,
        },
    )


class ShopsConfig(AppConfig):
    name = "shops"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(
            register_schedules, sender=self, dispatch_uid="shops-schedules"
        )
