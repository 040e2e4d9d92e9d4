"""Retiring a product Shopify deleted (the products/delete webhook)."""

from __future__ import annotations

import logging

from django.db import transaction

from assets.models import AssetStatus, ProductAsset
from seeitnow import storage
from seeitnow.storage import keys
from shops.models import Shop

logger = logging.getLogger(__name__)

RETIRED_MESSAGE = "Product deleted in Shopify."


def assets_retire_product(*, shop: Shop, product_id: str) -> dict[str, int]:
    """Delete the product's cutouts; delete its asset rows unless runs refer to them.

    RenderRun.product_asset is RESTRICT and runs are kept for analytics, so an
    asset that was rendered stays as a `failed`, disabled, non-default row with no
    files (nothing can serve or re-prepare it: the product is gone from Shopify).
    Returns `{"deleted": n, "retired": n}`.
    """
    deleted = retired = 0
    for asset in ProductAsset.objects.filter(shop=shop, product_id=product_id):
        storage.delete(
            keys.cutout_key(shop_id=shop.pk, product_id=product_id, asset_id=asset.pk)
        )
        with transaction.atomic():
            if asset.render_runs.exists():
                ProductAsset.objects.filter(pk=asset.pk).update(
                    status=AssetStatus.FAILED,
                    enabled=False,
                    is_default=False,
                    prepared_image_key=None,
                    prepared_image_url=None,
                    gemini_file_uri=None,
                    gemini_file_expires_at=None,
                    error_message=RETIRED_MESSAGE,
                )
                retired += 1
            else:
                asset.delete()
                deleted += 1
    logger.info(
        "product %s of %s retired: %d assets deleted, %d kept for their runs",
        product_id,
        shop,
        deleted,
        retired,
    )
    return {"deleted": deleted, "retired": retired}
