"""Plain factory functions: valid rows with sensible defaults, any field overridable."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.utils import timezone

from assets.models import AssetStatus, PrepStrategy, ProductAsset, PromptVersion
from renders.models import (
    RenderJob,
    RenderRun,
    RoomSession,
    RunStatus,
    VariantResult,
    VariantStatus,
)
from seeitnow.ai.schema import VARIANT_IDS
from shops.models import Shop, UsageDaily

_seq = itertools.count(1)

SAMPLE_FACTS: dict[str, Any] = {
    "identity": {
        "title": "Oak side table",
        "product_kind": "side table",
        "visual_description": "Round oak top on three tapered legs, oiled.",
        "category_path": ["furniture", "tables"],
        "style_cues": ["scandinavian"],
    },
    "dimensions_cm": {"h": 55, "w": 45, "d": 45, "diameter": None, "thickness": None},
    "weight_class": "medium",
    "deformability": "rigid",
    "relative_scale": {"class": "medium", "evidence": "55 cm tall", "comparisons": []},
}

SAMPLE_PROMPT_PACK: dict[str, Any] = {
    "product_context": "A round oak side table, 45 cm across and 55 cm tall.",
    "variants": [
        {"id": vid, "variation": f"Variation {vid}: place it beside the sofa."}
        for vid in VARIANT_IDS
    ],
}


def make_shop(**fields: Any) -> Shop:
    n = next(_seq)
    values = {
        "shop_domain": f"shop-{n}.myshopify.com",
        "shopify_shop_id": str(1000 + n),
        "access_token": f"shpat_test_{n}",
        "plan": "free",
        "daily_quota": 10,
        "monthly_quota": 300,
    }
    values.update(fields)
    return Shop.objects.create(**values)


def make_asset(*, shop: Shop, **fields: Any) -> ProductAsset:
    n = next(_seq)
    values = {
        "product_id": str(8_000_000 + n),
        "product_title": f"Product {n}",
        "source_image_id": f"gid://shopify/ProductImage/{n}",
        "source_image_url": f"https://cdn.shopify.com/s/files/product-{n}.jpg",
        "status": AssetStatus.UNPREPARED,
        "prep_strategy": PrepStrategy.FALLBACK,
        "prompt_version": 1,
        "is_default": True,
    }
    values.update(fields)
    return ProductAsset.objects.create(shop=shop, **values)


def make_ready_asset(*, shop: Shop, **fields: Any) -> ProductAsset:
    values = {
        "status": AssetStatus.READY,
        "prepared_image_key": f"shops/{shop.pk}/products/p/prepared-x.png",
        "extracted_facts": SAMPLE_FACTS,
        "resolved_facts": SAMPLE_FACTS,
        "prompt_pack": SAMPLE_PROMPT_PACK,
        "prompt_pack_version": 1,
        "extracted_at": timezone.now(),
    }
    values.update(fields)
    return make_asset(shop=shop, **values)


def make_room(*, shop: Shop, **fields: Any) -> RoomSession:
    now = timezone.now()
    values = {"created_at": now, "expires_at": now + timedelta(hours=24)}
    values.update(fields)
    return RoomSession.objects.create(shop=shop, **values)


def make_run(*, asset: ProductAsset, room: RoomSession, **fields: Any) -> RenderRun:
    values = {
        "request_id": "req-test",
        "prompt_pack_version": 1,
        "model": "local-compositor",
        "product_image_hash": "0" * 64,
        "product_image_meta": {
            "width": 10,
            "height": 10,
            "bytes": 100,
            "format": "PNG",
        },
        "room_image_hash": "1" * 64,
        "room_image_meta": {"width": 20, "height": 15, "bytes": 200, "format": "JPEG"},
        "resolved_facts_hash": "2" * 64,
        "resolved_facts_json": SAMPLE_FACTS,
        "prompt_pack_hash": "3" * 64,
        "prompt_pack_json": SAMPLE_PROMPT_PACK,
        "status": RunStatus.FAILED,
    }
    values.update(fields)
    return RenderRun.objects.create(
        shop=asset.shop, product_asset=asset, room_session_id=room.pk, **values
    )


def make_variant(*, run: RenderRun, variant_id: str = "V01", **fields: Any):
    values = {
        "final_prompt_hash": "4" * 64,
        "status": VariantStatus.SUCCESS,
        "latency_ms": 1200,
        "output_image_key": f"see-it-now/{run.pk}/{variant_id}.jpg",
        "output_image_hash": "5" * 64,
    }
    values.update(fields)
    return VariantResult.objects.create(render_run=run, variant_id=variant_id, **values)


def make_render_job(*, asset: ProductAsset, room: RoomSession | None, **fields: Any):
    values = {
        "product_id": asset.product_id,
        "status": "completed",
        "variant_id": "V01",
    }
    values.update(fields)
    return RenderJob.objects.create(
        shop=asset.shop, product_asset=asset, room_session=room, **values
    )


def make_usage(*, shop: Shop, **fields: Any) -> UsageDaily:
    values = {"date": timezone.localdate(), "composite_renders": 0}
    values.update(fields)
    return UsageDaily.objects.create(shop=shop, **values)


def make_prompt_version(**fields: Any) -> PromptVersion:
    values = {
        "version": (
            PromptVersion.objects.order_by("-version").first()
            or PromptVersion(version=0)
        ).version
        + 1,
        "global_hash": "a" * 64,
        "extractor_hash": "b" * 64,
        "builder_hash": "c" * 64,
        "config_snapshot": {"models": {"text": "gemini-2.5-flash"}},
    }
    values.update(fields)
    return PromptVersion.objects.create(**values)
