"""Writes to product assets (HackSoft-style services), grouped by purpose."""

from __future__ import annotations

from assets.services.edits import (
    asset_set_overrides,
    asset_upload_manual_cutout,
    shop_prompt_addition,
)
from assets.services.preparation import (
    asset_begin_preparation,
    asset_prepare,
    asset_refresh_from_product_update,
    asset_register,
    assets_prepare_batch,
    assets_reprepare_outdated,
    cutout_key,
    source_fingerprint,
)
from assets.services.status import (
    InvalidTransition,
    asset_disable,
    asset_enable,
    asset_go_live,
    asset_go_offline,
    asset_mark_failed,
    asset_mark_preparing,
    asset_mark_ready,
)

__all__ = [
    "InvalidTransition",
    "asset_begin_preparation",
    "asset_disable",
    "asset_enable",
    "asset_go_live",
    "asset_go_offline",
    "asset_mark_failed",
    "asset_mark_preparing",
    "asset_mark_ready",
    "asset_prepare",
    "asset_refresh_from_product_update",
    "asset_register",
    "asset_set_overrides",
    "asset_upload_manual_cutout",
    "assets_prepare_batch",
    "assets_reprepare_outdated",
    "cutout_key",
    "shop_prompt_addition",
    "source_fingerprint",
]
