"""Queueing product preparation: one product, a batch, the outdated, on change."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.tasks import async_task

from assets.fingerprints import source_fingerprint, source_fingerprint_of_record
from assets.models import AssetStatus, ProductAsset
from assets.selectors import (
    asset_default_for_product,
    assets_by_product,
    assets_outdated,
)
from assets.services.status import (
    InvalidTransition,
    asset_mark_preparing,
    asset_pause_for_preparation,
)
from seeitnow.ai import get_provider
from seeitnow.http import AppError
from seeitnow.logging import get_request_id
from shops.catalog import MAX_PAGE, CatalogProduct, get_catalog
from shops.ids import product_id_numeric
from shops.models import Shop
from shops.selectors import shop_auto_reprepare

S = AssetStatus
# The q2 task that runs a preparation; named, so queueing never imports the run.
PREPARE_TASK = "assets.tasks.prepare_asset_task"


def asset_default_get_or_create(*, shop: Shop, product_id: str) -> ProductAsset:
    """The product's default asset, created `unprepared` on first sight."""
    asset = asset_default_for_product(shop=shop, product_id=product_id)
    if asset is not None:
        return asset
    try:
        with transaction.atomic():
            return ProductAsset.objects.create(
                shop=shop,
                product_id=product_id,
                is_default=True,
                status=S.UNPREPARED,
                prep_strategy=get_provider().prep_strategy,
                # Filled in from the catalog by the preparation run.
                source_image_id="",
                source_image_url="",
            )
    except IntegrityError:
        # Another request created it first (partial unique index).
        return ProductAsset.objects.get(
            shop=shop, product_id=product_id, is_default=True
        )


def asset_register(*, shop: Shop, product: CatalogProduct) -> ProductAsset:
    """The product's default asset with its catalog details, without preparing it."""
    asset = asset_default_get_or_create(shop=shop, product_id=product.id)
    details = {
        "product_title": product.title,
        "product_type": product.product_type or None,
        "source_image_id": product.featured_image or "",
        "source_image_url": product.featured_image or "",
    }
    if any(getattr(asset, name) != value for name, value in details.items()):
        ProductAsset.objects.filter(pk=asset.pk).update(
            **details, updated_at=timezone.now()
        )
        asset.refresh_from_db()
    return asset


def _enqueue_preparation(asset: ProductAsset) -> None:
    request_id = get_request_id()
    transaction.on_commit(
        lambda: async_task(
            PREPARE_TASK,
            str(asset.pk),
            request_id,
            group=f"prepare-{asset.shop_id}",
            task_name=f"prepare {asset.product_id}",
        )
    )


def asset_begin_preparation(*, shop: Shop, product_id: str) -> ProductAsset:
    """Create or reuse the default asset and move it to `preparing`.

    A live product goes offline while it is prepared again; `enabled` keeps the
    merchant's wish, so it comes back live when the new preparation is ready.
    Raises AppError `invalid_product_id` or InvalidTransition.
    """
    numeric = product_id_numeric(product_id)
    if numeric is None:
        raise AppError("invalid_product_id", "Product id must be numeric.", 400)
    with transaction.atomic():
        asset = asset_default_get_or_create(shop=shop, product_id=numeric)
        if asset.status == S.LIVE:
            asset = asset_pause_for_preparation(asset=asset)
        if asset.status in (S.PREPARING, S.PROCESSING):
            raise InvalidTransition(
                current=asset.status,
                target=S.PREPARING,
                message="This product is already being prepared.",
            )
        return asset_mark_preparing(asset=asset)


def asset_prepare(*, shop: Shop, product_id: str) -> ProductAsset:
    """Queue (re-)preparation of a product on the q2 cluster; see above for errors."""
    with transaction.atomic():
        asset = asset_begin_preparation(shop=shop, product_id=product_id)
        _enqueue_preparation(asset)
    return asset


def assets_prepare_batch(*, shop: Shop, product_ids: list[str]) -> dict[str, list]:
    """Queue many products; returns which were queued and which were skipped why."""
    queued: list[str] = []
    skipped: list[dict[str, str]] = []
    for product_id in dict.fromkeys(str(p) for p in product_ids):
        try:
            asset = asset_prepare(shop=shop, product_id=product_id)
        except AppError as exc:
            skipped.append(
                {"product_id": product_id, "error": exc.code, "message": exc.message}
            )
        else:
            queued.append(asset.product_id)
    return {"queued": queued, "skipped": skipped}


def assets_reprepare_outdated(*, shop: Shop) -> dict[str, list]:
    """Re-prepare every product prepared under an older prompt version."""
    ids = [a.product_id for a in assets_outdated(shop=shop)]
    return assets_prepare_batch(shop=shop, product_ids=ids)


def assets_reprepare_prepared(*, shop: Shop) -> dict[str, list]:
    """Re-prepare every ready or live product, e.g. after the shop's prompt
    addition changed (it shapes every prompt pack but not the prompt version)."""
    ids = ProductAsset.objects.filter(
        shop=shop, is_default=True, status__in=(S.READY, S.LIVE)
    ).order_by("product_id")
    ids = ids.values_list("product_id", flat=True)
    return assets_prepare_batch(shop=shop, product_ids=list(ids))


def asset_refresh_from_product_update(*, shop: Shop, payload: dict) -> bool:
    """products/update webhook: re-prepare when the image or the text changed.

    Returns True when a re-preparation was queued; never when the merchant turned
    "auto re-prepare on product edits" off.
    """
    if not shop_auto_reprepare(shop=shop):
        return False
    product_id = product_id_numeric(payload.get("id"))
    if product_id is None:
        return False
    asset = asset_default_for_product(shop=shop, product_id=product_id)
    if asset is None or asset.status not in (S.READY, S.LIVE, S.FAILED):
        return False
    image = (payload.get("image") or {}).get("src") or ""
    if not image and payload.get("images"):
        image = payload["images"][0].get("src") or ""
    tags = payload.get("tags") or ""
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    current = source_fingerprint(
        title=payload.get("title") or "",
        description=payload.get("body_html") or "",
        product_type=payload.get("product_type") or "",
        vendor=payload.get("vendor") or "",
        tags=tags,
        image=image,
    )
    if current == source_fingerprint_of_record(asset.field_source):
        return False
    asset_prepare(shop=shop, product_id=product_id)
    return True


# "Prepare all" walks at most this many catalog products per click, so one click
# never queues more than a worker pool gets through in a sitting.
PREPARE_ALL_LIMIT = 250


def assets_prepare_catalog(
    *, shop: Shop, unprepared_only: bool = True, limit: int | None = PREPARE_ALL_LIMIT
) -> dict[str, list]:
    """Queue the shop's catalog, page by page: the products never prepared, or
    (`unprepared_only=False`) every product, up to `limit` (None: no limit).

    The merchant's "prepare all" and `manage.py prepare_catalog` both land here.
    Returns `{"queued", "skipped"}` as assets_prepare_batch (a product already
    being prepared is skipped, with why); raises the catalog's AppError.
    """
    catalog = get_catalog(shop)
    cursor: str | None = None
    chosen: list[str] = []
    while limit is None or len(chosen) < limit:
        page = catalog.list_products(cursor=cursor, limit=MAX_PAGE)
        known = assets_by_product(shop=shop, product_ids=[p.id for p in page.products])
        for product in page.products:
            asset = known.get(product.id)
            if not unprepared_only or asset is None or asset.status == S.UNPREPARED:
                asset_register(shop=shop, product=product)
                chosen.append(product.id)
        cursor = page.next_cursor
        if cursor is None:
            break
    return assets_prepare_batch(
        shop=shop, product_ids=chosen if limit is None else chosen[:limit]
    )
