"""Verification of requests from Shopify: app proxy, webhooks, App Home.

The package does the cryptography; this module adapts its results to what the
app needs (full shop domains, the spec's status codes) and adds the checks the
package leaves to the app (the session token's `iss` and `dest` hosts, the proxy's
`shop` parameter format).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from django.http import HttpRequest, HttpResponse

from .app import get_app, is_shop_domain, package_request, shop_handle, to_response


@dataclass(frozen=True)
class ProxyVerification:
    ok: bool
    code: str
    shop_domain: str | None = None
    logged_in_customer_id: str | None = None


def verify_app_proxy(request: HttpRequest) -> ProxyVerification:
    """Signature over all query parameters, timestamp within 90 s, one valid shop."""
    # The package compares signatures with hmac.compare_digest, which raises
    # TypeError for non-ASCII text: such a signature can only be wrong.
    if not all(value.isascii() for value in request.GET.getlist("signature")):
        return ProxyVerification(False, "invalid_signature")
    result = get_app().verify_app_proxy_req(package_request(request))
    if not result.ok:
        return ProxyVerification(False, result.log.code)
    # The package accepted exactly one `shop` parameter and signed it; it must
    # also be a myshopify domain, the only form Shopify sends.
    shop = request.GET.get("shop", "")
    if not is_shop_domain(shop) or shop_handle(shop) != result.shop:
        return ProxyVerification(False, "invalid_shop")
    return ProxyVerification(
        True, "verified", shop, result.logged_in_customer_id or None
    )


@dataclass(frozen=True)
class WebhookVerification:
    ok: bool
    code: str
    status: int = 200
    shop_domain: str | None = None
    topic: str = ""
    webhook_id: str = ""


def verify_webhook(request: HttpRequest) -> WebhookVerification:
    """HMAC of the raw body; every failure but a wrong method answers 401, except
    a body the package cannot even parse (400).

    Raises RequestDataTooBig for a body over DATA_UPLOAD_MAX_MEMORY_SIZE.
    """
    # compare_digest raises TypeError for non-ASCII text: such an HMAC is wrong.
    if not request.headers.get("X-Shopify-Hmac-Sha256", "").isascii():
        return WebhookVerification(False, "invalid_hmac_encoding", 401)
    try:
        req = package_request(request, with_body=True)
    except UnicodeDecodeError:
        return WebhookVerification(False, "invalid_body_encoding", 401)
    try:
        result = get_app().verify_webhook_req(req)
    except (ValueError, RecursionError):
        # The package json-parses the body (to redact its log) before checking
        # the HMAC and only catches JSONDecodeError: a 5,000-digit number or
        # 100,000 nested arrays escape. No Shopify payload looks like that.
        return WebhookVerification(False, "unparseable_body", 400)
    if not result.ok:
        status = 405 if result.response.status == 405 else 401
        return WebhookVerification(False, result.log.code, status)
    shop = request.headers.get("X-Shopify-Shop-Domain", "")
    if not is_shop_domain(shop):
        return WebhookVerification(False, "invalid_shop", 401)
    return WebhookVerification(
        True,
        "verified",
        200,
        shop,
        request.headers.get("X-Shopify-Topic", ""),
        request.headers.get("X-Shopify-Webhook-Id")
        or request.headers.get("X-Shopify-Event-Id", ""),
    )


@dataclass(frozen=True)
class AppHomeVerification:
    """On failure `response` is the package's prescribed answer (bounce or 401)."""

    ok: bool
    code: str
    response: HttpResponse | None = None
    shop_domain: str | None = None
    is_document: bool = False
    security_headers: dict[str, str] = field(default_factory=dict)
    id_token: Any = None
    invalid_token_response: Any = None


# Shopify's session tokens live one minute; the package checks `exp` and `nbf`
# only when present and never the lifetime.
SESSION_TOKEN_LIFETIME_S = 60
SESSION_TOKEN_LEEWAY_S = 10


def _token_times_ok(claims: dict[str, Any]) -> bool:
    """`exp`, `nbf` and `iat` present and numeric, and a lifetime of at most a
    minute plus the leeway (a token minted for a day is not a session token)."""
    times = [claims.get(name) for name in ("exp", "nbf", "iat")]
    if not all(isinstance(t, int | float) and not isinstance(t, bool) for t in times):
        return False
    exp, nbf, iat = times
    limit = SESSION_TOKEN_LIFETIME_S + SESSION_TOKEN_LEEWAY_S
    return exp - iat <= limit and exp - nbf <= limit


def verify_app_home(request: HttpRequest, *, patch_path: str) -> AppHomeVerification:
    """Session token (header for fetches, `id_token` for document loads)."""
    result = get_app().verify_app_home_req(
        package_request(request), app_home_patch_id_token_path=patch_path
    )
    if not result.ok:
        return AppHomeVerification(False, result.log.code, to_response(result.response))
    claims = result.id_token.claims
    if not _token_times_ok(claims):
        return AppHomeVerification(
            False, "invalid_token_times", to_response(result.invalid_token_response)
        )
    dest = urlparse(str(claims.get("dest", ""))).hostname or ""
    iss = urlparse(str(claims.get("iss", "")))
    if not is_shop_domain(dest) or iss.hostname != dest or iss.scheme != "https":
        return AppHomeVerification(
            False, "invalid_iss_or_dest", to_response(result.invalid_token_response)
        )
    return AppHomeVerification(
        ok=True,
        code="verified",
        shop_domain=dest,
        is_document="Authorization" not in request.headers,
        security_headers=dict(result.response.headers),
        id_token=result.id_token,
        invalid_token_response=result.invalid_token_response,
    )


def patch_id_token_page(request: HttpRequest) -> HttpResponse:
    """The package's page that lets App Bridge fetch a fresh token and reload.

    The package writes `shop` into the CSP (`frame-ancestors https://{shop}`)
    unchecked; anything but one myshopify domain is refused here first.
    """
    shops = request.GET.getlist("shop")
    if len(shops) != 1 or not is_shop_domain(shops[0]):
        return HttpResponse("Bad Request", status=400, content_type="text/plain")
    result = get_app().app_home_patch_id_token(package_request(request))
    return to_response(result.response)


def redirect_in_app(
    request: HttpRequest, *, url: str, shop_domain: str
) -> HttpResponse:
    """Redirect to one of our own pages, staying inside the admin iframe."""
    result = get_app().app_home_redirect(
        package_request(request), redirect_url=url, shop=shop_handle(shop_domain)
    )
    return to_response(result.response)


def redirect_top(request: HttpRequest, *, url: str, shop_domain: str) -> HttpResponse:
    """Send the whole admin window to `url` (billing confirmation pages)."""
    result = get_app().app_home_parent_redirect(
        package_request(request), redirect_url=url, shop=shop_handle(shop_domain)
    )
    return to_response(result.response)
