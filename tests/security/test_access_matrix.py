"""Access matrix: every route of the app × every kind of credential.

The routes come from Django's resolver, so a route added without a row in ROUTES
fails `test_every_route_is_classified`. Each refused request must answer the
documented status (JSON with an `error` code where the route speaks JSON), never
a 5xx, and leave every table and the stored files as they were; a credential
valid for shop B never reaches an object of shop A.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pytest
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from assets.models import ProductAsset, PromptVersion
from renders.models import (
    RenderJob,
    RenderRun,
    RoomSession,
    SeeItNowOrderLine,
    VariantResult,
)
from seeitnow.storage.local import READ_SALT, UPLOAD_SALT
from shops.models import Session, Shop, UsageDaily
from tests.factories import (
    make_ready_asset,
    make_render_job,
    make_room,
    make_run,
    make_shop,
    make_variant,
)
from tests.fakes.shopify_proxy import (
    make_session_token,
    sign_proxy_query,
    webhook_headers,
)
from tests.render.client import SECRET, proxy

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]

WRONG_SECRET = "not-the-api-secret"
A_DOMAIN = "shop-a.myshopify.com"
B_DOMAIN = "shop-b.myshopify.com"
PRODUCT = "101"


# --- the route table --------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A route's credential class and a request that would act if let through."""

    kind: str
    method: str = "get"
    path: str = ""
    body: dict = field(default_factory=dict)


# Placeholders filled from shop A's objects: {run}, {room}, {job}, {product}.
ROUTES: dict[str, Route] = {
    # Public: no credential, nothing to protect.
    "healthz": Route("public", path="/healthz"),
    "livez": Route("public", path="/livez"),
    "readyz": Route("public", path="/readyz"),
    "": Route("public", path="/"),
    "auth/patch-id-token": Route("public", path="/auth/patch-id-token"),
    # Bearer METRICS_TOKEN.
    "metrics": Route("metrics", path="/metrics"),
    # Signed, expiring local storage URLs.
    "storage/upload/<str:token>": Route("storage_upload", "put"),
    "storage/read/<str:token>": Route("storage_read"),
    # App Proxy signature (SPEC §5).
    "proxy/room/upload": Route(
        "proxy", "post", "room/upload", {"content_type": "image/jpeg"}
    ),
    "proxy/room/confirm": Route(
        "proxy", "post", "room/confirm", {"room_session_id": "{room}"}
    ),
    "proxy/see-it-now/render": Route(
        "proxy",
        "post",
        "see-it-now/render",
        {"room_session_id": "{room}", "product_id": "{product}", "async": True},
    ),
    "proxy/see-it-now/render/<str:run_id>": Route(
        "proxy", "get", "see-it-now/render/{run}"
    ),
    "proxy/see-it-now/select": Route(
        "proxy",
        "post",
        "see-it-now/select",
        {
            "room_session_id": "{room}",
            "selected_variant_id": "V01",
            "product_id": "{product}",
        },
    ),
    "proxy/see-it-now/cart": Route(
        "proxy", "post", "see-it-now/cart", {"render_job_id": "{job}"}
    ),
    "proxy/^.*$": Route("proxy", "get", "anything/else"),
    # Dev storefront: 404 unless DEBUG or DEV_ADMIN_LOGIN.
    "preview/": Route("dev_only", path="/preview/"),
    "preview/products/<slug:handle>": Route("dev_only", path="/preview/products/x"),
    "preview/apps/see-it/<path:path>": Route(
        "dev_only",
        "post",
        "/preview/apps/see-it/room/upload",
        {"content_type": "image/jpeg"},
    ),
    "preview/widget/<str:name>": Route("dev_only", path="/preview/widget/x.js"),
    "preview/cart/add.js": Route("dev_only", "post", "/preview/cart/add.js", {"id": 1}),
    "preview/cart.js": Route("dev_only", path="/preview/cart.js"),
    # Embedded pages (document loads: Shopify's bounce; fetches: 401 JSON).
    "app/": Route("admin_page", path="/app/"),
    "app/dashboard": Route("admin_page", path="/app/dashboard"),
    "app/billing/return": Route("admin_page", path="/app/billing/return"),
    "app/products": Route("admin_page", path="/app/products"),
    "app/products/<str:product_id>": Route(
        "admin_page", path="/app/products/{product}"
    ),
    "app/settings": Route("admin_page", path="/app/settings"),
    "app/monitor": Route("admin_page", path="/app/monitor"),
    "app/monitor/export.csv": Route("admin_page", path="/app/monitor/export.csv"),
    "app/monitor/runs/<str:run_id>": Route(
        "admin_page", path="/app/monitor/runs/{run}"
    ),
    # Session-token JSON API.
    "api/billing/plan": Route(
        "admin_api", "post", "/api/billing/plan", {"plan": "pro"}
    ),
    "api/products": Route("admin_api", path="/api/products"),
    "api/products/prepare": Route(
        "admin_api", "post", "/api/products/prepare", {"product_ids": ["{product}"]}
    ),
    "api/products/<str:product_id>": Route("admin_api", path="/api/products/{product}"),
    "api/products/<str:product_id>/prepare": Route(
        "admin_api", "post", "/api/products/{product}/prepare"
    ),
    "api/products/<str:product_id>/enable": Route(
        "admin_api", "post", "/api/products/{product}/enable"
    ),
    "api/products/<str:product_id>/disable": Route(
        "admin_api", "post", "/api/products/{product}/disable"
    ),
    "api/products/<str:product_id>/overrides": Route(
        "admin_api", "post", "/api/products/{product}/overrides", {"overrides": {}}
    ),
    "api/products/<str:product_id>/cutout": Route(
        "admin_api", "post", "/api/products/{product}/cutout", {}
    ),
    "api/products/<str:product_id>/test-render": Route(
        "admin_api", "post", "/api/products/{product}/test-render", {}
    ),
    "api/settings": Route("admin_api", "post", "/api/settings", {"enabled": False}),
    "api/settings/reprepare": Route("admin_api", "post", "/api/settings/reprepare"),
    "api/monitor/run/<str:run_id>": Route("admin_api", path="/api/monitor/run/{run}"),
    # Webhook HMAC over the raw body.
    "webhooks": Route("webhook", "post", "/webhooks"),
    "webhooks/<path:topic>": Route("webhook", "post", "/webhooks/app/uninstalled"),
}
# Every route under admin/ is Django admin's: staff login.
ADMIN_PREFIX = "admin/"
# Mounted only when DEBUG is on at import (seeitnow/urls.py): Django's static()
# serves MEDIA_ROOT with no token at all, so the stored files' keys (UUIDs) are
# the only protection in a DEBUG server. Never mounted under pytest.
DEBUG_ONLY = {"^media/(?P<path>.*)$"}


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _all_routes() -> list[str]:
    return list(_walk(get_resolver().url_patterns))


def _routes_of(kind: str) -> list[str]:
    return [name for name, route in ROUTES.items() if route.kind == kind]


def test_every_route_is_classified():
    routes = _all_routes()
    unclassified = [
        r
        for r in routes
        if r not in ROUTES and r not in DEBUG_ONLY and not r.startswith(ADMIN_PREFIX)
    ]
    assert unclassified == [], f"unclassified route(s): {unclassified}"
    stale = sorted(set(ROUTES) - set(routes))
    assert stale == [], f"ROUTES names route(s) that no longer exist: {stale}"


# --- the world: two installed shops and shop A's objects -------------------


@dataclass
class World:
    a: Shop
    b: Shop
    ids: dict[str, str]


@pytest.fixture
def world(db, settings, fake_shopify) -> World:
    settings.DEV_ADMIN_LOGIN = False
    settings.DEBUG = False
    settings.METRICS_TOKEN = ""
    settings.SEE_IT_NOW_ALLOWED_SHOPS = ["*"]
    a = make_shop(
        shop_domain=A_DOMAIN, access_token=fake_shopify.stored_token(A_DOMAIN)
    )
    b = make_shop(
        shop_domain=B_DOMAIN, access_token=fake_shopify.stored_token(B_DOMAIN)
    )
    fake_shopify.add_product(A_DOMAIN, int(PRODUCT), "Oak stool")
    asset = make_ready_asset(shop=a, product_id=PRODUCT)
    room = make_room(shop=a)
    run = make_run(asset=asset, room=room)
    make_variant(run=run)
    job = make_render_job(asset=asset, room=room)
    return World(a, b, {"run": str(run.id), "room": str(room.id), "job": str(job.id)})


def _fill(value, ids: dict[str, str]):
    if isinstance(value, str):
        return value.format(product=PRODUCT, **ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


MODELS = (
    Shop,
    Session,
    UsageDaily,
    ProductAsset,
    PromptVersion,
    RoomSession,
    RenderRun,
    VariantResult,
    RenderJob,
    SeeItNowOrderLine,
)


def _state(media_root, *, skip_shop: str | None = None) -> dict:
    """Every row of every table (tiny here) and every stored file."""
    state = {}
    for model in MODELS:
        rows = model.objects.order_by("pk")
        if model is Shop and skip_shop:
            rows = rows.exclude(shop_domain=skip_shop)
        state[model.__name__] = list(rows.values())
    state["files"] = sorted(str(p) for p in media_root.rglob("*") if p.is_file())
    return state


def _json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("error"), str) and body["error"]
    if code is not None:
        assert body["error"] == code, body
    return body


def _send(client, method: str, url: str, body=None, **headers):
    if method == "get":
        return client.get(url, **headers)
    data = json.dumps(body if body is not None else {})
    return getattr(client, method)(
        url, data, content_type="application/json", **headers
    )


# --- App Proxy ---------------------------------------------------------------


def _proxy_query(credential: str) -> str:
    now = int(time.time())
    if credential == "none":
        return ""
    if credential == "unsigned":
        return urlencode({"shop": A_DOMAIN, "timestamp": now})
    if credential == "forged":
        return sign_proxy_query({"shop": A_DOMAIN}, WRONG_SECRET)
    if credential == "garbage":
        return urlencode({"shop": A_DOMAIN, "timestamp": now, "signature": "0" * 64})
    if credential == "expired":
        return sign_proxy_query({"shop": A_DOMAIN, "timestamp": now - 3600}, SECRET)
    if credential == "shop-swapped":
        # Signed for B, then `shop` rewritten to A: the signature no longer fits.
        return sign_proxy_query({"shop": B_DOMAIN}, SECRET).replace(B_DOMAIN, A_DOMAIN)
    if credential == "two-shops":
        return sign_proxy_query([("shop", A_DOMAIN), ("shop", B_DOMAIN)], SECRET)
    raise AssertionError(credential)


PROXY_CREDENTIALS = [
    "none",
    "unsigned",
    "forged",
    "garbage",
    "expired",
    "shop-swapped",
    "two-shops",
]


@pytest.mark.parametrize("credential", PROXY_CREDENTIALS)
@pytest.mark.parametrize("name", _routes_of("proxy"))
def test_proxy_route_refuses_a_bad_signature(
    client, world, media_root, name, credential
):
    route = ROUTES[name]
    before = _state(media_root)
    url = f"/proxy/{_fill(route.path, world.ids)}?{_proxy_query(credential)}"
    response = _send(client, route.method, url, _fill(route.body, world.ids))
    _json_error(response, 403, "forbidden")
    assert response["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in response
    assert _state(media_root) == before


@pytest.mark.parametrize("name", _routes_of("proxy"))
def test_proxy_route_refuses_a_shop_that_is_not_installed(
    client, world, media_root, name
):
    route = ROUTES[name]
    world.a.uninstalled_at = timezone.now()
    world.a.save()
    before = _state(media_root)
    response = proxy(
        client,
        world.a,
        _fill(route.path, world.ids),
        _fill(route.body, world.ids),
        method=route.method,
    )
    _json_error(response, 404, "shop_not_found")
    assert _state(media_root) == before


# The proxy routes that take an object id: B's valid signature, A's object → the
# 404 code; with A's own signature the same request reaches the object.
PROXY_CROSS_SHOP = {
    "proxy/room/confirm": "room_not_found",
    "proxy/see-it-now/render": "room_not_found",
    "proxy/see-it-now/render/<str:run_id>": "run_not_found",
    "proxy/see-it-now/select": "room_not_found",
    "proxy/see-it-now/cart": "render_job_not_found",
}


@pytest.mark.parametrize("name", PROXY_CROSS_SHOP)
def test_proxy_object_of_another_shop_is_not_found(client, world, media_root, name):
    route = ROUTES[name]
    path, body = _fill(route.path, world.ids), _fill(route.body, world.ids)
    before = _state(media_root, skip_shop=B_DOMAIN)
    response = proxy(client, world.b, path, body, method=route.method)
    _json_error(response, 404, PROXY_CROSS_SHOP[name])
    assert A_DOMAIN not in response.content.decode()
    assert _state(media_root, skip_shop=B_DOMAIN) == before
    # Control: the object is there for its own shop.
    own = proxy(client, world.a, path, body, method=route.method)
    assert own.status_code != 404, own.content


@pytest.mark.parametrize("name", _routes_of("proxy"))
def test_proxy_preflight_without_a_signature_grants_no_origin(client, world, name):
    response = client.options(f"/proxy/{_fill(ROUTES[name].path, world.ids)}")
    assert response.status_code == 204
    assert "Access-Control-Allow-Origin" not in response


# --- session token: the JSON API and the embedded pages ----------------------


def _token(settings, credential: str, shop: str = A_DOMAIN) -> str:
    key, secret = settings.SHOPIFY_API_KEY, settings.SHOPIFY_API_SECRET
    if credential == "garbage":
        return "not-a-jwt"
    if credential == "forged":
        return make_session_token(shop=shop, api_key=key, secret=WRONG_SECRET)
    if credential == "expired":
        return make_session_token(
            shop=shop, api_key=key, secret=secret, issued_at=time.time() - 3600
        )
    if credential == "other-app":
        return make_session_token(shop=shop, api_key="another-app", secret=secret)
    if credential == "not-yet-valid":
        return make_session_token(
            shop=shop, api_key=key, secret=secret, issued_at=time.time() + 3600
        )
    if credential == "valid":
        return make_session_token(shop=shop, api_key=key, secret=secret)
    raise AssertionError(credential)


SESSION_CREDENTIALS = [
    "none",
    "garbage",
    "forged",
    "expired",
    "other-app",
    "not-yet-valid",
]


def _session_headers(settings, credential: str, shop: str = A_DOMAIN) -> dict:
    if credential == "none":
        return {}
    return {"HTTP_AUTHORIZATION": f"Bearer {_token(settings, credential, shop)}"}


def _assert_unauthorized(response) -> None:
    _json_error(response, 401, "unauthorized")
    assert response["X-Shopify-Retry-Invalid-Session-Request"] == "1"


@pytest.mark.parametrize("credential", SESSION_CREDENTIALS)
@pytest.mark.parametrize("name", _routes_of("admin_api"))
def test_admin_api_refuses_a_bad_session_token(
    client, settings, world, fake_shopify, media_root, name, credential
):
    route = ROUTES[name]
    before = _state(media_root)
    headers = _session_headers(settings, credential)
    url = _fill(route.path, world.ids)
    response = _send(client, route.method, url, _fill(route.body, world.ids), **headers)
    _assert_unauthorized(response)
    assert _state(media_root) == before
    assert fake_shopify.calls == []


@pytest.mark.parametrize("credential", SESSION_CREDENTIALS[1:])
@pytest.mark.parametrize("name", _routes_of("admin_page"))
def test_admin_page_fetch_refuses_a_bad_session_token(
    client, settings, world, fake_shopify, media_root, name, credential
):
    route = ROUTES[name]
    before = _state(media_root)
    response = client.get(
        _fill(route.path, world.ids), **_session_headers(settings, credential)
    )
    _assert_unauthorized(response)
    assert _state(media_root) == before
    assert fake_shopify.calls == []


@pytest.mark.parametrize("id_token", ["none", "garbage", "forged", "expired"])
@pytest.mark.parametrize("name", _routes_of("admin_page"))
def test_admin_page_document_load_without_a_valid_token_is_bounced(
    client, settings, world, fake_shopify, media_root, name, id_token
):
    """A document load gets Shopify's prescribed answer, never the page."""
    route = ROUTES[name]
    before = _state(media_root)
    query = {
        "shop": A_DOMAIN,
        "host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYQ",
        "embedded": "1",
    }
    if id_token != "none":
        query["id_token"] = _token(settings, id_token)
    url = f"{_fill(route.path, world.ids)}?{urlencode(query)}"
    response = client.get(url)
    assert response.status_code in (302, 401), (response.status_code, response.content)
    if response.status_code == 302:
        location = urlsplit(response["Location"])
        assert location.path == "/auth/patch-id-token"
        assert "shopify-reload" in location.query
    assert _state(media_root) == before
    assert fake_shopify.calls == []


# The JSON API routes that take an object id: B's valid token, A's object.
ADMIN_CROSS_SHOP = {
    "api/products/<str:product_id>": "product_not_found",
    "api/products/<str:product_id>/prepare": "product_not_found",
    "api/products/<str:product_id>/enable": "product_not_found",
    "api/products/<str:product_id>/disable": "product_not_found",
    "api/products/<str:product_id>/overrides": "product_not_found",
    "api/products/<str:product_id>/cutout": "product_not_found",
    "api/products/<str:product_id>/test-render": "product_not_found",
    "api/monitor/run/<str:run_id>": "run_not_found",
}


@pytest.mark.parametrize("name", ADMIN_CROSS_SHOP)
def test_admin_api_object_of_another_shop_is_not_found(
    client, settings, world, media_root, name
):
    route = ROUTES[name]
    path, body = _fill(route.path, world.ids), _fill(route.body, world.ids)
    before = _state(media_root, skip_shop=B_DOMAIN)
    headers = _session_headers(settings, "valid", B_DOMAIN)
    response = _send(client, route.method, path, body, **headers)
    _json_error(response, 404, ADMIN_CROSS_SHOP[name])
    assert A_DOMAIN not in response.content.decode()
    assert _state(media_root, skip_shop=B_DOMAIN) == before
    # Control: the object is there for its own shop.
    own = _send(client, route.method, path, body, **_session_headers(settings, "valid"))
    assert own.status_code != 404, own.content


@pytest.mark.parametrize("name", _routes_of("admin_api") + _routes_of("admin_page"))
def test_admin_route_wrong_method_is_refused_before_anything(
    client, world, media_root, name
):
    """The method check runs before authentication: 405, nothing read or written;
    the JSON API answers in its error shape and names the methods it takes."""
    route = ROUTES[name]
    before = _state(media_root)
    wrong = "put" if route.method == "post" or name == "api/settings" else "post"
    response = _send(client, wrong, _fill(route.path, world.ids), {})
    assert response.status_code == 405
    assert response["Allow"]
    if name.startswith("api/"):
        _json_error(response, 405, "method_not_allowed")
    assert _state(media_root) == before


@pytest.mark.parametrize(
    "name", ["app/products/<str:product_id>", "app/monitor/runs/<str:run_id>"]
)
def test_admin_page_object_of_another_shop_is_not_shown(
    client, settings, world, media_root, name
):
    route = ROUTES[name]
    before = _state(media_root, skip_shop=B_DOMAIN)
    response = client.get(
        _fill(route.path, world.ids), **_session_headers(settings, "valid", B_DOMAIN)
    )
    assert response.status_code == 404, response.status_code
    assert A_DOMAIN not in response.content.decode()
    assert world.ids["run"] not in response.content.decode()
    assert _state(media_root, skip_shop=B_DOMAIN) == before
    own = client.get(
        _fill(route.path, world.ids), **_session_headers(settings, "valid")
    )
    assert own.status_code == 200


def test_bulk_prepare_of_another_shops_product_touches_nothing_of_it(
    client, settings, world, media_root
):
    route = ROUTES["api/products/prepare"]
    mine = ProductAsset.objects.filter(shop=world.a).order_by("pk")
    before = list(mine.values())
    response = _send(
        client,
        route.method,
        route.path,
        _fill(route.body, world.ids),
        **_session_headers(settings, "valid", B_DOMAIN),
    )
    # B may queue its own product 101 (ids are per shop); A's asset is untouched.
    assert response.status_code < 500
    assert A_DOMAIN not in response.content.decode()
    assert list(mine.values()) == before
    assert RenderRun.objects.filter(shop=world.b).count() == 0


# --- dev login ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("dev_login", "shop_param"),
    [(False, "demo"), (True, A_DOMAIN), (True, "evil.myshopify.com")],
    ids=["flag-off", "real-shop", "unknown-shop"],
)
@pytest.mark.parametrize("name", ["api/settings", "api/products/<str:product_id>"])
def test_dev_login_gives_nothing_but_the_demo_shop(
    client, settings, world, fake_shopify, media_root, name, dev_login, shop_param
):
    settings.DEV_ADMIN_LOGIN = dev_login
    shop_param = settings.DEMO_SHOP_DOMAIN if shop_param == "demo" else shop_param
    route = ROUTES[name]
    before = _state(media_root)
    url = f"{_fill(route.path, world.ids)}?shop={shop_param}"
    response = _send(client, route.method, url, _fill(route.body, world.ids))
    _assert_unauthorized(response)
    assert _state(media_root) == before


def test_dev_session_is_dropped_when_a_token_is_sent(client, settings, world):
    settings.DEV_ADMIN_LOGIN = True
    client.get(f"/api/settings?shop={settings.DEMO_SHOP_DOMAIN}")
    assert client.get("/api/settings").status_code == 200  # the dev session works
    response = client.get("/api/settings", **_session_headers(settings, "forged"))
    _assert_unauthorized(response)


# --- webhooks ----------------------------------------------------------------


def _uninstall_body() -> str:
    return json.dumps(
        {
            "id": 1,
            "name": "A",
            "domain": "a.example.com",
            "myshopify_domain": A_DOMAIN,
        }
    )


def _webhook_headers(credential: str, body: str) -> dict:
    if credential == "none":
        return {"HTTP_X_SHOPIFY_TOPIC": "app/uninstalled"}
    secret = WRONG_SECRET if credential == "forged" else SECRET
    headers = webhook_headers(
        topic="app/uninstalled", shop=A_DOMAIN, body=body, secret=secret
    )
    if credential == "garbage":
        headers["HTTP_X_SHOPIFY_HMAC_SHA256"] = "bm90LWEtaG1hYw=="
    if credential == "body-changed":
        headers["HTTP_X_SHOPIFY_HMAC_SHA256"] = webhook_headers(
            topic="app/uninstalled", shop=A_DOMAIN, body=body + " ", secret=SECRET
        )["HTTP_X_SHOPIFY_HMAC_SHA256"]
    return headers


@pytest.mark.parametrize("credential", ["none", "forged", "garbage", "body-changed"])
@pytest.mark.parametrize("name", _routes_of("webhook"))
def test_webhook_refuses_a_bad_hmac(
    client, world, fake_shopify, media_root, name, credential
):
    body = _uninstall_body()
    before = _state(media_root)
    response = client.post(
        ROUTES[name].path,
        body,
        content_type="application/json",
        **_webhook_headers(credential, body),
    )
    _json_error(response, 401, "unauthorized")
    assert _state(media_root) == before


@pytest.mark.parametrize("name", _routes_of("webhook"))
def test_webhook_is_post_only(client, world, name):
    _json_error(client.get(ROUTES[name].path), 405, "method_not_allowed")


# --- signed storage URLs -----------------------------------------------------


def _storage_token(credential: str, salt: str, key: str) -> str:
    payload = {"k": key, "ct": "image/jpeg", "max": 1000}
    exp = int(time.time()) + 600
    if credential == "garbage":
        return "not-a-token"
    if credential == "forged":
        return signing.dumps({**payload, "exp": exp}, key="x" * 50, salt=salt)
    if credential == "other-salt":
        other = READ_SALT if salt == UPLOAD_SALT else UPLOAD_SALT
        return signing.dumps({**payload, "exp": exp}, salt=other)
    if credential == "expired":
        return signing.dumps({**payload, "exp": int(time.time()) - 1}, salt=salt)
    if credential == "no-expiry":
        return signing.dumps(payload, salt=salt)
    raise AssertionError(credential)


STORAGE_CREDENTIALS = ["garbage", "forged", "other-salt", "expired", "no-expiry"]


@pytest.mark.parametrize("credential", STORAGE_CREDENTIALS)
def test_storage_read_refuses_a_bad_token(client, world, media_root, credential):
    key = f"shops/{world.a.id}/secret.jpg"
    (media_root / "shops" / str(world.a.id)).mkdir(parents=True)
    (media_root / key).write_bytes(b"\xff\xd8 shop A's photo")
    token = _storage_token(credential, READ_SALT, key)
    response = client.get(f"/storage/read/{token}")
    _json_error(response, 403, "invalid_signature")
    assert b"shop A" not in response.content


@pytest.mark.parametrize("credential", STORAGE_CREDENTIALS)
def test_storage_upload_refuses_a_bad_token(client, world, media_root, credential):
    key = f"shops/{world.a.id}/rooms/{uuid.uuid4()}/original.jpg"
    before = _state(media_root)
    token = _storage_token(credential, UPLOAD_SALT, key)
    response = client.put(f"/storage/upload/{token}", b"\xff\xd8", "image/jpeg")
    _json_error(response, 403, "invalid_signature")
    assert _state(media_root) == before


@pytest.mark.parametrize(
    ("name", "method"),
    [("storage/read/<str:token>", "post"), ("storage/upload/<str:token>", "get")],
)
def test_storage_wrong_method_is_405_json(client, world, name, method):
    url = "/" + name.replace("<str:token>", "x")
    _json_error(getattr(client, method)(url), 405, "method_not_allowed")


# --- metrics -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "authorization", "status"),
    [
        ("", "", 404),
        ("", "Bearer ", 404),
        ("s3cret", "", 401),
        ("s3cret", "Bearer wrong", 401),
        ("s3cret", "Basic czNjcmV0", 401),
        ("s3cret", "Bearer s3cret", 200),
    ],
    ids=["unset", "unset-empty-bearer", "none", "wrong", "basic", "valid"],
)
def test_metrics_needs_the_bearer_token(
    client, settings, world, configured, authorization, status
):
    settings.METRICS_TOKEN = configured
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/metrics", **headers)
    assert response.status_code == status
    if status == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    if status != 200:
        assert b"seeitnow_" not in response.content


# --- public routes and the dev storefront -----------------------------------


@pytest.mark.parametrize("name", _routes_of("public"))
def test_public_route_answers_without_credentials_and_changes_nothing(
    client, world, media_root, name
):
    before = _state(media_root)
    response = client.get(ROUTES[name].path)
    assert response.status_code in (200, 400), response.status_code
    assert A_DOMAIN not in response.content.decode()
    assert _state(media_root) == before


@pytest.mark.parametrize("name", ["healthz", "livez", "readyz"])
def test_health_routes_are_get_only(client, world, name):
    assert client.post(ROUTES[name].path).status_code == 405


@pytest.mark.parametrize("name", _routes_of("dev_only"))
def test_dev_storefront_is_404_when_off(client, settings, world, media_root, name):
    route = ROUTES[name]
    before = _state(media_root)
    response = _send(client, route.method, route.path, route.body)
    assert response.status_code == 404
    assert _state(media_root) == before


# --- Django admin ------------------------------------------------------------


def _admin_urls() -> list[str]:
    urls = []
    for route in _all_routes():
        if not route.startswith(ADMIN_PREFIX):
            continue
        url = route.replace("^", "").replace("$", "")
        for converter in ("<int:content_type_id>", "<path:content_type_id>"):
            url = url.replace(converter, "1")
        url = url.replace("<path:object_id>", "1").replace("<int:object_id>", "1")
        url = url.replace("<str:id>", "1").replace("<id>", "1")
        if "(?P<app_label>" in url:
            url = url.split("(?P<app_label>", 1)[0] + "shops/"
        if "(?P<url>.*)" in url:
            url = url.replace("(?P<url>.*)", "nowhere/")
        assert "<" not in url and "(?P" not in url, f"unfilled admin route: {url}"
        urls.append(url)
    return urls


@pytest.mark.parametrize("as_user", ["anonymous", "not-staff"])
def test_django_admin_needs_a_staff_login(
    client, django_user_model, world, media_root, as_user
):
    if as_user == "not-staff":
        user = django_user_model.objects.create_user(username="shopper", password="pw")
        client.force_login(user)
    before = _state(media_root)
    answers = {}
    for url in _admin_urls():
        path = "/" + url
        response = client.get(path)
        answers[path] = response.status_code
        if path in ("/admin/login/",):
            assert response.status_code == 200
        elif path == "/admin/logout/":
            # Django's admin_view sends a non-staff logout to the index.
            assert (response.status_code, response["Location"]) == (302, "/admin/")
        else:
            assert response.status_code == 302, (path, response.status_code)
            assert response["Location"].startswith("/admin/login/?next="), path
        post = client.post(path, {"action": "delete_selected", "_selected_action": "1"})
        assert post.status_code < 500, path
    assert len(answers) > 10
    assert _state(media_root) == before
