"""Queued work from webhooks: load rows by id, call one service."""

from __future__ import annotations

import logging

from assets.services import asset_refresh_from_product_update
from shops import services
from shops.models import Shop

logger = logging.getLogger(__name__)


def shop_redact_task(shop_domain: str) -> bool:
    return services.shop_redact(shop_domain=shop_domain)


def shop_sync_plan_task(shop_id: str, webhook_payload: dict | None = None) -> None:
    shop = Shop.objects.filter(pk=shop_id, uninstalled_at=None).first()
    if shop is not None:
        services.shop_sync_plan(shop=shop, webhook_payload=webhook_payload)


def product_updated_task(shop_id: str, product: dict) -> None:
    """Hand a products/update payload to the preparation pipeline."""
    shop = Shop.objects.filter(pk=shop_id, uninstalled_at=None).first()
    if shop is None:
        return
    asset_refresh_from_product_update(shop=shop, payload=product)
