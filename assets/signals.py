"""Receivers of assets (connected in AssetsConfig.ready())."""

from __future__ import annotations

from typing import Any

from assets.services.preparation import asset_refresh_from_product_update
from shops.models import Shop


def refresh_on_product_update(
    sender: Any, *, shop: Shop, payload: dict, **kwargs: Any
) -> None:
    """products/update: re-prepare the product when its image or text changed."""
    asset_refresh_from_product_update(shop=shop, payload=payload)
