"""The reliability suite runs against PostgreSQL with real server processes."""

from __future__ import annotations

from collections import Counter

from django.db.models import Sum

from renders.models import RenderRun, VariantResult
from shops.models import UsageDaily

# The fake Gemini with the provider's settings pinned, as the render tests use it.
from tests.render.conftest import fake_gemini, gemini

__all__ = ["fake_gemini", "gemini"]


def usage(shop) -> int:
    """Renders charged to `shop` across all days."""
    total = UsageDaily.objects.filter(shop=shop).aggregate(n=Sum("composite_renders"))
    return total["n"] or 0


def variant_ledger(shop) -> dict[str, list[str]]:
    """Each of the shop's runs → its variant ids, sorted (duplicates visible)."""
    ledger: dict[str, list[str]] = {
        str(run_id): []
        for run_id in RenderRun.objects.filter(shop=shop).values_list("id", flat=True)
    }
    for run_id, variant_id in VariantResult.objects.filter(
        render_run__shop=shop
    ).values_list("render_run_id", "variant_id"):
        ledger[str(run_id)].append(variant_id)
    return {run_id: sorted(ids) for run_id, ids in ledger.items()}


def duplicated(ledger: dict[str, list[str]]) -> dict[str, list[str]]:
    """Runs holding a variant id more than once."""
    return {
        run_id: [v for v, n in Counter(ids).items() if n > 1]
        for run_id, ids in ledger.items()
        if len(set(ids)) != len(ids)
    }


ALL_EIGHT = [f"V0{n}" for n in range(1, 9)]
