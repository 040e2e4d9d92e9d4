"""Status changes of product assets: one function per legal transition (SPEC §3)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assets.models import AssetStatus, ProductAsset
from seeitnow.http import AppError
from shops.catalog import get_catalog

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
    """preparing → ready, writing the prepared fields. Raises InvalidTransition.

    `retry_count` counts failures since the last success, so automatic retries
    are bounded per episode of trouble, not over the product's lifetime.
    """
    return _transition(
        asset=asset,
        sources={S.PREPARING},
        target=S.READY,
        error_message=None,
        retry_count=0,
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


def asset_pause_for_preparation(*, asset: ProductAsset) -> ProductAsset:
    """live → ready keeping `enabled`, so the asset goes live again once prepared.

    Raises InvalidTransition.
    """
    return _transition(asset=asset, sources={S.LIVE}, target=S.READY)


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


@dataclass(frozen=True)
class OfflineResult:
    """The asset, now offline, and what the merchant should know about the tag."""

    asset: ProductAsset
    warning: str | None = None


TAG_LINGERS = (
    "The storefront tag could not be removed ({reason}). The product is off the "
    "storefront anyway; disable it again later to remove the tag."
)


def asset_go_offline(*, asset: ProductAsset) -> OfflineResult:
    """live → ready and remove the storefront tag. Raises InvalidTransition.

    A failed tag call does not undo the change; it comes back as the warning.
    """
    asset = asset_disable(asset=asset)
    try:
        get_catalog(asset.shop).remove_tags(
            asset.product_id, [settings.SHOPIFY_LIVE_TAG]
        )
    except AppError as exc:
        # Offline is what matters: the storefront refuses renders of a ready
        # product even while the tag lingers.
        logger.warning("could not remove the live tag of %s", asset.product_id)
        return OfflineResult(asset, TAG_LINGERS.format(reason=exc.message))
    return OfflineResult(asset)


STUCK_MESSAGE = "Preparation did not finish in time. Try again."


def assets_fail_stuck(*, older_than: datetime) -> int:
    """Fail `preparing` assets not touched since `older_than` (a worker died or
    the task timed out, so nothing else will ever move them). Returns how many."""
    failed = 0
    stuck = ProductAsset.objects.filter(
        status=S.PREPARING, updated_at__lt=older_than
    ).only("pk")
    for asset in stuck:
        try:
            asset_mark_failed(asset=asset, error_message=STUCK_MESSAGE)
        except InvalidTransition:
            continue  # finished meanwhile
        failed += 1
    return failed
