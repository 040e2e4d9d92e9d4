"""Entry points of the embedded app: home, token refresh page, billing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_POST

from seeitnow.http import AppError, error_response, json_ok, parse_json_body
from shops import services, shopify
from shops.auth import shop_admin_required

# The merchant dashboard (SPEC §9) is served by the admin pages; until that route
# exists the entry page says the app is installed.
DASHBOARD_URL_NAME = "merchant:dashboard"


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


def _dashboard_url() -> str | None:
    try:
        return reverse(DASHBOARD_URL_NAME)
    except NoReverseMatch:
        return None


@require_GET
@shop_admin_required
def app_home(request: HttpRequest) -> HttpResponse:
    """First page of the embedded app; authenticating it installs the shop."""
    url = _dashboard_url()
    if url is None:
        return HttpResponse(
            f"See It Now is installed on {request.shop.shop_domain}.",
            content_type="text/plain",
        )
    return shopify.redirect_in_app(
        request, url=url, shop_domain=request.shop.shop_domain
    )


@require_POST
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
        request, url=_dashboard_url() or "/app/", shop_domain=request.shop.shop_domain
    )
