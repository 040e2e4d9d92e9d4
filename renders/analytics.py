"""The merchant's Monitor: render runs filtered, one run in full, the funnel.

Every function takes `shop` and reads only that shop's rows.
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from assets.models import ProductAsset
from renders.assembler import PromptPackInvalid, assemble_prompts
from renders.models import (
    RenderJob,
    RenderRun,
    RunStatus,
    SeeItNowOrderLine,
    VariantResult,
    VariantStatus,
)
from renders.selectors import render_run_get, render_run_state
from seeitnow import storage
from seeitnow.ai.schema import VARIANT_IDS
from shops.models import Shop

# `running` selects the runs still open (SPEC §3: total_duration_ms is null).
RUN_FILTER_STATUSES = (*RunStatus.values, "running")


@dataclass(frozen=True)
class RunFilters:
    status: str = ""
    product_id: str = ""
    prompt_version: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _in_range(field: str, filters: RunFilters) -> Q:
    q = Q()
    if filters.date_from is not None:
        q &= Q(**{f"{field}__date__gte": filters.date_from})
    if filters.date_to is not None:
        q &= Q(**{f"{field}__date__lte": filters.date_to})
    return q


def render_runs_filtered(*, shop: Shop, filters: RunFilters) -> QuerySet[RenderRun]:
    """The shop's runs matching the filters, newest first, with `succeeded`."""
    runs = RenderRun.objects.filter(shop=shop).filter(_in_range("created_at", filters))
    if filters.status == "running":
        runs = runs.filter(total_duration_ms__isnull=True)
    elif filters.status:
        runs = runs.filter(status=filters.status, total_duration_ms__isnull=False)
    if filters.product_id:
        runs = runs.filter(product_asset__product_id=filters.product_id)
    if filters.prompt_version is not None:
        runs = runs.filter(prompt_pack_version=filters.prompt_version)
    return (
        runs.select_related("product_asset")
        .annotate(
            succeeded=Count(
                "variant_results",
                filter=Q(variant_results__status=VariantStatus.SUCCESS),
            )
        )
        .order_by("-created_at", "-id")
    )


def render_run_filter_choices(*, shop: Shop) -> dict[str, list]:
    """The products and prompt versions the shop's runs have, for filter menus."""
    products = (
        ProductAsset.objects.filter(shop=shop, render_runs__isnull=False)
        .values_list("product_id", "product_title")
        .distinct()
        .order_by("product_title", "product_id")
    )
    versions = (
        RenderRun.objects.filter(shop=shop)
        .values_list("prompt_pack_version", flat=True)
        .distinct()
        .order_by("-prompt_pack_version")
    )
    return {
        "products": [
            {"id": pid, "title": title or f"Product {pid}"}
            for pid, title in dict(products).items()
        ],
        "prompt_versions": list(versions),
    }


def render_run_detail(*, shop: Shop, run_id: uuid.UUID) -> dict[str, Any]:
    """One run as the Monitor shows it: eight variants (image, status, latency,
    error, final prompt) and the facts and prompt-pack snapshots. Raises AppError
    run_not_found (404), also for another shop's run."""
    run = render_run_get(shop=shop, run_id=run_id)
    asset = run.product_asset
    try:
        prompts = assemble_prompts(prompt_pack=run.prompt_pack_json)
    except PromptPackInvalid:
        prompts = {}
    results = {v.variant_id: v for v in run.variant_results.all()}
    variants = []
    for vid in VARIANT_IDS:
        result = results.get(vid)
        ok = result is not None and result.status == VariantStatus.SUCCESS
        variants.append(
            {
                "id": vid,
                "status": result.status if result else "pending",
                "latency_ms": result.latency_ms if result else None,
                "error": result.error_message if result else None,
                "image_url": (
                    storage.signed_read_url(result.output_image_key) if ok else None
                ),
                "prompt": prompts.get(vid),
            }
        )
    return {
        "run_id": str(run.id),
        "status": render_run_state(run=run, has_variants=bool(results)),
        "created_at": run.created_at.isoformat(),
        "duration_ms": run.total_duration_ms,
        "product_id": asset.product_id,
        "product_title": asset.product_title,
        "model": run.model,
        "prompt_pack_version": run.prompt_pack_version,
        "request_id": run.request_id,
        "variants": variants,
        "resolved_facts": run.resolved_facts_json,
        "prompt_pack": run.prompt_pack_json,
    }


def _funnel(
    *, shop: Shop, filters: RunFilters, key: str, job_key: str, line_key: str
) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "attempts": 0,
            "renders": 0,
            "chosen": 0,
            "added_to_cart": 0,
            "ordered": 0,
            "revenue": Decimal("0.00"),
            "latencies": [],
        }
    )
    variants = VariantResult.objects.filter(render_run__shop=shop).filter(
        _in_range("render_run__created_at", filters)
    )
    for name, status, latency in variants.values_list(
        key, "status", "latency_ms"
    ).iterator():
        row = rows[name]
        row["attempts"] += 1
        if status == VariantStatus.SUCCESS:
            row["renders"] += 1
            row["latencies"].append(latency)
    jobs = (
        RenderJob.objects.filter(shop=shop, variant_id__isnull=False)
        .filter(_in_range("created_at", filters))
        .values(job_key)
        .annotate(
            chosen=Count("id"),
            carted=Count("id", filter=Q(config_json__contains='"added_to_cart_at"')),
        )
    )
    for job in jobs:
        rows[job[job_key]]["chosen"] = job["chosen"]
        rows[job[job_key]]["added_to_cart"] = job["carted"]
    lines = (
        SeeItNowOrderLine.objects.filter(shop=shop)
        .filter(_in_range("created_at", filters))
        .values(line_key)
        .annotate(ordered=Sum("quantity"), revenue=Sum(F("price") * F("quantity")))
    )
    for line in lines:
        rows[line[line_key]]["ordered"] = line["ordered"]
        rows[line[line_key]]["revenue"] = line["revenue"].quantize(Decimal("0.01"))
    return rows


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    latencies = row.pop("latencies")
    attempts = row["attempts"]
    row["success_rate"] = round(row["renders"] / attempts, 4) if attempts else None
    row["median_latency_ms"] = (
        round(statistics.median(latencies)) if latencies else None
    )
    row["revenue"] = str(row["revenue"])
    return row


def funnel_by_product(*, shop: Shop, filters: RunFilters) -> list[dict[str, Any]]:
    """Per product: renders → chosen → added to cart → ordered → revenue, with the
    success rate and median latency of its variants; most rendered first."""
    rows = _funnel(
        shop=shop,
        filters=filters,
        key="render_run__product_asset__product_id",
        job_key="product_id",
        line_key="product_id",
    )
    titles = dict(
        ProductAsset.objects.filter(
            shop=shop, is_default=True, product_id__in=list(rows)
        ).values_list("product_id", "product_title")
    )
    result = [
        {"product_id": pid, "title": titles.get(pid) or f"Product {pid}", **_finish(r)}
        for pid, r in rows.items()
    ]
    return sorted(result, key=lambda r: (-r["renders"], r["product_id"]))


def funnel_by_variant(*, shop: Shop, filters: RunFilters) -> list[dict[str, Any]]:
    """The same funnel per variant id, V01..V08 always present, in order."""
    rows = _funnel(
        shop=shop,
        filters=filters,
        key="variant_id",
        job_key="variant_id",
        line_key="variant_id",
    )
    return [
        {"variant_id": vid, **_finish(rows[vid])}
        for vid in sorted({*VARIANT_IDS, *rows})
    ]


def order_currency(*, shop: Shop) -> str:
    """The currency of the shop's latest See It Now order line ("" before any)."""
    line = SeeItNowOrderLine.objects.filter(shop=shop).order_by("-created_at").first()
    return line.currency if line else ""


CSV_HEADER = [
    "run_id",
    "created_at",
    "product_id",
    "product_title",
    "run_status",
    "prompt_version",
    "model",
    "variant_id",
    "variant_status",
    "latency_ms",
    "error",
]


def render_runs_csv_rows(*, shop: Shop, filters: RunFilters) -> Iterator[list[Any]]:
    """One row per variant of the filtered runs (CSV_HEADER's columns)."""
    runs = render_runs_filtered(shop=shop, filters=filters).prefetch_related(
        "variant_results"
    )
    for run in runs.iterator(chunk_size=200):
        state = render_run_state(run=run, has_variants=run.succeeded > 0)
        for variant in run.variant_results.all():
            yield [
                str(run.id),
                run.created_at.isoformat(),
                run.product_asset.product_id,
                run.product_asset.product_title or "",
                state,
                run.prompt_pack_version,
                run.model,
                variant.variant_id,
                variant.status,
                variant.latency_ms,
                variant.error_message or "",
            ]
