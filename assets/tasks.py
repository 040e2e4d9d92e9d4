"""q2 tasks of product preparation: load by id, call the service."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import schedule

from assets.models import AssetStatus, ProductAsset
from assets.pipeline.run import run_preparation
from assets.services.preparation import asset_prepare
from assets.services.status import assets_fail_stuck
from seeitnow.logging import bind_request_id

logger = logging.getLogger(__name__)

RETRY_BACKOFF_S = (30, 120, 480)


def prepare_asset_task(asset_id: str, request_id: str | None = None) -> str:
    """Run one preparation; schedule a bounded retry when the failure may pass."""
    with bind_request_id(request_id) as bound_request_id:
        outcome = run_preparation(asset_id=asset_id)
        asset = outcome.asset
        if (
            outcome.retryable
            and asset.status == AssetStatus.FAILED
            and asset.retry_count <= settings.PREP_MAX_AUTO_RETRIES
        ):
            delay = RETRY_BACKOFF_S[min(asset.retry_count, len(RETRY_BACKOFF_S)) - 1]
            schedule(
                "assets.tasks.retry_preparation_task",
                str(asset.pk),
                bound_request_id,
                name=f"retry-prepare-{asset.pk}-{asset.retry_count}",
                schedule_type=Schedule.ONCE,
                next_run=timezone.now() + timedelta(seconds=delay),
                repeats=1,
            )
            logger.info(
                "preparation retry scheduled in %s s",
                delay,
                extra={
                    "operation": "prepare",
                    "stage": "retry-scheduled",
                    "asset": str(asset.pk),
                },
            )
        return asset.status


def retry_preparation_task(asset_id: str, request_id: str | None = None) -> str:
    """Re-queue a failed preparation unless the merchant already acted on it."""
    with bind_request_id(request_id):
        asset = ProductAsset.objects.select_related("shop").filter(pk=asset_id).first()
        if asset is None or asset.status != AssetStatus.FAILED:
            return "skipped"
        asset_prepare(shop=asset.shop, product_id=asset.product_id)
        return "queued"


def stuck_after_s() -> int:
    """A preparation older than this is dead: q2 kills a task at Q_TASK_TIMEOUT_S
    and re-delivers an unacknowledged one 60 s later (Q_CLUSTER `retry`)."""
    return 2 * settings.Q_TASK_TIMEOUT_S + 60


def fail_stuck_preparations(now: datetime | None = None) -> int:
    """Scheduled: fail `preparing` assets whose task cannot still be running."""
    now = now or timezone.now()
    failed = assets_fail_stuck(older_than=now - timedelta(seconds=stuck_after_s()))
    if failed:
        logger.warning("%d stuck preparations failed", failed)
    return failed
