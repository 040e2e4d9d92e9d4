"""The end of a run: close it from its variant rows, release an unused quota
reservation, and sweep up runs whose worker died.

Closing is a conditional update on the open row, so of all the callers that may try
(the task, a redelivered task, the sweeper) exactly one closes the run and only that
one may release its reservation: a run is never released or charged twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from renders.assembler import PromptPackInvalid, assemble_prompts, sha256_text
from renders.models import (
    TEST_RENDER_PREFIX,
    RenderRun,
    RunStatus,
    VariantResult,
    VariantStatus,
)
from seeitnow.ai.schema import VARIANT_IDS
from seeitnow.metrics import RENDER_DURATION, RENDER_RUNS
from seeitnow.wakeup import wakeup_send
from shops.quota import quota_release
from shops.services import shop_availability_queue

logger = logging.getLogger("renders.render")

ABANDONED_MESSAGE = "The render worker stopped before this variant finished."


def log_run_stage(stage: str, run: RenderRun, **extra: object) -> None:
    """One JSON log line of a run's lifecycle (SPEC §11 fields)."""
    logger.info(
        stage,
        extra={
            "operation": "see-it-now",
            "stage": stage,
            "shop": run.shop.shop_domain,
            "product": run.product_asset.product_id,
            "run_id": str(run.id),
            **extra,
        },
    )


def render_run_finish(*, run_id: object, now: datetime | None = None) -> RenderRun:
    """Close the run from its variant rows (missing ones count as failed) and
    release its quota reservation when nothing succeeded; only the first caller
    for a run changes anything, so a run is never released or closed twice."""
    return _close(run_id=run_id, now=now or timezone.now())[0]


def _close(*, run_id: object, now: datetime) -> tuple[RenderRun, bool]:
    run = RenderRun.objects.select_related("shop", "product_asset").get(pk=run_id)
    results = dict(run.variant_results.values_list("variant_id", "status"))
    successes = sum(1 for status in results.values() if status == VariantStatus.SUCCESS)
    if successes == len(VARIANT_IDS):
        status = RunStatus.COMPLETE
    elif successes:
        status = RunStatus.PARTIAL
    else:
        status = RunStatus.FAILED
    duration_ms = max(0, int((now - run.created_at).total_seconds() * 1000))
    with transaction.atomic():
        closed = RenderRun.objects.filter(
            pk=run.pk, total_duration_ms__isnull=True
        ).update(status=status, total_duration_ms=duration_ms)
        # A merchant's test render reserved no storefront quota (it is paid as
        # preparation usage), so there is nothing to give back.
        if (
            closed
            and not successes
            and not run.request_id.startswith(TEST_RENDER_PREFIX)
        ):
            quota_release(shop_id=run.shop_id, day=timezone.localdate(run.created_at))
            # The unit given back may be the one that had hidden the button.
            shop_availability_queue(shop=run.shop)
    run.refresh_from_db()
    if closed:
        wakeup_send(str(run.id))
        RENDER_RUNS.labels(status=run.status).inc()
        RENDER_DURATION.observe(duration_ms / 1000)
        log_run_stage(
            "see-it-now-complete",
            run,
            status=run.status,
            duration_ms=run.total_duration_ms,
            succeeded=successes,
            charged=bool(successes),
        )
    return run, bool(closed)


def render_runs_sweep(*, now: datetime | None = None, stale_after_s: float) -> int:
    """Close runs left open longer than `stale_after_s` (their worker died): the
    variants they lack are recorded as failed. Returns how many were closed."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_after_s)
    stale = RenderRun.objects.filter(
        total_duration_ms__isnull=True, created_at__lt=cutoff
    ).values_list("id", flat=True)
    return sum(
        render_run_abandon(run_id=run_id, message=ABANDONED_MESSAGE, now=now)
        for run_id in list(stale)
    )


def render_run_abandon(
    *, run_id: object, message: str, now: datetime | None = None
) -> bool:
    """Record the variants the run lacks as failed with `message` and close it
    (releasing its reservation when nothing succeeded). True if this call closed
    it; a run closed already is left as it is."""
    run = RenderRun.objects.get(pk=run_id)
    try:
        prompts = assemble_prompts(prompt_pack=run.prompt_pack_json)
    except PromptPackInvalid:
        prompts = {}
    recorded = set(run.variant_results.values_list("variant_id", flat=True))
    VariantResult.objects.bulk_create(
        [
            VariantResult(
                render_run=run,
                variant_id=vid,
                final_prompt_hash=sha256_text(prompts.get(vid, "")),
                status=VariantStatus.FAILED,
                latency_ms=0,
                error_message=message,
            )
            for vid in VARIANT_IDS
            if vid not in recorded
        ],
        ignore_conflicts=True,
    )
    return _close(run_id=run_id, now=now or timezone.now())[1]
