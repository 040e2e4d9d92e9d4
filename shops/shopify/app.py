"""The configured `ShopifyApp`, its HTTP client and request/response conversion.

Every Admin API call (token exchange, refresh, GraphQL) goes through
`admin_http_client()`. The package hard-codes `https://{shop}.myshopify.com`, but
each of those calls accepts an `httpx.Client`; when
`settings.SHOPIFY_ADMIN_ORIGIN_OVERRIDE` is set (tests only) that client's
transport sends the request to the override origin instead, keeping the path,
body and the `Host: {shop}.myshopify.com` header, so the package code under test
runs unchanged against a real HTTP server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from shopify_app import ShopifyApp

SHOP_DOMAIN_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
_MYSHOPIFY_SUFFIX = ".myshopify.com"
HTTP_TIMEOUT_S = 20.0


def get_app() -> ShopifyApp:
    """The app built from settings; raises ImproperlyConfigured without credentials."""
    if not settings.SHOPIFY_API_KEY or not settings.SHOPIFY_API_SECRET:
        raise ImproperlyConfigured(
            "SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set to talk to Shopify."
        )
    return ShopifyApp(
        client_id=settings.SHOPIFY_API_KEY,
        client_secret=settings.SHOPIFY_API_SECRET,
        old_client_secret=settings.SHOPIFY_API_SECRET_OLD or None,
    )


def is_shop_domain(value: str) -> bool:
    return bool(SHOP_DOMAIN_RE.match(value or ""))


def shop_handle(shop_domain: str) -> str:
    """`name.myshopify.com` → `name`, the form the package takes and returns."""
    return shop_domain.removesuffix(_MYSHOPIFY_SUFFIX)


def shop_domain(handle: str) -> str:
    return handle if handle.endswith(_MYSHOPIFY_SUFFIX) else handle + _MYSHOPIFY_SUFFIX


class _OriginOverrideTransport(httpx.BaseTransport):
    """Sends every request to one origin; the original Host header is kept."""

    def __init__(self, origin: str) -> None:
        url = httpx.URL(origin)
        self._scheme, self._host, self._port = url.scheme, url.host, url.port
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._scheme, host=self._host, port=self._port
        )
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def admin_http_client() -> httpx.Client:
    """An HTTP client for Admin API traffic; the caller closes it."""
    override = settings.SHOPIFY_ADMIN_ORIGIN_OVERRIDE.strip()
    transport = _OriginOverrideTransport(override) if override else None
    return httpx.Client(timeout=HTTP_TIMEOUT_S, transport=transport)


def package_request(request: HttpRequest, *, with_body: bool = False) -> dict:
    """The request in the package's shape: method, all headers, full URL, body.

    Only webhooks sign the body; everything else is verified from the URL or a
    header, so the body stays unread (`request.body` raises RequestDataTooBig
    for a large upload, which the view must be able to answer in its own format).
    `with_body` includes it and raises UnicodeDecodeError when it is not UTF-8
    (the package verifies HMACs over the decoded text: such a body cannot verify).
    """
    return {
        "method": request.method or "GET",
        "headers": dict(request.headers),
        "url": request.build_absolute_uri(),
        "body": request.body.decode("utf-8") if with_body else "",
    }


def to_response(res) -> HttpResponse:
    """The package's prescribed response (status, body, headers) as is."""
    response = HttpResponse(res.body, status=res.status)
    for name, value in res.headers.items():
        response[name] = value
    return response


def copy_headers(response: HttpResponse, headers: Mapping[str, str]) -> HttpResponse:
    for name, value in headers.items():
        response[name] = value
    return response
