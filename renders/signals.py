"""Signal handlers of renders (connected in RendersConfig.ready())."""

from __future__ import annotations

from typing import Any

from django_q.models import Schedule

from renders.models import RenderRun
from renders.services.orders import order_lines_record
from seeitnow import storage
from seeitnow.storage import keys
from shops.models import Shop

RETENTION_SCHEDULE_NAME = "renders.purge_expired_rooms"
SWEEP_SCHEDULE_NAME = "renders.sweep_abandoned_runs"


def register_schedules(**kwargs: Any) -> None:
    """post_migrate: create or update the q2 cluster's recurring schedules.

    Idempotent (keyed by name), so every `migrate` may run it.
    """
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


def delete_run_images_of_shop(
    sender: type[Shop], instance: Shop, **kwargs: Any
) -> None:
    """pre_delete of a Shop: delete its runs' variant images before the rows go.

    Runs inside the deletion's transaction: if a file cannot be deleted the rows
    stay, still saying what is left, and a retry finishes the job.
    """
    run_ids = RenderRun.objects.filter(shop=instance).values_list("id", flat=True)
    for run_id in run_ids.iterator():
        storage.delete_prefix(keys.variant_prefix(run_id=run_id))


def record_order_lines(sender: Any, shop: Shop, payload: dict, **kwargs: Any) -> None:
    """shops.signals.order_paid: count the order's See It Now lines in the funnel."""
    order_lines_record(shop=shop, payload=payload)
