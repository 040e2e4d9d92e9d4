"""Reads of product assets, always scoped to a shop."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from assets.models import AssetStatus, ProductAsset
from assets.versions import prompt_version_number_current
from seeitnow.http import AppError
from shops.catalog import CatalogProduct, get_catalog
from shops.models import Shop


def asset_default_for_product(*, shop: Shop, product_id: str) -> ProductAsset | None:
    """The product's default asset (the one preparation and renders use), or None."""
    return ProductAsset.objects.filter(
        shop=shop, product_id=str(product_id), is_default=True
    ).first()


def asset_live_for_variant(
    *, shop: Shop, product_id: str, variant_id: str
) -> ProductAsset | None:
    """The live asset prepared from this product variant's own image, or None."""
    return (
        ProductAsset.objects.filter(
            shop=shop,
            product_id=str(product_id),
            variant_id=str(variant_id),
            status=AssetStatus.LIVE,
        )
        .order_by("-updated_at")
        .first()
    )


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


# What the merchant's product list can filter on: asset statuses, "unprepared"
# (no asset yet, or never prepared) and "outdated" (prepared under older prompts).
PRODUCT_FILTERS = ("unprepared", "preparing", "ready", "live", "failed", "outdated")


@dataclass(frozen=True)
class ProductRow:
    """A catalog product with its default asset (None until first prepared)."""

    product_id: str
    title: str
    preview_url: str | None
    asset: ProductAsset | None
    outdated: bool

    @property
    def status(self) -> str:
        if self.asset is None:
            return AssetStatus.UNPREPARED
        # "processing" is an internal step of preparing; the merchant sees one.
        if self.asset.status == AssetStatus.PROCESSING:
            return AssetStatus.PREPARING
        return self.asset.status


def _is_outdated(asset: ProductAsset | None, current: int) -> bool:
    if asset is None or asset.status not in (AssetStatus.READY, AssetStatus.LIVE):
        return False
    return asset.prompt_pack_version is None or asset.prompt_pack_version < current


def _row(
    product: CatalogProduct, asset: ProductAsset | None, current: int
) -> ProductRow:
    return ProductRow(
        product_id=product.id,
        title=product.title,
        preview_url=product.preview_url,
        asset=asset,
        outdated=_is_outdated(asset, current),
    )


def _asset_row(asset: ProductAsset, current: int) -> ProductRow:
    url = asset.source_image_url or ""
    return ProductRow(
        product_id=asset.product_id,
        title=asset.product_title or f"Product {asset.product_id}",
        preview_url=url if url.startswith(("https://", "http://")) else None,
        asset=asset,
        outdated=_is_outdated(asset, current),
    )


def products_with_assets(
    *,
    shop: Shop,
    status: str = "",
    query: str = "",
    cursor: str | None = None,
    limit: int = 25,
) -> tuple[list[ProductRow], str | None]:
    """One page of the shop's products joined with their default assets.

    Without a filter (or "unprepared") the catalog is paged; the other filters
    only match products that have an asset, so those page through the assets.
    Raises the catalog's AppError.
    """
    current = current_prompt_version_number()
    if status and status != AssetStatus.UNPREPARED:
        return _asset_rows(
            shop=shop, status=status, query=query, cursor=cursor, limit=limit
        )
    page = get_catalog(shop).list_products(cursor=cursor, limit=limit, query=query)
    assets = assets_by_product(shop=shop, product_ids=[p.id for p in page.products])
    rows = [_row(p, assets.get(p.id), current) for p in page.products]
    if status == AssetStatus.UNPREPARED:
        rows = [row for row in rows if row.status == AssetStatus.UNPREPARED]
    return rows, page.next_cursor


def _asset_rows(
    *, shop: Shop, status: str, query: str, cursor: str | None, limit: int
) -> tuple[list[ProductRow], str | None]:
    current = current_prompt_version_number()
    assets = ProductAsset.objects.filter(shop=shop, is_default=True)
    if status == "outdated":
        assets = assets.filter(outdated_filter(current))
    elif status == AssetStatus.PREPARING:
        assets = assets.filter(
            status__in=[AssetStatus.PREPARING, AssetStatus.PROCESSING]
        )
    else:
        assets = assets.filter(status=status)
    for term in query.split():
        assets = assets.filter(product_title__icontains=term)
    start = int(cursor) if cursor and cursor.isdigit() else 0
    page = list(assets.order_by("product_title", "pk")[start : start + limit + 1])
    next_cursor = str(start + limit) if len(page) > limit else None
    return [_asset_row(a, current) for a in page[:limit]], next_cursor


def product_with_asset(*, shop: Shop, product_id: str) -> ProductRow:
    """One product of the shop and its default asset.

    Raises AppError `invalid_product_id`, `product_not_found` (404) or the
    catalog's errors.
    """
    product = get_catalog(shop).get_product(product_id)
    if product is None:
        raise AppError("product_not_found", "Product not found.", 404)
    asset = asset_default_for_product(shop=shop, product_id=product.id)
    return _row(product, asset, current_prompt_version_number())


def asset_row(*, shop: Shop, asset: ProductAsset) -> ProductRow:
    """The list row of an asset the caller already holds, without the catalog."""
    if asset.shop_id != shop.pk:
        raise AppError("product_not_found", "Product not found.", 404)
    return _asset_row(asset, current_prompt_version_number())
