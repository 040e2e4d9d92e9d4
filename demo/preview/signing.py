"""App Proxy query signing, as Shopify's proxy does it (NOTES.md, Shopify).

The app only ever verifies (the `shopify_app` package does it); signing exists for
the local proxy emulator. The test fake in `tests/fakes/shopify_proxy.py` keeps
its own implementation on purpose, so tests check the app against Shopify's wire
format rather than against this module.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable

PROXY_PATH_PREFIX = "/apps/see-it"
# Parameters Shopify sets itself; a shopper's copies never reach the app.
SHOPIFY_PARAMS = frozenset(
    {"shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"}
)


def proxy_signature(*, pairs: Iterable[tuple[str, str]], secret: str) -> str:
    """Hex HMAC-SHA256 over the sorted `key=value` strings, repeats comma-joined."""
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        if key != "signature":
            grouped.setdefault(key, []).append(value)
    message = "".join(f"{k}={','.join(v)}" for k, v in sorted(grouped.items()))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def sign_proxy_params(
    *,
    shop: str,
    pairs: Iterable[tuple[str, str]],
    secret: str,
    now: float | None = None,
) -> list[tuple[str, str]]:
    """The query Shopify forwards: the shopper's own parameters (its reserved ones
    dropped), Shopify's four, and `signature`."""
    signed = [(k, v) for k, v in pairs if k not in SHOPIFY_PARAMS]
    signed += [
        ("shop", shop),
        ("logged_in_customer_id", ""),
        ("path_prefix", PROXY_PATH_PREFIX),
        ("timestamp", str(int(time.time() if now is None else now))),
    ]
    signed.append(("signature", proxy_signature(pairs=signed, secret=secret)))
    return signed
