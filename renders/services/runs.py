"""Starting a see-it-now render: parse, check, reserve quota, create the run.

The render is checked in SPEC §5's order. The room and product checks, with their
storage reads, run first and outside any transaction, remembering the first refusal;
then one short transaction reserves quota (a 402 outranks the remembered refusal),
raises that refusal (rolling the reservation back) or creates the run. So a refused
request leaves nothing behind, and today's usage row, which the reservation locks,
is never held while up to 50 MB of images are read. The task is queued only once
that transaction commits.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_q.tasks import async_task

from assets.models import AssetStatus, ProductAsset
from assets.selectors import asset_default_for_product, asset_live_for_variant
from renders.assembler import (
    PromptPackInvalid,
    assemble_prompts,
    image_meta,
    sha256_bytes,
    sha256_json,
)
from renders.inputs import RenderInput
from renders.models import TEST_RENDER_PREFIX, RenderRun, RoomSession
from renders.selectors import render_run_await, room_session_live
from renders.services.closing import render_run_abandon
from seeitnow import storage
from seeitnow.ai import get_provider
from seeitnow.ai.schema import VARIANT_IDS
from seeitnow.http import AppError
from seeitnow.metrics import REFUSALS
from shops.models import Shop
from shops.quota import quota_reserve, rate_limit_allow, usage_count_preparation
from shops.services import shop_availability_queue

logger = logging.getLogger("renders.render")

RENDER_TASK = "renders.tasks.render_run"
SYNC_POLL_INTERVAL_S = 0.05
UNQUEUED_MESSAGE = "the render could not be queued"


def _read_image(key: str, missing: AppError) -> tuple[bytes, dict[str, Any]]:
    """An input image and its meta; `missing` when it is absent or unreadable."""
    try:
        data = storage.read(key, max_bytes=settings.FETCH_MAX_BYTES)
        return data, image_meta(data)
    except (storage.ObjectNotFound, storage.ObjectTooLarge, OSError, ValueError):
        raise missing from None


def _room_checked(
    *, shop: Shop, room_session_id: uuid.UUID
) -> tuple[RoomSession, bytes, dict[str, Any]]:
    """The live room with its canonical image and that image's meta."""
    room = room_session_live(shop=shop, room_session_id=room_session_id)
    missing = AppError("no_room_image", "The room photo is not confirmed yet.")
    if not room.canonical_room_image_key:
        raise missing
    return room, *_read_image(room.canonical_room_image_key, missing)


def _asset_checked(
    *,
    shop: Shop,
    product_id: str,
    variant_id: str | None = None,
    statuses: frozenset[str] = frozenset({"live"}),
) -> tuple[ProductAsset, bytes, dict[str, Any]]:
    """The asset to render with its cutout and the cutout's meta: the selected
    variant's own live asset when it has one, else the product's default (live,
    unless `statuses` says otherwise)."""
    asset = None
    if variant_id is not None:
        asset = asset_live_for_variant(
            shop=shop, product_id=product_id, variant_id=variant_id
        )
    if asset is None:
        asset = asset_default_for_product(shop=shop, product_id=product_id)
    if asset is None or asset.status not in statuses:
        raise AppError(
            "product_not_enabled", "See It Now is not enabled for this product.", 422
        )
    missing = AppError("no_product_image", "This product has no prepared image.")
    if not asset.prepared_image_key:
        raise missing
    data, meta = _read_image(asset.prepared_image_key, missing)
    not_ready = AppError(
        "pipeline_not_ready", "This product is still being prepared.", 422
    )
    if not asset.resolved_facts or not asset.prompt_pack:
        raise not_ready
    try:
        assemble_prompts(prompt_pack=asset.prompt_pack)
    except PromptPackInvalid:
        raise not_ready from None
    return asset, data, meta


@dataclass(frozen=True)
class _CheckedInputs:
    room: RoomSession
    asset: ProductAsset
    room_hash: str
    room_meta: dict[str, Any]
    product_hash: str
    product_meta: dict[str, Any]


def _inputs_checked(*, shop: Shop, request: RenderInput) -> _CheckedInputs:
    """The room and product checks of SPEC §5, in order, with both images read
    and hashed."""
    room, room_bytes, room_meta = _room_checked(
        shop=shop, room_session_id=request.room_session_id
    )
    asset, product_bytes, product_meta = _asset_checked(
        shop=shop, product_id=request.product_id, variant_id=request.variant_id
    )
    return _CheckedInputs(
        room=room,
        asset=asset,
        room_hash=sha256_bytes(room_bytes),
        room_meta=room_meta,
        product_hash=sha256_bytes(product_bytes),
        product_meta=product_meta,
    )


def _render_rate_refusal(*, shop: Shop, request: RenderInput, client: str) -> str:
    """Why this render exceeds a limit ("" when it doesn't): per room session,
    per client (room session ids are free to mint) or the shop's burst."""
    window = settings.RENDER_RATE_WINDOW_S
    limits = [
        (
            f"render:{request.room_session_id}",
            settings.RENDER_RATE_LIMIT,
            "Too many renders for this room photo; try again in a minute.",
        ),
        (
            f"render-shop:{shop.pk}",
            settings.RENDER_SHOP_BURST_LIMIT,
            "This shop is busy; try again in a minute.",
        ),
    ]
    if client:
        limits.append(
            (
                f"render-client:{client}",
                settings.RENDER_CLIENT_RATE_LIMIT,
                "Too many renders; try again in a minute.",
            )
        )
    for key, limit, message in limits:
        if not rate_limit_allow(key=key, limit=limit, window_s=window):
            return message
    return ""


def _queue(run_id: str, request_id: str) -> None:
    """Queue the run's task once its transaction has committed. When the queue
    refuses it, the run is closed as failed at once, its reservation given back,
    and the client told to try again: no charged run waits for the sweeper."""
    try:
        async_task(RENDER_TASK, run_id, request_id)
    except Exception as exc:
        logger.exception("render run %s could not be queued", run_id)
        try:
            render_run_abandon(run_id=run_id, message=UNQUEUED_MESSAGE)
        except DatabaseError:
            # The database is what refused: the sweeper closes the run later.
            logger.exception("render run %s left for the sweeper", run_id)
        raise AppError(
            "service_unavailable",
            "The service is busy; please try again in a moment.",
            503,
        ) from exc


def render_start(
    *, shop: Shop, request: RenderInput, request_id: str, client: str = ""
) -> RenderRun:
    """Check, reserve quota, create the run and queue its task on commit.

    `client` is the requester's keyed address hash (seeitnow.http). Raises AppError
    rate_limit_exceeded (429), quota_exceeded (402), room_not_found (404),
    no_room_image (400), product_not_enabled (422), no_product_image (400) or
    pipeline_not_ready (422), with nothing written.
    """
    refusal_message = _render_rate_refusal(shop=shop, request=request, client=client)
    if refusal_message:
        REFUSALS.labels(reason="rate_limit_exceeded").inc()
        raise AppError("rate_limit_exceeded", refusal_message, 429)
    # Checked before the reservation but reported after it, as SPEC §5 orders them.
    refusal: AppError | None = None
    try:
        checked = _inputs_checked(shop=shop, request=request)
    except AppError as exc:
        refusal = exc
    model = get_provider().model_for("image")
    with transaction.atomic():
        now = timezone.now()
        try:
            left = quota_reserve(shop=shop, day=timezone.localdate(now))
        except AppError:
            REFUSALS.labels(reason="quota_exceeded").inc()
            raise
        if refusal is not None:
            raise refusal
        asset = checked.asset
        run = RenderRun.objects.create(
            shop=shop,
            product_asset=asset,
            room_session_id=checked.room.id,
            request_id=request_id,
            prompt_pack_version=asset.prompt_pack_version or asset.prompt_version,
            model=model,
            product_image_hash=checked.product_hash,
            product_image_meta=checked.product_meta,
            room_image_hash=checked.room_hash,
            room_image_meta=checked.room_meta,
            resolved_facts_hash=sha256_json(asset.resolved_facts),
            resolved_facts_json=asset.resolved_facts,
            prompt_pack_hash=sha256_json(asset.prompt_pack),
            prompt_pack_json=asset.prompt_pack,
            created_at=now,
        )
        RoomSession.objects.filter(pk=checked.room.pk).update(last_used_at=now)
        run_id = str(run.id)
        transaction.on_commit(lambda: _queue(run_id, request_id))
        if left == 0:
            # The last render of the day or month: the theme hides the button.
            shop_availability_queue(shop=shop)
    logger.info(
        "see-it-now-start",
        extra={
            "operation": "see-it-now",
            "stage": "see-it-now-start",
            "shop": shop.shop_domain,
            "product": asset.product_id,
            "run_id": run_id,
            "async": request.is_async,
            "model": run.model,
        },
    )
    return run


def render_start_test(
    *, shop: Shop, product_id: str, room: RoomSession, request_id: str
) -> RenderRun:
    """A merchant's test render of a ready or live product in a confirmed room:
    no storefront rate limit or quota; counted as preparation usage.

    Raises AppError product_not_enabled (422, not prepared), no_room_image,
    no_product_image or pipeline_not_ready, with nothing written.
    """
    missing = AppError("no_room_image", "The room photo is not confirmed yet.")
    if not room.canonical_room_image_key:
        raise missing
    room_bytes, room_meta = _read_image(room.canonical_room_image_key, missing)
    asset, product_bytes, product_meta = _asset_checked(
        shop=shop,
        product_id=product_id,
        statuses=frozenset({AssetStatus.READY, AssetStatus.LIVE}),
    )
    model = get_provider().model_for("image")
    with transaction.atomic():
        now = timezone.now()
        usage_count_preparation(shop=shop, day=timezone.localdate(now))
        run = RenderRun.objects.create(
            shop=shop,
            product_asset=asset,
            room_session_id=room.id,
            request_id=f"{TEST_RENDER_PREFIX}{request_id}"[:255],
            prompt_pack_version=asset.prompt_pack_version or asset.prompt_version,
            model=model,
            product_image_hash=sha256_bytes(product_bytes),
            product_image_meta=product_meta,
            room_image_hash=sha256_bytes(room_bytes),
            room_image_meta=room_meta,
            resolved_facts_hash=sha256_json(asset.resolved_facts),
            resolved_facts_json=asset.resolved_facts,
            prompt_pack_hash=sha256_json(asset.prompt_pack),
            prompt_pack_json=asset.prompt_pack,
            created_at=now,
        )
        run_id = str(run.id)
        transaction.on_commit(lambda: _queue(run_id, request_id))
    return run


def render_run_wait(*, run: RenderRun, timeout_s: float) -> RenderRun:
    """Hold until the run is finished or `timeout_s` has passed (a sync render):
    the long poll's wait, with an `after` no run can exceed."""
    return render_run_await(
        run=run,
        after=len(VARIANT_IDS),
        wait_s=timeout_s,
        step_s=SYNC_POLL_INTERVAL_S,
    )
