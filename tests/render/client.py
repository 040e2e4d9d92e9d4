"""Calling the storefront routes the way Shopify's App Proxy does."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.fakes.shopify_proxy import sign_proxy_query

SECRET = "test-api-secret"


def proxy_url(base: str, shop, route: str, **query: str) -> str:
    """`{base}/proxy/{route}` signed the way Shopify's App Proxy signs it for
    `shop` (+ `query`, signed too); `base` is "" for the test client."""
    params = {"shop": shop.shop_domain, **query}
    return f"{base}/proxy/{route}?{sign_proxy_query(params, SECRET)}"


def proxy(
    client, shop, route: str, body=None, method: str = "post", raw=None, query=None
):
    """A signed proxy request to `/proxy/{route}` for `shop` (+ `query`, signed)."""
    url = proxy_url("", shop, route, **(query or {}))
    if method == "get":
        return client.get(url)
    if raw is not None:
        return client.post(url, raw, "application/json")
    return client.post(url, body if body is not None else {}, "application/json")


def poll_route(poll_url: str) -> str:
    """The proxy route behind a storefront poll URL (`/apps/see-it/<route>`)."""
    assert poll_url.startswith("/apps/see-it/")
    return poll_url.removeprefix("/apps/see-it/")


def fetch(client, url: str) -> bytes:
    """GET a signed read URL served by the app itself (local storage)."""
    parts = urlsplit(url)
    assert parts.netloc == "see-it-now.test"
    response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    assert response.status_code == 200
    return b"".join(response.streaming_content)
