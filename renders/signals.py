"""Signal handlers of renders (connected in RendersConfig.ready())."""

from __future__ import annotations

from typing import Any


def register_retention_schedule(**kwargs: Any) -> None:
    """post_migrate: create or update the hourly room-retention schedule.

    Idempotent (keyed by name), so every `migrate` may run it.
    """
    from django_q.models import Schedule

    from renders.tasks import RETENTION_SCHEDULE_NAME

    Schedule.objects.update_or_create(
        name=RETENTION_SCHEDULE_NAME,
        defaults={
            "func": "renders.tasks.purge_expired_rooms",
            "schedule_type": Schedule.HOURLY,
            "repeats": -1,
        },
    )
