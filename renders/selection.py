"""The shopper's choice (see-it-now/select): record it, optionally upscale it.

Each choice is one RenderJob row whose `variant_id` is the chosen variant (e.g.
"V03"), which is what the merchant's per-variant analytics count; choosing the same
variant again returns that row instead of paying for a second upscale.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from renders.assembler import PromptPackInvalid, assemble_prompts
from renders.models import RenderJob, RoomSession, VariantResult
from renders.renderer import render_provider
from renders.runs import parse_product_id, parse_room_session_id, room_get_live
from seeitnow import storage
from seeitnow.ai import AIError, ImageInput
from seeitnow.http import AppError
from shops.models import Shop

logger = logging.getLogger("renders.render")

SELECTED_STATUS = "completed"
_VARIANT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Selection:
    job: RenderJob
    final_key: str
    upscaled: bool
    duration_ms: int


def _selected_variant(
    *, shop: Shop, room: RoomSession, product_id: str, variant_id: str
) -> VariantResult:
    result = (
        VariantResult.objects.select_related("render_run")
        .filter(
            render_run__shop=shop,
            render_run__room_session_id=room.id,
            render_run__product_asset__product_id=product_id,
            variant_id=variant_id,
            status="success",
        )
        .order_by("-render_run__created_at")
        .first()
    )
    if result is None:
        raise AppError("variant_not_found", "That variant was not rendered.", 404)
    return result


def _upscale(*, result: VariantResult, timeout_s: float) -> tuple[bytes, str]:
    run = result.render_run
    provider = render_provider()
    data = storage.read(result.output_image_key, max_bytes=settings.FETCH_MAX_BYTES)
    try:
        prompt = assemble_prompts(prompt_pack=run.prompt_pack_json)[result.variant_id]
    except (PromptPackInvalid, KeyError):
        prompt = ""
    upscaled = provider.upscale(
        image=ImageInput(data=data, mime_type="image/jpeg"),
        prompt=prompt,
        timeout_s=timeout_s,
    )
    return upscaled, provider.model_for("upscale")


def render_select(*, shop: Shop, body: dict[str, Any]) -> Selection:
    """Record the shopper's chosen variant, upscaling it when asked; choosing the
    same variant again returns the stored choice. Raises AppError
    missing_room_session, missing_product_id, invalid_variant_id (400),
    room_not_found or variant_not_found (404)."""
    started = time.monotonic()
    room_id = parse_room_session_id(body.get("room_session_id"))
    variant_id = body.get("selected_variant_id")
    if not isinstance(variant_id, str) or not _VARIANT_ID.match(variant_id):
        raise AppError(
            "invalid_variant_id", "selected_variant_id is missing or malformed."
        )
    product_id = parse_product_id(body.get("product_id"))
    want_upscale = body.get("upscale") is True
    # `selected_image_url` is never fetched (SSRF): the variant's own stored key
    # identifies the image.
    room = room_get_live(shop=shop, room_session_id=room_id)
    result = _selected_variant(
        shop=shop, room=room, product_id=product_id, variant_id=variant_id
    )
    run = result.render_run
    job = (
        RenderJob.objects.filter(
            shop=shop,
            room_session=room,
            product_id=product_id,
            variant_id=variant_id,
            status=SELECTED_STATUS,
        )
        .order_by("-created_at")
        .first()
    )
    if job is None:
        job = RenderJob(
            shop=shop,
            product_id=product_id,
            variant_id=variant_id,
            product_asset_id=run.product_asset_id,
            room_session=room,
            status=SELECTED_STATUS,
            image_key=result.output_image_key,
            model_id=run.model,
            prompt_version=run.prompt_pack_version,
            config_json=json.dumps(
                {
                    "run_id": str(run.id),
                    "upscaled": False,
                    "session_id": str(body.get("session_id") or "")[:128],
                }
            ),
            completed_at=timezone.now(),
        )
    config = json.loads(job.config_json or "{}")
    if want_upscale and not config.get("upscaled"):
        final_key = f"{storage.variant_prefix(run_id=run.id)}final-{variant_id}.jpg"
        try:
            data, model = _upscale(
                result=result, timeout_s=settings.RENDER_VARIANT_TIMEOUT_S
            )
        except AIError as exc:
            # The shopper keeps the image they chose; the failure is recorded.
            job.error_code, job.error_message = exc.code, exc.message
        else:
            storage.save(final_key, data, content_type="image/jpeg")
            job.image_key, job.model_id = final_key, model
            job.error_code = job.error_message = None
            config["upscaled"] = True
        job.config_json = json.dumps(config)
    job.save()
    duration_ms = int((time.monotonic() - started) * 1000)
    logger.info(
        "see-it-now-select",
        extra={
            "operation": "see-it-now",
            "stage": "select",
            "shop": shop.shop_domain,
            "product": product_id,
            "run_id": str(run.id),
            "variant_id": variant_id,
            "upscaled": bool(config.get("upscaled")),
            "duration_ms": duration_ms,
        },
    )
    return Selection(
        job=job,
        final_key=job.image_key,
        upscaled=bool(config.get("upscaled")),
        duration_ms=duration_ms,
    )
