"""Paid orders: remember the lines that carried a See It Now variant (the funnel)."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from renders.models import SeeItNowOrderLine
from seeitnow.ai.schema import VARIANT_IDS
from shops.models import Shop

logger = logging.getLogger(__name__)

# The line item property the storefront widget adds to the cart line.
VARIANT_PROPERTY = "_see_it_now_variant"


def _variant_of(line: dict[str, Any]) -> str | None:
    for prop in line.get("properties") or []:
        if isinstance(prop, dict) and prop.get("name") == VARIANT_PROPERTY:
            value = str(prop.get("value") or "").strip().upper()
            return value if value in VARIANT_IDS else None
    return None


def _price(value: Any) -> Decimal | None:
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return price if price.is_finite() and price >= 0 else None


def order_lines_record(
    *, shop: Shop, payload: dict[str, Any], now: datetime | None = None
) -> int:
    """Record the order's lines that carry `_see_it_now_variant`; returns how many
    were new. A redelivered order adds nothing (unique shop, order, line).

    Only ids, quantity and price are kept: no customer data. Malformed lines are
    skipped and logged, never raised (a webhook must not fail on them).
    """
    order_id = str(payload.get("id") or "")
    currency = str(payload.get("currency") or "")[:3]
    created = 0
    for line in payload.get("line_items") or []:
        if not isinstance(line, dict):
            continue
        variant = _variant_of(line)
        if variant is None:
            continue
        price = _price(line.get("price"))
        quantity = line.get("quantity")
        if (
            not order_id
            or price is None
            or not isinstance(quantity, int)
            or (quantity < 1)
        ):
            logger.warning("order %s: unusable See It Now line skipped", order_id)
            continue
        _, was_new = SeeItNowOrderLine.objects.get_or_create(
            shop=shop,
            order_id=order_id,
            line_item_id=str(line.get("id") or ""),
            defaults={
                "product_id": str(line.get("product_id") or ""),
                "variant_id": variant,
                "quantity": quantity,
                "price": price,
                "currency": currency,
                "created_at": now or timezone.now(),
            },
        )
        created += was_new
    return created
