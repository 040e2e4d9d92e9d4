"""Writes to product assets. Status changes go only through the transition functions."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_q.tasks import async_task

from assets.models import AssetStatus, PrepStrategy, ProductAsset
from assets.pipeline.builder import build_prompt_pack
from assets.pipeline.cutout import CutoutError, validate_manual_cutout
from assets.pipeline.resolver import OverrideError, resolve_and_validate
from assets.versions import ensure_prompt_version
from seeitnow import storage
from seeitnow.ai import AIError, get_provider
from seeitnow.http import AppError
from seeitnow.logging import get_request_id
from shops.catalog import CatalogProduct, get_catalog
from shops.models import Shop

logger = logging.getLogger(__name__)

S = AssetStatus


class InvalidTransition(AppError):
    """An illegal status change (SPEC §3); nothing was written."""

    def __init__(self, *, current: str, target: str, message: str = ""):
        super().__init__(
            "invalid_transition",
            message or f"A product that is {current} cannot become {target}.",
            409,
        )
        self.current = current
        self.target = target


def _transition(
    *, asset: ProductAsset, sources: set[str], target: str, **fields: Any
) -> ProductAsset:
    """Move `asset` from one of `sources` to `target` in one conditional UPDATE.

    Two racing callers are safe: exactly one wins, the other gets InvalidTransition
    and the row keeps the winner's state.
    """
    with transaction.atomic():
        updated = ProductAsset.objects.filter(pk=asset.pk, status__in=sources).update(
            status=target, updated_at=timezone.now(), **fields
        )
        if not updated:
            current = (
                ProductAsset.objects.filter(pk=asset.pk)
                .values_list("status", flat=True)
                .first()
            )
            raise InvalidTransition(current=current or "deleted", target=target)
    asset.refresh_from_db()
    return asset


def asset_mark_preparing(*, asset: ProductAsset) -> ProductAsset:
    """unprepared|failed|ready → preparing. Raises InvalidTransition."""
    return _transition(
        asset=asset,
        sources={S.UNPREPARED, S.FAILED, S.READY},
        target=S.PREPARING,
        error_message=None,
    )


def asset_mark_ready(*, asset: ProductAsset, **fields: Any) -> ProductAsset:
    """preparing → ready, writing the prepared fields. Raises InvalidTransition."""
    return _transition(
        asset=asset,
        sources={S.PREPARING},
        target=S.READY,
        error_message=None,
        **fields,
    )


def asset_mark_failed(*, asset: ProductAsset, error_message: str) -> ProductAsset:
    """preparing → failed with a readable message and retry_count + 1."""
    return _transition(
        asset=asset,
        sources={S.PREPARING},
        target=S.FAILED,
        error_message=error_message[:2000],
        retry_count=F("retry_count") + 1,
    )


def asset_enable(*, asset: ProductAsset) -> ProductAsset:
    """ready → live. Raises InvalidTransition, also when the asset can't be rendered."""
    asset.refresh_from_db()
    if asset.status == S.READY and not asset.is_render_ready:
        raise InvalidTransition(
            current=asset.status,
            target=S.LIVE,
            message="This product has no cutout, facts or prompt pack yet: "
            "prepare it first.",
        )
    return _transition(asset=asset, sources={S.READY}, target=S.LIVE, enabled=True)


def asset_disable(*, asset: ProductAsset) -> ProductAsset:
    """live → ready. Raises InvalidTransition."""
    return _transition(asset=asset, sources={S.LIVE}, target=S.READY, enabled=False)


# --- Preparation -------------------------------------------------------------------


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
    ProductAsset.objects.filter(pk=asset.pk).update(
        product_title=product.title,
        product_type=product.product_type or None,
        source_image_id=product.featured_image or "",
        source_image_url=product.featured_image or "",
        updated_at=timezone.now(),
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


def asset_go_live(*, asset: ProductAsset) -> ProductAsset:
    """ready → live and tag the product for the storefront block.

    Raises InvalidTransition, or the catalog's AppError (the status is put back).
    """
    asset = asset_enable(asset=asset)
    try:
        get_catalog(asset.shop).add_tags(asset.product_id, [settings.SHOPIFY_LIVE_TAG])
    except AppError:
        asset_disable(asset=asset)
        raise
    return asset


def asset_go_offline(*, asset: ProductAsset) -> ProductAsset:
    """live → ready and remove the storefront tag. Raises InvalidTransition."""
    asset = asset_disable(asset=asset)
    try:
        get_catalog(asset.shop).remove_tags(
            asset.product_id, [settings.SHOPIFY_LIVE_TAG]
        )
    except AppError:
        # Offline is what matters: the storefront refuses renders of a ready
        # product even while the tag lingers.
        logger.warning("could not remove the live tag of %s", asset.product_id)
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
    from assets.selectors import assets_outdated

    ids = [a.product_id for a in assets_outdated(shop=shop)]
    return assets_prepare_batch(shop=shop, product_ids=ids)


def asset_set_overrides(
    *, shop: Shop, asset: ProductAsset, overrides: dict
) -> ProductAsset:
    """Store the merchant's sparse diff, re-resolve and rebuild the prompt pack.

    Raises AppError `invalid_overrides` (nothing stored) or `not_prepared`.
    """
    if asset.shop_id != shop.pk:
        raise AppError("not_found", "Product not found.", 404)
    if not asset.extracted_facts:
        raise AppError(
            "not_prepared", "Prepare this product before editing its facts.", 409
        )
    try:
        resolved = resolve_and_validate(asset.extracted_facts, overrides)
    except OverrideError as exc:
        raise AppError("invalid_overrides", str(exc), 400, field=exc.field) from exc
    try:
        pack = build_prompt_pack(
            provider=get_provider(),
            resolved_facts=resolved,
            product_instructions=asset.render_instructions or "",
            shop_instructions=shop_prompt_addition(shop),
        )
    except AIError as exc:
        raise AppError(
            "pipeline_failed",
            f"The prompt pack could not be rebuilt ({exc.code}): {exc.message}",
            502 if exc.retryable else 422,
        ) from exc
    version = ensure_prompt_version()
    ProductAsset.objects.filter(pk=asset.pk).update(
        merchant_overrides=overrides or None,
        resolved_facts=resolved,
        prompt_pack=pack.model_dump(mode="json"),
        prompt_pack_version=version.version,
        updated_at=timezone.now(),
    )
    asset.refresh_from_db()
    return asset


def asset_upload_manual_cutout(
    *, shop: Shop, asset: ProductAsset, data: bytes
) -> ProductAsset:
    """Replace the cutout with the merchant's PNG. Raises AppError `invalid_cutout`."""
    if asset.shop_id != shop.pk:
        raise AppError("not_found", "Product not found.", 404)
    try:
        result = validate_manual_cutout(data)
    except CutoutError as exc:
        raise AppError("invalid_cutout", exc.message, 400, reason=exc.code) from exc
    key = cutout_key(asset)
    storage.save(key, result.png_bytes, content_type="image/png")
    ProductAsset.objects.filter(pk=asset.pk).update(
        prepared_image_key=key,
        prep_strategy=PrepStrategy.MANUAL,
        gemini_file_uri=None,
        gemini_file_expires_at=None,
        updated_at=timezone.now(),
    )
    asset.refresh_from_db()
    return asset


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
    seen = (asset.field_source or {}).get("extracted_from") or {}
    image = (payload.get("image") or {}).get("src") or ""
    if not image and payload.get("images"):
        image = payload["images"][0].get("src") or ""
    tags = payload.get("tags") or ""
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    text = "\n".join(
        [
            payload.get("title") or "",
            payload.get("body_html") or "",
            payload.get("product_type") or "",
            payload.get("vendor") or "",
            ",".join(sorted(tags)),
        ]
    )
    changed = _image_identity(image) != _image_identity(
        seen.get("image", "")
    ) or hashlib.sha256(text.encode()).hexdigest() != seen.get("text_sha256")
    if not changed:
        return False
    asset_prepare(shop=shop, product_id=product_id)
    return True


def _image_identity(url: str) -> str:
    """An image URL without its cache-busting query (`?v=…`)."""
    return url.split("?", 1)[0]


def shop_prompt_addition(shop: Shop) -> str:
    """The shop-level text appended to every prompt pack build."""
    try:
        data = json.loads(shop.settings_json or "{}")
    except json.JSONDecodeError:
        return ""
    return str(data.get("prompt_addition") or "") if isinstance(data, dict) else ""
