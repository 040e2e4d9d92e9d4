"""Reads of product assets, always scoped to a shop."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from assets.models import AssetStatus, ProductAsset, PromptVersion
from shops.models import Shop


def asset_get(*, shop: Shop, asset_id: object) -> ProductAsset | None:
    """The shop's asset with that id, or None (another shop's id is None too)."""
    return ProductAsset.objects.filter(shop=shop, pk=asset_id).first()


def asset_default_for_product(*, shop: Shop, product_id: str) -> ProductAsset | None:
    return ProductAsset.objects.filter(
        shop=shop, product_id=str(product_id), is_default=True
    ).first()


def assets_by_product(*, shop: Shop, product_ids: list[str]) -> dict[str, ProductAsset]:
    """Default assets of the given products, keyed by product id."""
    rows = ProductAsset.objects.filter(
        shop=shop, product_id__in=[str(p) for p in product_ids], is_default=True
    )
    return {asset.product_id: asset for asset in rows}


def current_prompt_version_number() -> int | None:
    return (
        PromptVersion.objects.order_by("-version")
        .values_list("version", flat=True)
        .first()
    )


def assets_outdated(*, shop: Shop) -> QuerySet[ProductAsset]:
    """Prepared assets whose prompt pack predates the latest prompt version."""
    latest = current_prompt_version_number()
    if latest is None:
        return ProductAsset.objects.none()
    return ProductAsset.objects.filter(
        shop=shop,
        is_default=True,
        status__in=[AssetStatus.READY, AssetStatus.LIVE],
    ).filter(Q(prompt_pack_version__lt=latest) | Q(prompt_pack_version__isnull=True))
