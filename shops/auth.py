"""View decorators that authenticate a request and set `request.shop`.

- `shop_admin_required`: embedded admin pages and their fetches (Shopify session
  token: `id_token` on document loads, `Authorization: Bearer` on fetches), with
  token exchange on first sight and refresh before expiry; plus the local dev
  login for the demo shop when DEV_ADMIN_LOGIN is on.
- `app_proxy_required`: storefront requests through the App Proxy (SPEC §5).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse

from seeitnow.http import AppError, error_response, json_error
from shops import services, shopify
from shops.models import Shop
from shops.selectors import shop_get_installed, shop_is_allowlisted

logger = logging.getLogger(__name__)

PATCH_ID_TOKEN_PATH = "/auth/patch-id-token"
DEV_SESSION_KEY = "dev_admin_shop"
RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request"


def _is_fetch(request: HttpRequest) -> bool:
    """A request made by page script rather than a document load.

    The package bounces every token-less request through the patch-id-token
    page, which a fetch would follow into HTML it cannot use.
    """
    return (
        request.path.startswith("/api/")
        or "Authorization" in request.headers
        or "application/json" in request.headers.get("Accept", "")
    )


def _unauthorized() -> HttpResponse:
    """Shopify's answer to a fetch with a missing or bad token: App Bridge sees
    the retry header and repeats the request with a fresh token."""
    response = json_error(
        "unauthorized", "Session token is missing, invalid or expired.", 401
    )
    response[RETRY_HEADER] = "1"
    return response


def _dev_login_shop(request: HttpRequest) -> Shop | None:
    """The demo shop for a token-less local request, when DEV_ADMIN_LOGIN allows it.

    Visiting any admin URL with `?shop=<DEMO_SHOP_DOMAIN>` remembers the demo shop
    in the Django session, so the page's own fetches and links work too.
    """
    if not settings.DEV_ADMIN_LOGIN:
        return None
    if "Authorization" in request.headers or "id_token" in request.GET:
        return None
    demo = settings.DEMO_SHOP_DOMAIN
    shop_param = request.GET.get("shop")
    if shop_param == demo:
        request.session[DEV_SESSION_KEY] = demo
    elif shop_param or request.session.get(DEV_SESSION_KEY) != demo:
        return None
    return services.shop_ensure_demo()


def _authenticated_shop(
    verification: shopify.AppHomeVerification,
) -> Shop | HttpResponse:
    """The shop with a fresh token: stored and refreshed, or exchanged (install)."""
    domain = verification.shop_domain
    shop = shop_get_installed(shop_domain=domain)
    if shop is not None:
        try:
            services.shop_access_token(shop=shop)
            return shop
        except shopify.ShopifyAuthError as exc:
            logger.info("token for %s unusable (%s): exchanging", domain, exc.code)
    outcome = shopify.exchange_token(
        id_token=verification.id_token,
        invalid_token_response=verification.invalid_token_response,
    )
    if not outcome.ok:
        return outcome.response
    return services.shop_install_or_revive(shop_domain=domain, bundle=outcome.bundle)


def shop_admin_required(view: Callable) -> Callable:
    """Authenticate an embedded admin request; failures get Shopify's prescribed
    answer (a bounce through the patch-id-token page for document loads, 401 with
    `X-Shopify-Retry-Invalid-Session-Request` for fetches)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        dev_shop = _dev_login_shop(request)
        if dev_shop is not None:
            request.shop = dev_shop
            return view(request, *args, **kwargs)
        verification = shopify.verify_app_home(request, patch_path=PATCH_ID_TOKEN_PATH)
        if not verification.ok:
            logger.info("admin request refused: %s", verification.code)
            if _is_fetch(request):
                return _unauthorized()
            return verification.response
        try:
            shop = _authenticated_shop(verification)
        except AppError as exc:
            return error_response(exc)
        if isinstance(shop, HttpResponse):
            return shop
        request.shop = shop
        response = view(request, *args, **kwargs)
        if verification.is_document:
            shopify.copy_headers(response, verification.security_headers)
            # Framing is governed by the CSP frame-ancestors header just copied.
            response.xframe_options_exempt = True
        return response

    # Session tokens travel in a header or the URL, never in a cookie.
    wrapper.csrf_exempt = True
    return wrapper


def _proxy_headers(response: HttpResponse, shop_domain: str | None) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    if shop_domain:
        response["Access-Control-Allow-Origin"] = f"https://{shop_domain}"
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "600"
        response["Vary"] = "Origin"
    return response


def require_allowlisted(shop: Shop) -> None:
    """Raise AppError 403 `see_it_now_not_enabled` unless the shop is allowlisted."""
    if not shop_is_allowlisted(shop=shop):
        raise AppError(
            "see_it_now_not_enabled", "See It Now is not enabled for this shop.", 403
        )


def app_proxy_required(
    view: Callable | None = None, *, allowlist: bool = True
) -> Callable:
    """Verify an App Proxy request before anything else; always answer JSON.

    Bad signature, stale timestamp, repeated `shop` → 403 `forbidden`; unknown or
    uninstalled shop → 404 `shop_not_found`; not allowlisted → 403
    `see_it_now_not_enabled` (pass `allowlist=False` to check it later with
    `require_allowlisted`). Every answer carries `Cache-Control: no-store` and CORS
    for `https://{shop}`; OPTIONS → 204; AppError → its JSON; a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE → 413 `payload_too_large`.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            verification = shopify.verify_app_proxy(request)
            domain = verification.shop_domain
            if request.method == "OPTIONS":
                return _proxy_headers(HttpResponse(status=204), domain)
            if not verification.ok:
                logger.info("proxy request refused: %s", verification.code)
                return _proxy_headers(
                    json_error(
                        "forbidden", "Request signature is invalid or expired.", 403
                    ),
                    None,
                )
            shop = shop_get_installed(shop_domain=domain)
            try:
                if shop is None:
                    raise AppError("shop_not_found", "Shop is not installed.", 404)
                if allowlist:
                    require_allowlisted(shop)
                request.shop = shop
                services.shop_mark_storefront_seen(shop=shop)
                response = view(request, *args, **kwargs)
            except AppError as exc:
                response = error_response(exc)
            except RequestDataTooBig:
                response = json_error(
                    "payload_too_large", "Request body is too large.", 413
                )
            except OperationalError:
                # The database is down or out of connections: the middleware
                # answers 503 with Retry-After, which a client may retry.
                raise
            except Exception:
                logger.exception("proxy view %s failed", request.path)
                response = json_error("internal_error", "Something went wrong.", 500)
            return _proxy_headers(response, domain)

        # Shopify signs the query string; there is no cookie to forge.
        wrapper.csrf_exempt = True
        return wrapper

    return decorate(view) if view is not None else decorate
