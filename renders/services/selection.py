"""The shopper's choice (see-it-now/select): record it, optionally upscale it.

Each choice is one RenderJob row per variant of a run (its `image_key` lies under
the run's folder), whose `variant_id` is the chosen variant (e.g. "V03"), which is
what the merchant's per-variant analytics count; choosing the same variant of the
same run again returns that row instead of paying for a second upscale, while a
choice after a new render records a new row pointing at the new image.

Concurrent selections of one variant are serialised on its VariantResult row, held
only while the job is found or created and an upscale is claimed; the upscale itself
runs outside any transaction, and a request that finds another's claim waits for
its outcome rather than paying for a second upscale.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from renders.inputs import SelectInput
from renders.models import (
    RenderJob,
    RenderRun,
    RoomSession,
    VariantResult,
    VariantStatus,
)
from renders.renderer import VARIANT_GRACE_S
from renders.selectors import room_session_live
from seeitnow import storage
from seeitnow.ai import AIError, ImageInput, get_provider
from seeitnow.http import AppError
from seeitnow.storage import keys
from shops.models import Shop
from shops.quota import rate_limit_allow

logger = logging.getLogger("renders.render")

SELECTED_STATUS = "completed"
UPSCALE_POLL_S = 0.1
# Marks a choice whose upscale a request is running (epoch seconds of the claim).
_CLAIM = "upscale_claimed_at"


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
            status=VariantStatus.SUCCESS,
        )
        .order_by("-render_run__created_at")
        .first()
    )
    if result is None:
        raise AppError("variant_not_found", "That variant was not rendered.", 404)
    return result


def _upscale(*, result: VariantResult, timeout_s: float) -> tuple[bytes, str]:
    provider = get_provider()
    data = storage.read(result.output_image_key, max_bytes=settings.FETCH_MAX_BYTES)
    upscaled = provider.upscale(
        image=ImageInput(data=data, mime_type="image/jpeg"), timeout_s=timeout_s
    )
    return upscaled, provider.model_for("upscale")


def _claim_lapses_at(config: dict[str, Any]) -> float:
    """When an upscale claim is given up on: its call's budget plus the grace a
    render variant gets (a request that died never clears its claim)."""
    budget = settings.RENDER_VARIANT_TIMEOUT_S + VARIANT_GRACE_S
    return float(config.get(_CLAIM) or 0) + budget


def _choice_claimed(
    *,
    shop: Shop,
    room: RoomSession,
    product_id: str,
    result: VariantResult,
    session_id: str,
    want_upscale: bool,
) -> tuple[RenderJob, bool]:
    """The choice's RenderJob, created on the first selection of this variant of
    this run, and whether this request has claimed its upscale."""
    run = result.render_run
    with transaction.atomic():
        # The run's row lock (then the variant's, always in this order) makes
        # check-then-create and the claim atomic, across all of the run's variants.
        RenderRun.objects.select_for_update().get(pk=run.pk)
        VariantResult.objects.select_for_update().get(pk=result.pk)
        job = (
            RenderJob.objects.filter(
                shop=shop,
                room_session=room,
                product_id=product_id,
                variant_id=result.variant_id,
                status=SELECTED_STATUS,
                image_key__startswith=keys.variant_prefix(run_id=run.id),
            )
            .order_by("-created_at")
            .first()
        )
        if job is None:
            job = RenderJob.objects.create(
                shop=shop,
                product_id=product_id,
                variant_id=result.variant_id,
                product_asset_id=run.product_asset_id,
                room_session=room,
                status=SELECTED_STATUS,
                image_key=result.output_image_key,
                model_id=run.model,
                prompt_version=run.prompt_pack_version,
                config_json=json.dumps(
                    {"run_id": str(run.id), "upscaled": False, "session_id": session_id}
                ),
                completed_at=timezone.now(),
            )
        config = json.loads(job.config_json or "{}")
        if not want_upscale or config.get("upscaled"):
            return job, False
        if _CLAIM in config and time.time() < _claim_lapses_at(config):
            return job, False
        if _run_upscaled_elsewhere(run=run, job=job):
            # One upscale per run: the pro model is paid outside any quota.
            return job, False
        config[_CLAIM] = time.time()
        job.config_json = json.dumps(config)
        job.save(update_fields=["config_json"])
        return job, True


def _run_upscaled_elsewhere(*, run: RenderRun, job: RenderJob) -> bool:
    """Whether another choice of this run has been upscaled or is being upscaled."""
    others = RenderJob.objects.filter(
        shop_id=run.shop_id, image_key__startswith=keys.variant_prefix(run_id=run.id)
    ).exclude(pk=job.pk)
    for other in others.only("config_json"):
        config = json.loads(other.config_json or "{}")
        if config.get("upscaled") or (
            _CLAIM in config and time.time() < _claim_lapses_at(config)
        ):
            return True
    return False


def _upscaled_by_claim(*, job: RenderJob, result: VariantResult) -> RenderJob:
    """Upscale the claimed choice and store the outcome; the claim is cleared
    whatever happens."""
    config = json.loads(job.config_json or "{}")
    run = result.render_run
    try:
        data, model = _upscale(
            result=result, timeout_s=settings.RENDER_VARIANT_TIMEOUT_S
        )
    except AIError as exc:
        # The shopper keeps the image they chose; the failure is recorded.
        job.error_code, job.error_message = exc.code, exc.message
    else:
        final_key = keys.final_key(run_id=run.id, variant_id=result.variant_id)
        storage.save(final_key, data, content_type="image/jpeg")
        job.image_key, job.model_id = final_key, model
        job.error_code = job.error_message = None
        config["upscaled"] = True
    finally:
        config.pop(_CLAIM, None)
        job.config_json = json.dumps(config)
        job.save(
            update_fields=[
                "config_json",
                "image_key",
                "model_id",
                "error_code",
                "error_message",
            ]
        )
    return job


def _upscale_awaited(*, job: RenderJob) -> RenderJob:
    """The choice once the request that claimed its upscale has finished, or as it
    is when that claim lapses."""
    lapses_at = _claim_lapses_at(json.loads(job.config_json or "{}"))
    while time.time() < lapses_at:
        time.sleep(min(UPSCALE_POLL_S, max(0.0, lapses_at - time.time())))
        job.refresh_from_db()
        if _CLAIM not in json.loads(job.config_json or "{}"):
            break
    return job


def render_select(*, shop: Shop, choice: SelectInput) -> Selection:
    """Record the shopper's chosen variant, upscaling it when asked; choosing the
    same variant of the same run again returns the stored choice. Raises AppError
    room_not_found or variant_not_found (404)."""
    started = time.monotonic()
    product_id, variant_id = choice.product_id, choice.variant_id
    want_upscale = choice.upscale
    if not rate_limit_allow(
        key=f"select:{choice.room_session_id}",
        limit=settings.SELECT_RATE_LIMIT,
        window_s=settings.RENDER_RATE_WINDOW_S,
    ):
        raise AppError(
            "rate_limit_exceeded", "Too many selections; try again in a minute.", 429
        )
    room = room_session_live(shop=shop, room_session_id=choice.room_session_id)
    result = _selected_variant(
        shop=shop, room=room, product_id=product_id, variant_id=variant_id
    )
    run = result.render_run
    job, claimed = _choice_claimed(
        shop=shop,
        room=room,
        product_id=product_id,
        result=result,
        session_id=choice.session_id,
        want_upscale=want_upscale,
    )
    if claimed:
        job = _upscaled_by_claim(job=job, result=result)
    elif want_upscale and _CLAIM in json.loads(job.config_json or "{}"):
        job = _upscale_awaited(job=job)
    upscaled = bool(json.loads(job.config_json or "{}").get("upscaled"))
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
            "upscaled": upscaled,
            "duration_ms": duration_ms,
        },
    )
    return Selection(
        job=job, final_key=job.image_key, upscaled=upscaled, duration_ms=duration_ms
    )


ADDED_TO_CART = "added_to_cart_at"


def render_job_added_to_cart(*, shop: Shop, job_id: uuid.UUID) -> RenderJob:
    """Record that the shopper put the chosen variant in the cart (SPEC §13).

    Counted once per choice: a repeated call changes nothing. Raises AppError
    `render_job_not_found` (404, also for another shop's job).
    """
    with transaction.atomic():
        job = RenderJob.objects.select_for_update().filter(shop=shop, pk=job_id).first()
        if job is None:
            raise AppError("render_job_not_found", "That choice was not found.", 404)
        config = json.loads(job.config_json or "{}")
        if ADDED_TO_CART not in config:
            config[ADDED_TO_CART] = timezone.now().isoformat()
            job.config_json = json.dumps(config)
            job.save(update_fields=["config_json"])
    logger.info(
        "see-it-now-added-to-cart",
        extra={
            "operation": "see-it-now",
            "stage": "add-to-cart",
            "shop": shop.shop_domain,
            "product": job.product_id,
            "variant_id": job.variant_id,
        },
    )
    return job
