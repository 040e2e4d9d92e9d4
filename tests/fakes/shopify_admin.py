"""A fake Shopify Admin API: a real HTTP server on 127.0.0.1 speaking the wire format
the app uses.

- `POST /admin/oauth/access_token`: token exchange (session token → expiring
  offline token) and refresh (`grant_type=refresh_token`); errors as Shopify sends
  them (`invalid_subject_token`, `invalid_client`, `invalid_grant`).
- `POST /admin/api/<version>/graphql.json`: the operations the app runs, chosen by
  operation name (Products, Product, TagsAdd, TagsRemove, ShopIdentity,
  AppSubscriptionCreate, AppSubscriptionCancel, CurrentAppInstallation); 401 for a
  bad or expired token; scripted throttling (cost `THROTTLED` or HTTP 429).

The shop is the request's Host header, exactly as on Shopify. Use the `fake_shopify`
fixture: it points `SHOPIFY_ADMIN_ORIGIN_OVERRIDE` at this server.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
import zlib
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
_OPERATION_RE = re.compile(r"^\s*(?:query|mutation)\s+(\w+)")


def product_node(
    product_id: int,
    title: str,
    *,
    handle: str = "",
    product_type: str = "",
    vendor: str = "Fake Vendor",
    tags: list[str] | None = None,
    description_html: str = "",
    images: list[str] | None = None,
    metafields: dict[str, str] | None = None,
) -> dict:
    """A Product as the Admin API returns it for the app's selection."""
    images = (
        images
        if images is not None
        else [f"https://cdn.shopify.com/p/{product_id}.jpg"]
    )
    return {
        "id": f"gid://shopify/Product/{product_id}",
        "title": title,
        "handle": handle or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        "productType": product_type,
        "vendor": vendor,
        "tags": list(tags or []),
        "descriptionHtml": description_html,
        "featuredImage": {"url": images[0]} if images else None,
        "images": {"nodes": [{"url": url} for url in images[:3]]},
        "metafields": {
            "nodes": [
                {"namespace": key.split(".")[0], "key": key.split(".")[1], "value": v}
                for key, v in (metafields or {}).items()
            ]
        },
    }


class FakeShopifyAdmin:
    """State of the fake: products, tokens and subscriptions per shop, a call log."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.lock = threading.Lock()
        self.reset(api_key="", api_secret="", api_version="")

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeShopifyAdmin:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self, *, api_key: str, api_secret: str, api_version: str) -> None:
        with self.lock:
            self.api_key, self.api_secret, self.api_version = (
                api_key,
                api_secret,
                api_version,
            )
            self.products: dict[str, list[dict]] = {}
            self.access_tokens: dict[str, tuple[str, float]] = {}
            self.refresh_tokens: dict[str, tuple[str, float]] = {}
            self.subscriptions: dict[str, list[dict]] = {}
            self.scripted: deque[tuple[int, dict, dict]] = deque()
            self.calls: list[dict] = []
            self.access_ttl_s = 3600
            self.refresh_ttl_s = 90 * 86400

    # --- test helpers -----------------------------------------------------------

    def add_product(self, shop: str, product_id: int, title: str, **fields) -> dict:
        node = product_node(product_id, title, **fields)
        with self.lock:
            self.products.setdefault(shop, []).append(node)
        return node

    def product(self, shop: str, product_id: int | str) -> dict | None:
        gid = f"gid://shopify/Product/{product_id}"
        return next((p for p in self.products.get(shop, []) if p["id"] == gid), None)

    def issue_tokens(self, shop: str, *, access_ttl_s: int | None = None) -> dict:
        """Tokens as the token endpoint answers them (for seeding an installed shop)."""
        access_ttl = self.access_ttl_s if access_ttl_s is None else access_ttl_s
        access, refresh = (
            f"shpat_{secrets.token_hex(8)}",
            f"shprt_{secrets.token_hex(8)}",
        )
        now = time.time()
        with self.lock:
            self.access_tokens[access] = (shop, now + access_ttl)
            self.refresh_tokens[refresh] = (shop, now + self.refresh_ttl_s)
        return {
            "access_token": access,
            "scope": "read_products,write_products,write_app_proxy",
            "expires_in": access_ttl,
            "refresh_token": refresh,
            "refresh_token_expires_in": self.refresh_ttl_s,
        }

    def stored_token(self, shop: str, *, access_ttl_s: int | None = None) -> str:
        """Fresh tokens in the JSON form the app keeps in `Shop.access_token`."""
        tokens = self.issue_tokens(shop, access_ttl_s=access_ttl_s)
        now = time.time()

        def iso(seconds: float) -> str:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + seconds))

        return json.dumps(
            {
                "access_token": tokens["access_token"],
                "access_expires_at": iso(tokens["expires_in"]),
                "refresh_token": tokens["refresh_token"],
                "refresh_expires_at": iso(tokens["refresh_token_expires_in"]),
                "scope": tokens["scope"],
            }
        )

    def revoke_tokens(self, shop: str) -> None:
        with self.lock:
            for table in (self.access_tokens, self.refresh_tokens):
                for token in [t for t, (s, _) in table.items() if s == shop]:
                    del table[token]

    def throttle_next(self, times: int = 1) -> None:
        """The next GraphQL calls answer 200 with a cost-throttled error."""
        body = {
            "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
            "extensions": {
                "cost": {
                    "requestedQueryCost": 12,
                    "actualQueryCost": None,
                    "throttleStatus": {
                        "maximumAvailable": 2000.0,
                        "currentlyAvailable": 2,
                        "restoreRate": 1000.0,
                    },
                }
            },
        }
        with self.lock:
            self.scripted.extend([(200, {}, body)] * times)

    def rate_limit_next(self, times: int = 1) -> None:
        """The next GraphQL calls answer HTTP 429 with `Retry-After: 0`."""
        body = {"errors": "Exceeded 2 calls per second for api client."}
        with self.lock:
            self.scripted.extend([(429, {"Retry-After": "0"}, body)] * times)

    def approve_subscription(self, shop: str, gid: str) -> None:
        """The merchant approves a charge: it becomes the one active subscription."""
        with self.lock:
            for sub in self.subscriptions.get(shop, []):
                if sub["id"] == gid:
                    sub["status"] = "ACTIVE"
                elif sub["status"] == "ACTIVE":
                    sub["status"] = "CANCELLED"

    def graphql_calls(self, operation: str | None = None) -> list[dict]:
        return [
            c
            for c in self.calls
            if c["path"].endswith("graphql.json")
            and (operation is None or c["operation"] == operation)
        ]

    # --- request handling -------------------------------------------------------

    def handle(
        self, path: str, shop: str, headers, body: dict
    ) -> tuple[int, dict, dict]:
        if path == "/admin/oauth/access_token":
            with self.lock:
                self.calls.append(
                    {"path": path, "shop": shop, "grant_type": body.get("grant_type")}
                )
            return self._token_endpoint(shop, body)
        match = re.fullmatch(r"/admin/api/([\w-]+)/graphql\.json", path)
        if not match:
            return 404, {}, {"errors": "Not Found"}
        operation_match = _OPERATION_RE.match(body.get("query", ""))
        operation = operation_match.group(1) if operation_match else ""
        with self.lock:
            self.calls.append(
                {
                    "path": path,
                    "shop": shop,
                    "operation": operation,
                    "variables": body.get("variables") or {},
                }
            )
            if match.group(1) != self.api_version:
                return 404, {}, {"errors": "Not Found"}
            owner, expires = self.access_tokens.get(
                headers.get("X-Shopify-Access-Token", ""), ("", 0.0)
            )
            if owner != shop or expires < time.time():
                return 401, {}, {"errors": "[API] Invalid API key or access token"}
            if self.scripted:
                return self.scripted.popleft()
            handler = getattr(self, f"_op_{operation}", None)
            if handler is None:
                return (
                    200,
                    {},
                    {"errors": [{"message": f"Unknown operation {operation!r}"}]},
                )
            return 200, {}, {"data": handler(shop, body.get("variables") or {})}

    def _token_endpoint(self, shop: str, body: dict) -> tuple[int, dict, dict]:
        if (
            body.get("client_id") != self.api_key
            or body.get("client_secret") != self.api_secret
        ):
            return 401, {}, {"error": "invalid_client"}
        if body.get("grant_type") == TOKEN_EXCHANGE:
            try:
                claims = jwt.decode(
                    body.get("subject_token", ""),
                    self.api_secret,
                    algorithms=["HS256"],
                    audience=self.api_key,
                    leeway=10,
                )
            except jwt.PyJWTError:
                return 400, {}, {"error": "invalid_subject_token"}
            if claims.get("dest") != f"https://{shop}" or not body.get("expiring"):
                return 400, {}, {"error": "invalid_subject_token"}
            return 200, {}, self.issue_tokens(shop)
        if body.get("grant_type") == "refresh_token":
            with self.lock:
                owner, expires = self.refresh_tokens.pop(
                    body.get("refresh_token", ""), ("", 0.0)
                )
            if owner != shop or expires < time.time():
                return 400, {}, {"error": "invalid_grant"}
            return 200, {}, self.issue_tokens(shop)
        return 400, {}, {"error": "unsupported_grant_type"}

    def _op_Products(self, shop: str, variables: dict) -> dict:
        nodes = sorted(self.products.get(shop, []), key=lambda p: p["title"].lower())
        for term in (variables.get("query") or "").split():
            if term.startswith("tag:"):
                nodes = [p for p in nodes if term[4:] in p["tags"]]
            else:
                nodes = [p for p in nodes if term.lower() in p["title"].lower()]
        after = variables.get("after")
        start = int(base64.b64decode(after).decode()) if after else 0
        page = nodes[start : start + int(variables["first"])]
        end = start + len(page)
        return {
            "products": {
                "nodes": page,
                "pageInfo": {
                    "hasNextPage": end < len(nodes),
                    "endCursor": base64.b64encode(str(end).encode()).decode()
                    if page
                    else None,
                },
            }
        }

    def _op_Product(self, shop: str, variables: dict) -> dict:
        return {
            "product": next(
                (p for p in self.products.get(shop, []) if p["id"] == variables["id"]),
                None,
            )
        }

    def _tags(self, shop: str, variables: dict, name: str, add: bool) -> dict:
        product = next(
            (p for p in self.products.get(shop, []) if p["id"] == variables["id"]), None
        )
        if product is None:
            return {
                name: {
                    "node": None,
                    "userErrors": [
                        {"field": ["id"], "message": "Product does not exist"}
                    ],
                }
            }
        if add:
            product["tags"] = sorted(set(product["tags"]) | set(variables["tags"]))
        else:
            product["tags"] = [t for t in product["tags"] if t not in variables["tags"]]
        return {name: {"node": {"id": product["id"]}, "userErrors": []}}

    def _op_TagsAdd(self, shop: str, variables: dict) -> dict:
        return self._tags(shop, variables, "tagsAdd", True)

    def _op_TagsRemove(self, shop: str, variables: dict) -> dict:
        return self._tags(shop, variables, "tagsRemove", False)

    def _op_ShopIdentity(self, shop: str, variables: dict) -> dict:
        return {
            "shop": {
                "id": f"gid://shopify/Shop/{zlib.crc32(shop.encode())}",
                "myshopifyDomain": shop,
            }
        }

    def _op_AppSubscriptionCreate(self, shop: str, variables: dict) -> dict:
        subs = self.subscriptions.setdefault(shop, [])
        number = 1000 + sum(len(s) for s in self.subscriptions.values())
        details = variables["lineItems"][0]["plan"]["appRecurringPricingDetails"]
        sub = {
            "id": f"gid://shopify/AppSubscription/{number}",
            "name": variables["name"],
            "status": "PENDING",
            "test": bool(variables.get("test")),
            "price": details["price"]["amount"],
            "returnUrl": variables["returnUrl"],
        }
        subs.append(sub)
        return {
            "appSubscriptionCreate": {
                "appSubscription": {"id": sub["id"], "status": "PENDING"},
                "confirmationUrl": f"https://{shop}/admin/charges/{number}/confirm_recurring_application_charge",
                "userErrors": [],
            }
        }

    def _op_AppSubscriptionCancel(self, shop: str, variables: dict) -> dict:
        for sub in self.subscriptions.get(shop, []):
            if sub["id"] == variables["id"]:
                sub["status"] = "CANCELLED"
                return {
                    "appSubscriptionCancel": {
                        "appSubscription": {"id": sub["id"], "status": "CANCELLED"},
                        "userErrors": [],
                    }
                }
        return {
            "appSubscriptionCancel": {
                "appSubscription": None,
                "userErrors": [{"field": ["id"], "message": "Subscription not found"}],
            }
        }

    def _op_CurrentAppInstallation(self, shop: str, variables: dict) -> dict:
        active = [
            {key: sub[key] for key in ("id", "name", "status", "test")}
            for sub in self.subscriptions.get(shop, [])
            if sub["status"] == "ACTIVE"
        ]
        return {"currentAppInstallation": {"activeSubscriptions": active}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {}
        shop = (self.headers.get("Host") or "").split(":")[0]
        fake: FakeShopifyAdmin = self.server.fake  # type: ignore[attr-defined]
        status, headers, payload = fake.handle(
            self.path.split("?")[0], shop, self.headers, body
        )
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="session")
def _fake_shopify_server():
    server = FakeShopifyAdmin().start()
    yield server
    server.stop()


@pytest.fixture
def fake_shopify(_fake_shopify_server, settings) -> FakeShopifyAdmin:
    """The fake Admin API, reset, with the app's credentials pointed at it."""
    settings.SHOPIFY_API_KEY = settings.SHOPIFY_API_KEY or "test-api-key"
    settings.SHOPIFY_API_SECRET = settings.SHOPIFY_API_SECRET or "test-api-secret"
    settings.SHOPIFY_ADMIN_ORIGIN_OVERRIDE = _fake_shopify_server.origin
    _fake_shopify_server.reset(
        api_key=settings.SHOPIFY_API_KEY,
        api_secret=settings.SHOPIFY_API_SECRET,
        api_version=settings.SHOPIFY_API_VERSION,
    )
    return _fake_shopify_server
