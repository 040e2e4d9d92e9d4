"""Reads of product assets, always scoped to a shop."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from assets.models import AssetStatus, ProductAsset
from assets.versions import prompt_version_number_current
from shops.models import Shop


def asset_default_for_product(*, shop: Shop, product_id: str) -> ProductAsset | None:
    """The product's default asset (the one preparation and renders use), or None."""
    return ProductAsset.objects.filter(
        shop=shop, product_id=str(product_id), is_default=True
    ).first()


def assets_by_product(*, shop: Shop, product_ids: list[str]) -> dict[str, ProductAsset]:
    """Default assets of the given products, keyed by product id."""
    rows = ProductAsset.objects.filter(
        shop=shop, product_id__in=[str(p) for p in product_ids], is_default=True
    )
    return {asset.product_id: asset for asset in rows}


def current_prompt_version_number() -> int:
    """The version of the running prompt configuration (read only, see versions)."""
    return prompt_version_number_current()


def outdated_filter(current: int) -> Q:
    """Prepared assets whose prompt pack predates prompt version `current`."""
    return Q(status__in=[AssetStatus.READY, AssetStatus.LIVE]) & (
        Q(prompt_pack_version__lt=current) | Q(prompt_pack_version__isnull=True)
    )


def assets_outdated(*, shop: Shop) -> QuerySet[ProductAsset]:
    """The shop's products prepared under an older prompt configuration."""
    return ProductAsset.objects.filter(shop=shop, is_default=True).filter(
        outdated_filter(current_prompt_version_number())
    )


def asset_status_counts(*, shop: Shop) -> dict[str, int]:
    """How many of the shop's products are in each status (default assets)."""
    rows = (
        ProductAsset.objects.filter(shop=shop, is_default=True)
        .values("status")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(AssetStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
