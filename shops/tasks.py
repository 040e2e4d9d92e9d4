"""Queued work from webhooks: load rows by id, call one service."""

from __future__ import annotations

import logging

from shops import services
from shops.models import Shop
from shops.signals import product_updated

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
