"""The preview shop front and the App Proxy emulator (DEBUG or DEV_ADMIN_LOGIN only).

The emulator stands where Shopify's proxy stands: `/preview/apps/see-it/<path>` is
forwarded to `/proxy/<path>` with Shopify's parameters added and the query signed
with SHOPIFY_API_SECRET, so the real `app_proxy_required` verifies a real
signature. Like Shopify, it forwards no cookies and turns a 5xx into HTML.

The product page runs the theme app extension's own widget
(`extensions/see-it-now/assets`, served at `/preview/widget/<file>`), and a fake
`/preview/cart/add.js` + `/preview/cart.js` answer in Shopify's AJAX cart shape,
keeping the cart in the session.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import resolve, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

from demo.preview.selectors import (
    DEFAULT_LOCALE,
    WIDGET_ASSETS_DIR,
    PreviewProduct,
    preview_products,
    sample_rooms,
    widget_locales,
    widget_strings,
)
from demo.preview.signing import PROXY_PATH_PREFIX, sign_proxy_params
from seeitnow.http import json_error
from shops.selectors import shop_get_installed, shop_storefront_available

PROXY_MOUNT = "/proxy/"
CART_SESSION_KEY = "preview_cart"
SHOPIFY_ERROR_PAGE = (
    "<!doctype html><title>Something went wrong</title>"
    "<h1>There was a problem loading this page</h1>"
)


def dev_only(view: Callable) -> Callable:
    """404 unless DEBUG or DEV_ADMIN_LOGIN is on."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (settings.DEBUG or settings.DEV_ADMIN_LOGIN):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _context(request: HttpRequest) -> dict:
    shop = shop_get_installed(shop_domain=settings.DEMO_SHOP_DOMAIN)
    return {
        "shop_domain": settings.DEMO_SHOP_DOMAIN,
        "seeded": shop is not None,
        "products": preview_products(shop=shop) if shop else [],
        "proxy_base": f"/preview{PROXY_PATH_PREFIX}",
        "cart_count": sum(request.session.get(CART_SESSION_KEY, {}).values()),
        "proxy_configured": bool(
            settings.SHOPIFY_API_KEY and settings.SHOPIFY_API_SECRET
        ),
    }


@dev_only
def storefront(request: HttpRequest) -> HttpResponse:
    """The demo shop's product grid."""
    return render(request, "preview/storefront.html", _context(request))


@dev_only
def product(request: HttpRequest, handle: str) -> HttpResponse:
    """A product page with the "See it in your home" flow on live products."""
    context = _context(request)
    found = next((p for p in context["products"] if p.handle == handle), None)
    if found is None:
        raise Http404
    locale = request.GET.get("locale", DEFAULT_LOCALE)
    if locale not in widget_locales():
        locale = DEFAULT_LOCALE
    strings = widget_strings(locale=locale)
    rooms = sample_rooms()
    shop = shop_get_installed(shop_domain=settings.DEMO_SHOP_DOMAIN)
    context |= {
        "product": found,
        # What the Liquid block reads from the app-data metafield
        # `see_it_now.available` (shops.availability): the demo has no Liquid.
        "storefront_available": shop_storefront_available(shop=shop),
        "others": [p for p in context["products"] if p is not found][:4],
        "rooms": rooms,
        "locale": locale,
        "locales": widget_locales(),
        "widget_strings": strings,
        # What the Liquid block's JSON script tag carries, plus the demo's rooms.
        "widget_config": {
            "strings": strings,
            "sample_rooms": [
                {"name": r.name, "label": r.label, "url": r.url} for r in rooms
            ],
        },
    }
    return render(request, "preview/product.html", context)


@dev_only
def widget_asset(request: HttpRequest, name: str) -> HttpResponse:
    """The theme app extension's assets, straight from `extensions/see-it-now/assets`
    (on a shop, Shopify's CDN serves the same files)."""
    return serve(request, name, document_root=WIDGET_ASSETS_DIR)


def _cart_error(status: int, description: str) -> JsonResponse:
    return JsonResponse(
        {"status": status, "message": "Cart Error", "description": description},
        status=status,
    )


def _line_item(product: PreviewProduct, quantity: int, properties: dict) -> dict:
    cents = int(Decimal(product.price.strip("$").replace(",", "")) * 100)
    return {
        "id": int(product.variant_id),
        "variant_id": int(product.variant_id),
        "product_id": int(product.id),
        "key": f"{product.variant_id}:preview",
        "title": product.title,
        "product_title": product.title,
        "handle": product.handle,
        "url": reverse("preview-product", args=[product.handle]),
        "image": product.image_url,
        "quantity": quantity,
        "price": cents,
        "line_price": cents * quantity,
        "properties": properties,
    }


def _requested_items(request: HttpRequest) -> list[dict]:
    """`{"items": [...]}`, `{"id", "quantity"}` as JSON, or a form post, as
    Shopify's /cart/add.js accepts them."""
    if request.content_type == "application/json":
        body = json.loads(request.body or b"{}")
    else:
        body = request.POST.dict()
    items = body.get("items") if isinstance(body, dict) else None
    return items if isinstance(items, list) else [body]


@csrf_exempt
@dev_only
@require_POST
def cart_add(request: HttpRequest) -> JsonResponse:
    """A stand-in for the shop's `/cart/add.js`: adds to a session cart and answers
    with the added line items, as Shopify does."""
    shop = shop_get_installed(shop_domain=settings.DEMO_SHOP_DOMAIN)
    by_variant = {p.variant_id: p for p in preview_products(shop=shop)} if shop else {}
    try:
        items = _requested_items(request)
        wanted = [
            (
                str(item["id"]),
                int(item.get("quantity", 1)),
                item.get("properties") or {},
            )
            for item in items
        ]
    except (ValueError, TypeError, KeyError, AttributeError):
        return _cart_error(400, "Parameter Missing or Invalid")
    # All or nothing, as Shopify does: check every item before adding any.
    for variant_id, quantity, _ in wanted:
        if variant_id not in by_variant:
            return _cart_error(404, "Cannot find variant")
        if quantity < 1:
            return _cart_error(422, "Quantity must be 1 or more")
    cart = dict(request.session.get(CART_SESSION_KEY, {}))
    for variant_id, quantity, _ in wanted:
        cart[variant_id] = cart.get(variant_id, 0) + quantity
    request.session[CART_SESSION_KEY] = cart
    return JsonResponse(
        {"items": [_line_item(by_variant[v], q, p) for v, q, p in wanted]}
    )


@dev_only
@require_GET
def cart_js(request: HttpRequest) -> JsonResponse:
    """A stand-in for `/cart.js`: the session cart's item count and lines."""
    shop = shop_get_installed(shop_domain=settings.DEMO_SHOP_DOMAIN)
    by_variant = {p.variant_id: p for p in preview_products(shop=shop)} if shop else {}
    cart = request.session.get(CART_SESSION_KEY, {})
    lines = [
        _line_item(by_variant[v], q, {}) for v, q in cart.items() if v in by_variant
    ]
    return JsonResponse(
        {
            "item_count": sum(line["quantity"] for line in lines),
            "items": lines,
            "total_price": sum(line["line_price"] for line in lines),
            "currency": "USD",
        }
    )


def _forwarded_request(request: HttpRequest, path: str, query: str) -> WSGIRequest:
    body = request.body
    environ = {
        key: value
        for key, value in request.META.items()
        if key != "HTTP_COOKIE" and not key.startswith("wsgi.input")
    }
    environ |= {
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    return WSGIRequest(environ)


@csrf_exempt
@dev_only
def app_proxy(request: HttpRequest, path: str) -> HttpResponse:
    """Forward `/preview/apps/see-it/<path>` to `/proxy/<path>`, signed as Shopify
    signs it, for the demo shop."""
    if not (settings.SHOPIFY_API_KEY and settings.SHOPIFY_API_SECRET):
        return json_error(
            "proxy_not_configured",
            "Set SHOPIFY_API_KEY and SHOPIFY_API_SECRET to use the proxy emulator.",
            503,
        )
    target = PROXY_MOUNT + path
    # Every path under /proxy/ resolves: unknown ones to the proxy's JSON 404.
    match = resolve(target)
    pairs = sign_proxy_params(
        shop=settings.DEMO_SHOP_DOMAIN,
        pairs=parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True),
        secret=settings.SHOPIFY_API_SECRET,
    )
    forwarded = _forwarded_request(request, target, urlencode(pairs))
    forwarded.resolver_match = match
    response = match.func(forwarded, *match.args, **match.kwargs)
    if response.status_code >= 500:
        return HttpResponse(
            SHOPIFY_ERROR_PAGE, status=response.status_code, content_type="text/html"
        )
    return response
