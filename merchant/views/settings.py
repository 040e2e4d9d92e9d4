"""Settings inside the Shopify admin (SPEC §9): prompt addition, automatic
re-preparation, plan and usage, theme setup."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from assets.services.preparation import assets_reprepare_prepared
from merchant.responses import page
from seeitnow.http import (
    AppError,
    error_response,
    json_methods,
    json_ok,
    parse_json_body,
)
from shops import services
from shops.auth import shop_admin_required
from shops.models import Shop
from shops.selectors import (
    shop_auto_reprepare,
    shop_prompt_addition,
    shop_quota_status,
    shop_storefront_seen_at,
)

# The app block's handle: its Liquid file name in extensions/see-it-now/blocks/.
APP_BLOCK_HANDLE = "see-it-now"


def theme_editor_url(*, shop: Shop) -> str:
    """Opens the theme editor on the product template with our block added."""
    return (
        f"https://{shop.shop_domain}/admin/themes/current/editor?template=product"
        f"&addAppBlockId={settings.SHOPIFY_API_KEY}/{APP_BLOCK_HANDLE}"
        "&target=mainSection"
    )


def _settings_body(shop: Shop) -> dict[str, Any]:
    seen = shop_storefront_seen_at(shop=shop)
    return {
        "prompt_addition": shop_prompt_addition(shop=shop),
        "prompt_addition_max": services.PROMPT_ADDITION_MAX_CHARS,
        "auto_reprepare": shop_auto_reprepare(shop=shop),
        "plan": shop.plan,
        "usage": shop_quota_status(shop=shop),
        "plans": [{"id": key, **entry} for key, entry in settings.PLANS.items()],
        "theme_editor_url": theme_editor_url(shop=shop),
        "block_live": seen is not None,
        "storefront_seen_at": seen.isoformat() if seen else None,
    }


def _parse_settings(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - {"prompt_addition", "auto_reprepare"})
    if unknown:
        raise AppError(
            "invalid_settings",
            f"Unknown setting {unknown[0]!r}.",
            400,
            field=unknown[0],
        )
    addition = data.get("prompt_addition")
    if addition is not None and not isinstance(addition, str):
        raise AppError(
            "invalid_settings",
            "The prompt addition must be text.",
            400,
            field="prompt_addition",
        )
    auto = data.get("auto_reprepare")
    if auto is not None and not isinstance(auto, bool):
        raise AppError(
            "invalid_settings",
            "auto_reprepare must be true or false.",
            400,
            field="auto_reprepare",
        )
    return {"prompt_addition": addition, "auto_reprepare": auto}


@require_GET
@shop_admin_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """The Settings page; its form saves through /api/settings."""
    shop = request.shop
    return page(
        request,
        "merchant/settings.html",
        {
            "data": _settings_body(shop),
            "seen_at": shop_storefront_seen_at(shop=shop),
        },
        nav="settings",
    )


@json_methods("GET", "POST")
@shop_admin_required
def settings_api(request: HttpRequest) -> JsonResponse:
    """GET|POST /api/settings. POST `{prompt_addition?, auto_reprepare?}`; answers
    the settings plus `reprepare_suggested` when the prompt addition changed."""
    shop = request.shop
    if request.method == "GET":
        return json_ok(_settings_body(shop))
    try:
        values = _parse_settings(parse_json_body(request))
        before = shop_prompt_addition(shop=shop)
        services.shop_update_settings(shop=shop, **values)
    except AppError as exc:
        return error_response(exc)
    changed = shop_prompt_addition(shop=shop) != before
    return json_ok({**_settings_body(shop), "reprepare_suggested": changed})


@json_methods("POST")
@shop_admin_required
def settings_reprepare(request: HttpRequest) -> JsonResponse:
    """POST /api/settings/reprepare: re-prepare every prepared product so its
    prompt pack carries the current prompt addition."""
    return json_ok(assets_reprepare_prepared(shop=request.shop))
