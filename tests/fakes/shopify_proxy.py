"""Sign requests the way Shopify does: app proxy queries, webhooks, session tokens.

Independent of the app's code (no `shopify_app` import), so tests check the app
against Shopify's wire format rather than against itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

import jwt

Params = Mapping[str, str | list[str]] | Iterable[tuple[str, str]]


def _pairs(params: Params) -> list[tuple[str, str]]:
    items = params.items() if isinstance(params, Mapping) else params
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        values = value if isinstance(value, list) else [value]
        pairs.extend((key, str(v)) for v in values)
    return pairs


def proxy_signature(params: Params, secret: str) -> str:
    """Hex HMAC-SHA256 of the sorted `key=value` strings (repeats joined by commas)."""
    grouped: dict[str, list[str]] = {}
    for key, value in _pairs(params):
        if key != "signature":
            grouped.setdefault(key, []).append(value)
    message = "".join(f"{k}={','.join(v)}" for k, v in sorted(grouped.items()))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def sign_proxy_query(params: Params, secret: str) -> str:
    """The query string Shopify's proxy would send: the params plus `signature`.

    Missing `logged_in_customer_id`, `path_prefix` and `timestamp` (now) are added
    as Shopify adds them; `shop` must be given.
    """
    pairs = _pairs(params)
    keys = {key for key, _ in pairs}
    if "shop" not in keys:
        raise ValueError("an app proxy query needs a shop")
    defaults = {
        "logged_in_customer_id": "",
        "path_prefix": "/apps/see-it",
        "timestamp": str(int(time.time())),
    }
    pairs += [(key, value) for key, value in defaults.items() if key not in keys]
    pairs.append(("signature", proxy_signature(pairs, secret)))
    return urlencode(pairs)


def sign_webhook(body: bytes | str, secret: str) -> str:
    """The `X-Shopify-Hmac-Sha256` header value for a raw body."""
    raw = body.encode() if isinstance(body, str) else body
    digest = hmac.new(secret.encode(), raw, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_headers(
    *, topic: str, shop: str, body: bytes | str, secret: str, webhook_id: str = ""
) -> dict[str, str]:
    """Headers of a webhook delivery, as Django test-client keyword arguments."""
    return {
        "HTTP_X_SHOPIFY_TOPIC": topic,
        "HTTP_X_SHOPIFY_SHOP_DOMAIN": shop,
        "HTTP_X_SHOPIFY_HMAC_SHA256": sign_webhook(body, secret),
        "HTTP_X_SHOPIFY_WEBHOOK_ID": webhook_id or str(uuid.uuid4()),
        "HTTP_X_SHOPIFY_API_VERSION": "2026-10",
    }


def make_session_token(
    *,
    shop: str,
    api_key: str,
    secret: str,
    lifetime_s: int = 60,
    issued_at: float | None = None,
    sub: str = "42",
    **overrides,
) -> str:
    """An App Bridge session token (HS256 JWT); `overrides` replace any claim."""
    now = int(issued_at if issued_at is not None else time.time())
    claims = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": api_key,
        "sub": sub,
        "exp": now + lifetime_s,
        "nbf": now,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "sid": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return jwt.encode(claims, secret, algorithm="HS256")
