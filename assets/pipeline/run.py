"""The preparation run (SPEC §6): cutout → LLM #1 → resolver → LLM #2 → ready.

Runs on the q2 cluster (or in-process for `seed_demo`). Every expected failure ends
the asset `failed` with a message a merchant can act on.
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from PIL import Image

from assets.fingerprints import source_fingerprint
from assets.models import AssetStatus, PrepStrategy, ProductAsset
from assets.pipeline.builder import build_prompt_pack
from assets.pipeline.cutout import CutoutError, remove_background
from assets.pipeline.extractor import extract_facts, product_text
from assets.pipeline.fetch import FetchError, fetch_image
from assets.pipeline.resolver import OverrideError, resolve_and_validate
from assets.services.status import asset_enable, asset_mark_failed, asset_mark_ready
from assets.versions import ensure_prompt_version
from seeitnow import storage
from seeitnow.ai import AIError, ImageInput, get_provider
from seeitnow.logging import get_request_id
from seeitnow.storage import keys
from shops.catalog import CatalogProduct, get_catalog
from shops.quota import usage_count_preparation
from shops.selectors import shop_prompt_addition

logger = logging.getLogger(__name__)

EXTRACTOR_IMAGE_SIDE = 1024
UNEXPECTED_FAILURE = (
    "Preparation failed unexpectedly. Try again; if it keeps failing, contact "
    "support with reference {request_id}."
)


class PreparationError(Exception):
    """A step failed; `message` is shown to the merchant, `retryable` drives retries."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True)
class PreparationOutcome:
    asset: ProductAsset
    retryable: bool = False


def _image_input(data: bytes, *, max_side: int) -> ImageInput:
    """A JPEG (or PNG when transparent) no larger than max_side, for the extractor.

    Raises PreparationError for bytes that are not a decodable image.
    """
    try:
        return _encode_for_extractor(data, max_side=max_side)
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        # UnidentifiedImageError is an OSError; truncated data fails at load.
        raise PreparationError("A product image could not be read.") from exc


def _encode_for_extractor(data: bytes, *, max_side: int) -> ImageInput:
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((max_side, max_side))
        has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
        out = io.BytesIO()
        if has_alpha:
            image.convert("RGBA").save(out, "PNG")
            return ImageInput(data=out.getvalue(), mime_type="image/png")
        image.convert("RGB").save(out, "JPEG", quality=88)
        return ImageInput(data=out.getvalue(), mime_type="image/jpeg")


def _fetch(url: str) -> bytes:
    try:
        return fetch_image(
            url, max_bytes=settings.FETCH_MAX_BYTES, timeout_s=settings.FETCH_TIMEOUT_S
        )
    except FetchError as exc:
        retryable = exc.code in {"timeout", "network_error", "dns_error", "http_status"}
        raise PreparationError(
            f"The product image could not be downloaded: {exc.message}",
            retryable=retryable,
        ) from exc


def _load_product(asset: ProductAsset) -> CatalogProduct:
    product = get_catalog(asset.shop).get_product(asset.product_id)
    if product is None:
        raise PreparationError("This product no longer exists in the store.")
    if not product.featured_image:
        raise PreparationError(
            "This product has no image: add a product photo in Shopify first."
        )
    return product


def _cutout(asset: ProductAsset, source: bytes) -> tuple[str, str]:
    """Store the cutout; returns (key, strategy). A manual cutout is kept as is."""
    manual = asset.prep_strategy == PrepStrategy.MANUAL and asset.prepared_image_key
    if manual and storage.exists(asset.prepared_image_key):
        return asset.prepared_image_key, PrepStrategy.MANUAL
    try:
        result = remove_background(source)
    except CutoutError as exc:
        raise PreparationError(
            f"{exc.message} Upload a cutout (PNG with transparency) instead."
        ) from exc
    key = keys.cutout_key(
        shop_id=asset.shop_id, product_id=asset.product_id, asset_id=asset.pk
    )
    storage.save(key, result.png_bytes, content_type="image/png")
    return key, get_provider().prep_strategy


def run_preparation(*, asset_id: object) -> PreparationOutcome:
    """Prepare one asset that is `preparing`; ends `ready` or `failed`."""
    asset = ProductAsset.objects.select_related("shop").get(pk=asset_id)
    if asset.status != AssetStatus.PREPARING:
        logger.info(
            "preparation skipped: asset is %s",
            asset.status,
            extra={"operation": "prepare", "stage": "skip", "asset": str(asset.pk)},
        )
        return PreparationOutcome(asset=asset)
    started = time.monotonic()
    provider = get_provider()
    log = {
        "operation": "prepare",
        "shop": asset.shop.shop_domain,
        "product": asset.product_id,
        "asset": str(asset.pk),
    }
    logger.info("preparation started", extra={**log, "stage": "prepare-start"})
    try:
        version = ensure_prompt_version()
        product = _load_product(asset)
        images = [
            _fetch(url) for url in (product.images or [product.featured_image])[:3]
        ]
        key, strategy = _cutout(asset, images[0])
        logger.info("cutout stored", extra={**log, "stage": "cutout-complete"})
        facts = extract_facts(
            provider=provider,
            product=product_text(
                title=product.title,
                description_html=product.description,
                product_type=product.product_type,
                vendor=product.vendor,
                tags=product.tags,
                metafields=product.metafields,
            ),
            images=[
                _image_input(data, max_side=EXTRACTOR_IMAGE_SIDE) for data in images
            ],
        ).model_dump(mode="json")
        logger.info("facts extracted", extra={**log, "stage": "extract-complete"})
        try:
            resolved = resolve_and_validate(facts, asset.merchant_overrides)
        except OverrideError:
            # Overrides written against older facts no longer fit: keep the
            # extracted facts rather than failing the product.
            resolved = resolve_and_validate(facts, None)
        pack = build_prompt_pack(
            provider=provider,
            resolved_facts=resolved,
            product_instructions=asset.render_instructions_see_it_now or "",
            shop_instructions=shop_prompt_addition(shop=asset.shop),
        ).model_dump(mode="json")
        logger.info("prompt pack built", extra={**log, "stage": "build-complete"})
    except (PreparationError, AIError) as exc:
        message = (
            exc.message
            if isinstance(exc, PreparationError)
            else (f"The AI step failed ({exc.code}): {exc.message}")
        )
        asset = asset_mark_failed(asset=asset, error_message=message)
        usage_count_preparation(shop=asset.shop, day=timezone.localdate())
        logger.warning(
            "preparation failed: %s",
            message,
            extra={
                **log,
                "stage": "prepare-failed",
                "durationMs": int((time.monotonic() - started) * 1000),
            },
        )
        return PreparationOutcome(asset=asset, retryable=exc.retryable)
    except Exception:
        # A bug or an unforeseen input must not leave the asset `preparing` for
        # good (re-prepare refuses that state): fail it with a generic message the
        # support team can find by request id; the traceback goes to the log.
        request_id = get_request_id()
        logger.exception(
            "preparation crashed", extra={**log, "stage": "prepare-crashed"}
        )
        asset = asset_mark_failed(
            asset=asset,
            error_message=UNEXPECTED_FAILURE.format(request_id=request_id),
        )
        return PreparationOutcome(asset=asset)

    asset = asset_mark_ready(
        asset=asset,
        product_title=product.title,
        product_type=product.product_type or None,
        source_image_id=product.featured_image or "",
        source_image_url=product.featured_image or "",
        prepared_image_key=key,
        prep_strategy=strategy,
        extracted_facts=facts,
        extracted_at=timezone.now(),
        resolved_facts=resolved,
        prompt_pack=pack,
        prompt_pack_version=version.version,
        prompt_version=version.version,
        field_source={
            "extracted_from": source_fingerprint(
                title=product.title,
                description=product.description,
                product_type=product.product_type,
                vendor=product.vendor,
                tags=product.tags,
                image=product.featured_image or "",
            )
        },
        gemini_file_uri=None,
        gemini_file_expires_at=None,
    )
    if asset.enabled:
        # It was live before this re-preparation: the merchant still wants it live.
        asset = asset_enable(asset=asset)
    usage_count_preparation(shop=asset.shop, day=timezone.localdate())
    logger.info(
        "preparation complete",
        extra={
            **log,
            "stage": "prepare-complete",
            "durationMs": int((time.monotonic() - started) * 1000),
        },
    )
    return PreparationOutcome(asset=asset)
