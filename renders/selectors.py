"""Read-side queries of renders, always scoped to a shop."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from renders.models import (
    RENDER_VERSION,
    RenderJob,
    RenderRun,
    RoomSession,
    VariantStatus,
)
from renders.renderer import run_started_key
from seeitnow import storage
from seeitnow.db import connection_release_if_pooled
from seeitnow.http import AppError
from seeitnow.storage import keys
from seeitnow.wakeup import Watch, wakeup_watch
from shops.models import Shop

# How often a long poll looks for a new variant when no wake-up can reach it.
POLL_STEP_S = 0.1


def room_session_live(*, shop: Shop, room_session_id: uuid.UUID) -> RoomSession:
    """The shop's unexpired room session. Raises AppError room_not_found (404:
    unknown, another shop's, or expired)."""
    room = RoomSession.objects.filter(
        id=room_session_id, shop=shop, expires_at__gt=timezone.now()
    ).first()
    if room is None:
        raise AppError("room_not_found", "Room session not found.", 404)
    return room


def render_run_get(*, shop: Shop, run_id: uuid.UUID) -> RenderRun:
    """The shop's run. Raises AppError run_not_found (404), also for another
    shop's."""
    run = RenderRun.objects.filter(id=run_id, shop=shop).first()
    if run is None:
        raise AppError("run_not_found", "Render run not found.", 404)
    return run


def render_run_state(*, run: RenderRun, has_variants: bool) -> str:
    """`pending` | `running` while open (SPEC §3), else the stored final status."""
    if run.is_finished:
        return run.status
    if has_variants or cache.get(run_started_key(run.id)):
        return "running"
    return "pending"


def render_run_public(*, run: RenderRun) -> dict[str, Any]:
    """The storefront's view of a run: status and the successful variants so far,
    each with a signed read URL."""
    variants = list(
        run.variant_results.order_by("variant_id").values_list(
            "variant_id", "status", "output_image_key", "latency_ms"
        )
    )
    return {
        "run_id": str(run.id),
        "status": render_run_state(run=run, has_variants=bool(variants)),
        "variants": [
            {
                "id": vid,
                "image_url": storage.signed_read_url(key),
                "thumb_url": storage.signed_read_url(
                    keys.thumb_key(run_id=run.id, variant_id=vid)
                ),
                "latency_ms": latency,
            }
            for vid, status, key, latency in variants
            if status == VariantStatus.SUCCESS
        ],
        "duration_ms": run.total_duration_ms,
        "version": RENDER_VERSION,
    }


def render_run_await(
    *,
    run: RenderRun,
    after: int,
    wait_s: float,
    step_s: float = POLL_STEP_S,
    watch: Callable[[str], Watch] = wakeup_watch,
    clock: Callable[[], float] = time.monotonic,
) -> RenderRun:
    """Hold until the run has more than `after` successful variants, or is
    finished, or `wait_s` has passed (a long poll); returns the run re-read.

    The worker sends a wake-up for the run as each variant is recorded and when
    the run closes, so the answer leaves as soon as there is more; without the
    listener (SQLite, or while it reconnects) it looks every `step_s`.
    """
    deadline = clock() + max(0.0, wait_s)
    with watch(str(run.id)) as watching:
        while True:
            run.refresh_from_db(fields=["status", "total_duration_ms"])
            done = run.variant_results.filter(status=VariantStatus.SUCCESS).count()
            if run.is_finished or done > after or clock() >= deadline:
                return run
            # A long poll must not hold one of the process's few connections.
            connection_release_if_pooled()
            watching.wait(min(watching.step(step_s), max(0.0, deadline - clock())))


def variant_selection_counts(
    *, shop: Shop, since: datetime | None = None
) -> dict[str, int]:
    """How often shoppers chose each variant id (e.g. {"V01": 12, "V03": 4})."""
    jobs = RenderJob.objects.filter(shop=shop, variant_id__isnull=False)
    if since is not None:
        jobs = jobs.filter(created_at__gte=since)
    rows = jobs.values("variant_id").annotate(n=Count("id")).order_by("variant_id")
    return {row["variant_id"]: row["n"] for row in rows}


def variant_cart_counts(*, shop: Shop, since: datetime | None = None) -> dict[str, int]:
    """How often a chosen variant went into the cart, per variant id."""
    jobs = RenderJob.objects.filter(
        shop=shop, variant_id__isnull=False, config_json__contains='"added_to_cart_at"'
    )
    if since is not None:
        jobs = jobs.filter(created_at__gte=since)
    rows = jobs.values("variant_id").annotate(n=Count("id")).order_by("variant_id")
    return {row["variant_id"]: row["n"] for row in rows}


def render_runs_recent(*, shop: Shop, limit: int = 10) -> list[dict[str, Any]]:
    """The shop's latest runs with their product and how many variants succeeded."""
    runs = (
        RenderRun.objects.filter(shop=shop)
        .select_related("product_asset")
        .annotate(
            succeeded=Count(
                "variant_results",
                filter=Q(variant_results__status=VariantStatus.SUCCESS),
            )
        )
        .order_by("-created_at")[:limit]
    )
    return [
        {
            "id": run.id,
            "created_at": run.created_at,
            "product": str(run.product_asset),
            "state": render_run_state(run=run, has_variants=run.succeeded > 0),
            "succeeded": run.succeeded,
            "duration_ms": run.total_duration_ms,
        }
        for run in runs
    ]
