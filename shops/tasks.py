"""Queued work from webhooks: load rows by id, call one service."""

from __future__ import annotations

import logging

from shops import availability, services
from shops.models import Shop
from shops.signals import order_paid, product_deleted, product_updated

logger = logging.getLogger(__name__)


def shop_redact_task(shop_domain: str) -> bool:
    return services.shop_redact(shop_domain=shop_domain)


def shop_sync_plan_task(shop_id: str, webhook_payload: dict | None = None) -> None:
    shop = Shop.objects.filter(pk=shop_id, uninstalled_at=None).first()
    if shop is not None:
        services.shop_sync_plan(shop=shop, webhook_payload=webhook_payload)


def product_updated_task(shop_id: str, product: dict) -> None:
    """Announce a products/update payload; assets re-prepares what changed."""
    shop = Shop.objects.filter(pk=shop_id, uninstalled_at=None).first()
    if shop is None:
        return
    product_updated.send(sender=Shop, shop=shop, payload=product)


def product_deleted_task(shop_id: str, product_id: str) -> None:
    """Announce a products/delete; assets retires the product's asset."""
    shop = Shop.objects.filter(pk=shop_id, uninstalled_at=None).first()
    if shop is not None:
        product_deleted.send(sender=Shop, shop=shop, product_id=product_id)


def order_paid_task(shop_id: str, order: dict) -> None:
    """Announce an orders/paid payload (attribution is a higher app's business)."""
    shop = Shop.objects.filter(pk=shop_id, uninstalled_at=None).first()
    if shop is not None:
        order_paid.send(sender=Shop, shop=shop, payload=order)


def shop_availability_task(shop_id: str, force: bool = False) -> None:
    shop = Shop.objects.filter(pk=shop_id, uninstalled_at=None).first()
    if shop is not None:
        availability.shop_availability_publish(shop=shop, force=force)


def shops_availability_refresh_task() -> int:
    """Hourly: the daily and monthly quota resets make shops available again."""
    return availability.shops_availability_refresh()
