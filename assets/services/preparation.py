"""Queueing product preparation: one product, a batch, the outdated, on change."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.tasks import async_task

from assets.models import AssetStatus, ProductAsset
from assets.selectors import assets_outdated
from assets.services.status import InvalidTransition, _transition, asset_mark_preparing
from seeitnow.ai import get_provider
from seeitnow.http import AppError
from seeitnow.logging import get_request_id
from shops.catalog import CatalogProduct
from shops.models import Shop

S = AssetStatus


def cutout_key(asset: ProductAsset) -> str:
    """SPEC §4 key of an asset's transparent cutout."""
    return f"shops/{asset.shop_id}/products/{asset.product_id}/prepared-{asset.pk}.png"


def _default_asset(*, shop: Shop, product_id: str) -> ProductAsset:
    """The product's default asset, created `unprepared` on first sight."""
    asset = ProductAsset.objects.filter(
        shop=shop, product_id=product_id, is_default=True
    ).first()
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
    asset = _default_asset(shop=shop, product_id=product.id)
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
    from assets.tasks import prepare_asset_task

    request_id = get_request_id()
    transaction.on_commit(
        lambda: async_task(
            prepare_asset_task,
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
    product_id = str(product_id).rsplit("/", 1)[-1]
    if not product_id.isdigit():
        raise AppError("invalid_product_id", "Product id must be numeric.", 400)
    with transaction.atomic():
        asset = _default_asset(shop=shop, product_id=product_id)
        if asset.status == S.LIVE:
            asset = _transition(asset=asset, sources={S.LIVE}, target=S.READY)
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


def source_fingerprint(
    *,
    title: str,
    description: str,
    product_type: str,
    vendor: str,
    tags: list[str],
    image: str,
) -> dict[str, str]:
    """What a product's facts are extracted from, to tell later whether it changed.

    Our own storefront tag is left out: enabling a product must not look like an
    edit of it. The image URL is kept without its cache-busting query.
    """
    kept_tags = sorted(t for t in tags if t != settings.SHOPIFY_LIVE_TAG)
    text = "\n".join([title, description, product_type, vendor, ",".join(kept_tags)])
    return {
        "image": _image_identity(image),
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


def asset_refresh_from_product_update(*, shop: Shop, payload: dict) -> bool:
    """products/update webhook: re-prepare when the image or the text changed.

    Returns True when a re-preparation was queued.
    """
    product_id = str(payload.get("id", ""))
    asset = ProductAsset.objects.filter(
        shop=shop, product_id=product_id, is_default=True
    ).first()
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
    seen = (asset.field_source or {}).get("extracted_from") or {}
    if current == {
        "image": _image_identity(seen.get("image", "")),
        "text_sha256": seen.get("text_sha256"),
    }:
        return False
    asset_prepare(shop=shop, product_id=product_id)
    return True


def _image_identity(url: str) -> str:
    """An image URL without its cache-busting query (`?v=…`)."""
    return url.split("?", 1)[0]
