"""The preview shop front and the App Proxy emulator (DEBUG or DEV_ADMIN_LOGIN only).

The emulator stands where Shopify's proxy stands: `/preview/apps/see-it/<path>` is
forwarded to `/proxy/<path>` with Shopify's parameters added and the query signed
with SHOPIFY_API_SECRET, so the real `app_proxy_required` verifies a real
signature. Like Shopify, it forwards no cookies and turns a 5xx into HTML.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import resolve
from django.views.decorators.csrf import csrf_exempt

from seeitnow.http import json_error
from seeitnow.preview.selectors import preview_products, sample_rooms
from seeitnow.preview.signing import PROXY_PATH_PREFIX, sign_proxy_params
from shops.selectors import shop_get_installed

PROXY_MOUNT = "/proxy/"
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
        "proxy_base": f"/preview{PROXY_PATH_PREFIX}/",
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
    context |= {
        "product": found,
        "others": [p for p in context["products"] if p is not found][:4],
        "rooms": sample_rooms(),
    }
    return render(request, "preview/product.html", context)


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
