"""Merchant pages inside the Shopify admin (SPEC §9)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assets.selectors import asset_status_counts, assets_outdated
from renders.selectors import (
    render_runs_recent,
    variant_cart_counts,
    variant_selection_counts,
)
from shops.auth import shop_admin_required
from shops.selectors import shop_quota_status, usage_daily_series


def _percent(used: int, quota: int) -> int:
    return min(100, round(100 * used / quota)) if quota else 100


@require_GET
@shop_admin_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Usage against quotas, product readiness, recent renders, next steps."""
    shop = request.shop
    quota = shop_quota_status(shop=shop)
    statuses = asset_status_counts(shop=shop)
    series = usage_daily_series(shop=shop, days=30)
    peak = max([1, *(day["composite_renders"] for day in series)])
    prepared = statuses["ready"] + statuses["live"]
    runs = render_runs_recent(shop=shop, limit=8)
    steps = [
        ("Prepare a product", prepared > 0),
        ("Put it live on the storefront", statuses["live"] > 0),
        ("Add the See It Now block to the product page", bool(runs)),
        ("Watch the first shopper render", bool(runs)),
    ]
    return render(
        request,
        "merchant/dashboard.html",
        {
            "shop": shop,
            "plan": settings.PLANS.get(shop.plan, {}).get("name", shop.plan),
            "quota": quota,
            "today_percent": _percent(quota["used_today"], quota["daily_quota"]),
            "month_percent": _percent(quota["used_month"], quota["monthly_quota"]),
            "statuses": statuses,
            "total": sum(statuses.values()),
            "prepared": prepared,
            "outdated": assets_outdated(shop=shop).count(),
            "series": [
                {**day, "height": round(100 * day["composite_renders"] / peak)}
                for day in series
            ],
            "series_total": sum(day["composite_renders"] for day in series),
            "runs": runs,
            "selections": variant_selection_counts(shop=shop),
            "carts": variant_cart_counts(shop=shop),
            "steps": steps,
            "steps_done": sum(done for _, done in steps),
            "embedded": "host" in request.GET,
            "api_key": settings.SHOPIFY_API_KEY,
        },
    )
