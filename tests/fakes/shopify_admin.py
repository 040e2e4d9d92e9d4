"""A fake Shopify Admin API: a real HTTP server on 127.0.0.1 speaking the wire format
the app uses.

- `POST /admin/oauth/access_token`: token exchange (session token → expiring
  offline token) and refresh (`grant_type=refresh_token`); errors as Shopify sends
  them (`invalid_subject_token`, `invalid_client`, `invalid_grant`).
- `POST /admin/api/<version>/graphql.json`: the operations the app runs, chosen by
  operation name (Products, Product, TagsAdd, TagsRemove, ShopIdentity,
  AppSubscriptionCreate, AppSubscriptionCancel, CurrentAppInstallation,
  AppInstallationId, MetafieldsSet); 401 for a bad or expired token; scripted
  throttling (cost `THROTTLED` or HTTP 429).
- `metafieldsSet` refuses what Shopify refuses: a null or non-string required
  input (a top-level GraphQL error, nothing runs), more than 25 metafields, keys
  and namespaces of the wrong length or alphabet, an owner other than the calling
  app's installation, an unknown or missing type and a value its type rejects
  (user errors; the call is atomic, so nothing is stored then).

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
METAFIELDS_SET_LIMIT = 25
_HANDLE = re.compile(r"^[A-Za-z0-9_-]+$")
# The types the fake knows, each with the check Shopify applies to the value.
_METAFIELD_TYPES = {
    "boolean": lambda v: v in ("true", "false"),
    "single_line_text_field": lambda v: "\n" not in v and len(v) <= 65535,
    "number_integer": lambda v: re.fullmatch(r"-?[0-9]{1,19}", v) is not None,
    "json": lambda v: _is_json(v),
}


def _is_json(value: str) -> bool:
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


class GraphQLError(Exception):
    """A top-level GraphQL error: the operation does not run at all."""


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
            self.app_metafields: dict[str, dict[tuple[str, str], dict]] = {}
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

    def app_installation_gid(self, shop: str) -> str:
        return f"gid://shopify/AppInstallation/{zlib.crc32(shop.encode()) % 10**9}"

    def app_metafield(self, shop: str, namespace: str, key: str) -> dict | None:
        """`{"type", "value"}` of an app-data metafield, as the theme would read it."""
        return self.app_metafields.get(shop, {}).get((namespace, key))

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
            try:
                data = handler(shop, body.get("variables") or {})
            except GraphQLError as exc:
                return 200, {}, {"errors": [{"message": str(exc)}]}
            return 200, {}, {"data": data}

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

    def _op_AppInstallationId(self, shop: str, variables: dict) -> dict:
        return {"currentAppInstallation": {"id": self.app_installation_gid(shop)}}

    def _op_MetafieldsSet(self, shop: str, variables: dict) -> dict:
        inputs = variables.get("metafields")
        if not isinstance(inputs, list):
            raise GraphQLError(
                "Variable $metafields of type [MetafieldsSetInput!]! was provided "
                "invalid value"
            )
        for index, item in enumerate(inputs):
            for name in ("ownerId", "key", "value"):
                if not isinstance(item.get(name), str):
                    raise GraphQLError(
                        "Variable $metafields of type [MetafieldsSetInput!]! was "
                        f"provided invalid value for {index}.{name} (Expected a "
                        "String, got a null or another type)"
                    )
            for name in ("namespace", "type"):
                if item.get(name) is not None and not isinstance(item[name], str):
                    raise GraphQLError(
                        "Variable $metafields of type [MetafieldsSetInput!]! was "
                        f"provided invalid value for {index}.{name}"
                    )
        errors = self._metafield_errors(shop, inputs)
        if errors:
            return {"metafieldsSet": {"metafields": None, "userErrors": errors}}
        stored = self.app_metafields.setdefault(shop, {})
        answer = []
        for item in inputs:
            namespace = item.get("namespace") or f"app--{self.api_key}"
            stored[(namespace, item["key"])] = {
                "type": item["type"],
                "value": item["value"],
            }
            answer.append(
                {"namespace": namespace, "key": item["key"], "value": item["value"]}
            )
        return {"metafieldsSet": {"metafields": answer, "userErrors": []}}

    def _metafield_errors(self, shop: str, inputs: list[dict]) -> list[dict]:
        if len(inputs) > METAFIELDS_SET_LIMIT:
            return [
                {
                    "field": ["metafields"],
                    "message": "Exceeded the maximum metafields input limit of "
                    f"{METAFIELDS_SET_LIMIT}.",
                    "code": "LESS_THAN_OR_EQUAL_TO",
                }
            ]
        errors = []

        def error(index: int, name: str, code: str, message: str) -> None:
            errors.append(
                {
                    "field": ["metafields", str(index), name],
                    "message": message,
                    "code": code,
                }
            )

        for index, item in enumerate(inputs):
            key, namespace = item["key"], item.get("namespace")
            if not 2 <= len(key) <= 64:
                error(
                    index,
                    "key",
                    "TOO_SHORT" if len(key) < 2 else "TOO_LONG",
                    "Key must be 2-64 characters long.",
                )
            elif not _HANDLE.match(key):
                error(
                    index,
                    "key",
                    "INVALID",
                    "Key contains one or more invalid characters.",
                )
            if namespace is not None:
                if not 3 <= len(namespace) <= 255:
                    error(
                        index,
                        "namespace",
                        "TOO_SHORT" if len(namespace) < 3 else "TOO_LONG",
                        "Namespace must be 3-255 characters long.",
                    )
                elif not _HANDLE.match(namespace):
                    error(
                        index,
                        "namespace",
                        "INVALID",
                        "Namespace contains one or more invalid characters.",
                    )
            if item["ownerId"] != self.app_installation_gid(shop):
                error(index, "ownerId", "INVALID", "Owner does not exist.")
            kind = item.get("type")
            if not kind:
                error(index, "type", "BLANK", "Type can't be blank.")
            elif kind not in _METAFIELD_TYPES:
                error(index, "type", "INVALID_TYPE", "Type is invalid.")
            elif not _METAFIELD_TYPES[kind](item["value"]):
                error(
                    index,
                    "value",
                    "INVALID_VALUE",
                    f"Value is invalid for the {kind} type.",
                )
        return errors


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
