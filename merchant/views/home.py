"""Merchant pages inside the Shopify admin (SPEC §9): entry, dashboard, billing."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from assets.models import AssetStatus
from assets.selectors import asset_status_counts, assets_outdated
from merchant.responses import page
from renders.selectors import (
    render_runs_recent,
    variant_cart_counts,
    variant_selection_counts,
)
from seeitnow.http import (
    AppError,
    error_response,
    json_methods,
    json_ok,
    parse_json_body,
)
from shops import services, shopify
from shops.auth import shop_admin_required
from shops.selectors import shop_quota_status, usage_daily_series


@require_GET
def root(request: HttpRequest) -> HttpResponse:
    """`application_url`: Shopify opens it with `?shop=…&host=…`; go to the app."""
    if "shop" in request.GET:
        return HttpResponseRedirect(f"/app/?{request.META.get('QUERY_STRING', '')}")
    return HttpResponse("See It Now", content_type="text/plain")


@require_GET
@xframe_options_exempt
def patch_id_token(request: HttpRequest) -> HttpResponse:
    """The page App Bridge uses to get a fresh session token and reload the URL."""
    return shopify.patch_id_token_page(request)


@require_GET
@shop_admin_required
def app_home(request: HttpRequest) -> HttpResponse:
    """First page of the embedded app; authenticating it installs the shop."""
    return shopify.redirect_in_app(
        request,
        url=reverse("merchant:dashboard"),
        shop_domain=request.shop.shop_domain,
    )


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
    prepared = statuses[AssetStatus.READY] + statuses[AssetStatus.LIVE]
    runs = render_runs_recent(shop=shop, limit=8)
    steps = [
        ("Prepare a product", prepared > 0),
        ("Put it live on the storefront", statuses[AssetStatus.LIVE] > 0),
        ("Add the See It Now block and watch the first shopper render", bool(runs)),
    ]
    return page(
        request,
        "merchant/dashboard.html",
        {
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
        },
        nav="home",
    )


@json_methods("POST")
@shop_admin_required
def billing_plan(request: HttpRequest) -> JsonResponse:
    """POST /api/billing/plan `{"plan"}` → `{"plan", "confirmation_url"}`.

    For a paid plan the page sends the merchant (top window) to
    `confirmation_url`; free takes effect at once and the URL is null.
    """
    try:
        plan = str(parse_json_body(request).get("plan", ""))
        url = services.billing_change_plan(shop=request.shop, plan=plan)
    except AppError as exc:
        return error_response(exc)
    return json_ok(
        {"plan": request.shop.plan if url is None else plan, "confirmation_url": url}
    )


@require_GET
@shop_admin_required
def billing_return(request: HttpRequest) -> HttpResponse:
    """Shopify's return URL after the merchant approved or declined a charge."""
    try:
        services.shop_sync_plan(shop=request.shop)
    except shopify.ShopifyAdminError:
        return error_response(
            AppError("shopify_unavailable", "Shopify could not be reached.", 502)
        )
    return shopify.redirect_in_app(
        request,
        url=reverse("merchant:dashboard"),
        shop_domain=request.shop.shop_domain,
    )
