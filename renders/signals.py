"""Signal handlers of renders (connected in RendersConfig.ready())."""

from __future__ import annotations

from typing import Any

RETENTION_SCHEDULE_NAME = "renders.purge_expired_rooms"
SWEEP_SCHEDULE_NAME = "renders.sweep_abandoned_runs"


def register_schedules(**kwargs: Any) -> None:
    """post_migrate: create or update the q2 cluster's recurring schedules.

    Idempotent (keyed by name), so every `migrate` may run it.
    """
    from django_q.models import Schedule

    schedules = {
        RETENTION_SCHEDULE_NAME: {
            "func": "renders.tasks.purge_expired_rooms",
            "schedule_type": Schedule.HOURLY,
        },
        SWEEP_SCHEDULE_NAME: {
            "func": "renders.tasks.sweep_abandoned_runs",
            "schedule_type": Schedule.MINUTES,
            "minutes": 5,
        },
    }
    for name, fields in schedules.items():
        Schedule.objects.update_or_create(name=name, defaults={"repeats": -1, **fields})
