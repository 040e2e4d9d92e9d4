"""The storefront's "can this shop serve a render now?", told to the theme.

The theme app extension cannot call the app before drawing the button, so the
answer lives in app-data metafields on the app installation, which its Liquid
reads as `app.metafields.see_it_now.*`: `available` (boolean) and `live_tag`, the
product tag that enables the block (SHOPIFY_LIVE_TAG, so the tag is spelled in
one place). They are written off the request path, on the q2 cluster: after a
render takes the last unit of quota, when a failed run gives one back, on plan
changes and installs, and hourly for the daily and monthly resets. The last value
written is remembered in the shared cache, so only a change calls Shopify.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from shops import shopify
from shops.models import Shop
from shops.selectors import shop_storefront_available
from shops.services import shop_admin_client

logger = logging.getLogger(__name__)

METAFIELD_NAMESPACE = "see_it_now"


def _written_key(*, shop: Shop) -> str:
    return f"storefront-available:{shop.pk}"


def shop_availability_publish(
    *, shop: Shop, now: datetime | None = None, force: bool = False
) -> bool | None:
    """Write the shop's availability and live tag when the availability changed
    since the last write (always with `force`). Returns the value written, None
    when nothing was written: unchanged, no token (the demo shop), or Shopify
    refused (logged;
    the hourly refresh tries again, as nothing was remembered)."""
    if not shop.access_token:
        return None
    today = timezone.localdate(now or timezone.now())
    available = shop_storefront_available(shop=shop, today=today)
    if not force and cache.get(_written_key(shop=shop)) == available:
        return None
    try:
        shop_admin_client(shop=shop).set_app_metafields(
            namespace=METAFIELD_NAMESPACE,
            values={
                "available": ("boolean", "true" if available else "false"),
                "live_tag": ("single_line_text_field", settings.SHOPIFY_LIVE_TAG),
            },
        )
    except shopify.ShopifyAdminError as exc:
        logger.warning("availability of %s not written: %s", shop, exc)
        return None
    cache.set(_written_key(shop=shop), available, timeout=None)
    logger.info("availability of %s written: %s", shop, available)
    return available


def shops_availability_refresh(*, now: datetime | None = None) -> int:
    """Scheduled: re-publish every installed shop whose availability changed (a
    daily or monthly reset, an allowlist edit). Returns how many were written."""
    shops = Shop.objects.filter(uninstalled_at=None).exclude(access_token="")
    return sum(
        shop_availability_publish(shop=shop, now=now) is not None
        for shop in shops.iterator()
    )
