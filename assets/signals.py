"""Receivers of assets (connected in AssetsConfig.ready())."""

from __future__ import annotations

from typing import Any

from django_q.models import Schedule

from assets.services.preparation import asset_refresh_from_product_update
from assets.services.retirement import assets_retire_product
from shops.models import Shop


def refresh_on_product_update(
    sender: Any, *, shop: Shop, payload: dict, **kwargs: Any
) -> None:
    """products/update: re-prepare the product when its image or text changed."""
    asset_refresh_from_product_update(shop=shop, payload=payload)


def retire_on_product_delete(
    sender: Any, *, shop: Shop, product_id: str, **kwargs: Any
) -> None:
    """products/delete: delete the product's cutouts and retire its assets."""
    assets_retire_product(shop=shop, product_id=product_id)


STUCK_SWEEP_SCHEDULE_NAME = "assets-fail-stuck-preparations"


def register_schedules(**kwargs: Any) -> None:
    """post_migrate: the q2 schedule that fails stuck preparations (idempotent)."""
    Schedule.objects.update_or_create(
        name=STUCK_SWEEP_SCHEDULE_NAME,
        defaults={
            "func": "assets.tasks.fail_stuck_preparations",
            "schedule_type": Schedule.MINUTES,
            "minutes": 5,
            "repeats": -1,
        },
    )
