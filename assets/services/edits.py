"""Merchant edits of a prepared asset: fact overrides and a manual cutout."""

from __future__ import annotations

from django.utils import timezone

from assets.models import PrepStrategy, ProductAsset
from assets.pipeline.builder import build_prompt_pack
from assets.pipeline.cutout import CutoutError, validate_manual_cutout
from assets.pipeline.resolver import (
    OverrideError,
    diff_overrides,
    resolve_and_validate,
)
from assets.versions import ensure_prompt_version
from seeitnow import storage
from seeitnow.ai import AIError, get_provider
from seeitnow.http import AppError
from seeitnow.storage import keys
from shops.models import Shop
from shops.selectors import shop_prompt_addition


def asset_save_facts(
    *,
    shop: Shop,
    asset: ProductAsset,
    facts: dict,
    render_instructions: str | None = None,
) -> ProductAsset:
    """Store the facts the merchant edited as their diff from the extracted ones.

    Raises as asset_set_overrides.
    """
    if not isinstance(facts, dict):
        raise AppError("invalid_overrides", "facts must be an object.", 400)
    overrides = diff_overrides(asset.extracted_facts or {}, facts)
    return asset_set_overrides(
        shop=shop,
        asset=asset,
        overrides=overrides,
        render_instructions=render_instructions,
    )


def asset_set_overrides(
    *,
    shop: Shop,
    asset: ProductAsset,
    overrides: dict,
    render_instructions: str | None = None,
) -> ProductAsset:
    """Store the merchant's sparse diff, re-resolve and rebuild the prompt pack;
    `render_instructions`, when given, replaces the product's instructions.

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
    instructions = (
        asset.render_instructions_see_it_now or ""
        if render_instructions is None
        else render_instructions.strip()
    )
    try:
        pack = build_prompt_pack(
            provider=get_provider(),
            resolved_facts=resolved,
            product_instructions=instructions,
            shop_instructions=shop_prompt_addition(shop=shop),
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
        render_instructions_see_it_now=instructions or None,
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
    key = keys.cutout_key(
        shop_id=asset.shop_id, product_id=asset.product_id, asset_id=asset.pk
    )
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
