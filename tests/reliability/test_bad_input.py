"""Hostile input over every JSON route: never a 5xx, never a row written.

Requests are signed properly (App Proxy signature, session token, webhook HMAC),
so what is tested is the body, the query and the headers. Rows of every model of
the app are counted before and after each refused request.
"""

from __future__ import annotations

import io
import json

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image

from renders.models import RoomSession
from tests.factories import make_ready_asset
from tests.fakes.shopify_proxy import (
    make_session_token,
    sign_proxy_query,
    webhook_headers,
)
from tests.render.client import SECRET, proxy
from tests.render.scene import room_jpeg

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]

APPS = ("shops", "assets", "renders", "django_q")
EXAMPLES = hsettings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TEXT = st.text(max_size=300) | st.sampled_from(
    ["", "\x00", "\u202e\u0000", "🛋️" * 200, "a" * 70_000, "gid://shopify/Product/1"]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**30, max_value=10**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=5)
    ),
    max_leaves=25,
)
KEYS = st.sampled_from(
    [
        "room_session_id",
        "product_id",
        "async",
        "content_type",
        "crop_params",
        "selected_variant_id",
        "upscale",
        "session_id",
        "render_job_id",
        "prompt_addition",
        "auto_reprepare",
        "plan",
        "overrides",
        "id",
        "title",
        "myshopify_domain",
    ]
)
# Objects with the routes' own keys, so the checks behind the parser are reached.
OBJECTS = st.dictionaries(KEYS | TEXT, JSON, max_size=6)
BODIES = (
    OBJECTS.map(lambda o: json.dumps(o).encode())
    | JSON.map(lambda o: json.dumps(o).encode())
    | st.binary(max_size=300)
    | st.sampled_from([b"[" * 50_000, b'{"a":' * 5000, b"NaN", b"1e999", b""])
)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "", "ü/ß"]
)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


def assert_refused_cleanly(response, before: dict[str, int]) -> None:
    assert response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    if response.status_code >= 400:
        assert row_counts() == before


STOREFRONT_POSTS = [
    "room/upload",
    "room/confirm",
    "see-it-now/render",
    "see-it-now/select",
    "see-it-now/cart",
]


@pytest.mark.parametrize("route", STOREFRONT_POSTS)
@EXAMPLES
@given(body=BODIES, content_type=CONTENT_TYPES)
def test_storefront_bodies(client, shop, route, body, content_type):
    before = row_counts()
    url = f"/proxy/{route}?{sign_proxy_query({'shop': shop.shop_domain}, SECRET)}"
    response = client.generic("POST", url, body, content_type=content_type)
    assert_refused_cleanly(response, before)
    if route != "room/upload" or response.status_code != 200:
        assert row_counts() == before


@EXAMPLES
@given(run_id=TEXT, after=TEXT, wait=TEXT)
def test_storefront_poll_path_and_query(client, shop, run_id, after, wait):
    before = row_counts()
    route = "see-it-now/render/" + run_id.replace("/", "").replace("?", "")
    response = proxy(
        client, shop, route, method="get", query={"after": after, "wait": wait}
    )
    assert_refused_cleanly(response, before)
    assert row_counts() == before


@pytest.fixture
def merchant(shop, fake_shopify, settings):
    settings.DEV_ADMIN_LOGIN = False
    shop.access_token = fake_shopify.stored_token(shop.shop_domain)
    shop.save(update_fields=["access_token"])
    fake_shopify.add_product(shop.shop_domain, 101, "Oak stool")
    make_ready_asset(shop=shop, product_id="101")
    return shop


def bearer(shop, settings) -> dict:
    token = make_session_token(
        shop=shop.shop_domain,
        api_key=settings.SHOPIFY_API_KEY,
        secret=settings.SHOPIFY_API_SECRET,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


MERCHANT_WRITES = [
    "/api/settings",
    "/api/billing/plan",
    "/api/products/101/overrides",
    "/api/products/no-such-product/overrides",
    "/api/products/101/cutout",
]


@pytest.mark.parametrize("route", MERCHANT_WRITES)
@EXAMPLES
@given(body=BODIES, content_type=CONTENT_TYPES)
def test_merchant_api_bodies(client, merchant, settings, route, body, content_type):
    before = row_counts()
    response = client.generic(
        "POST", route, body, content_type=content_type, **bearer(merchant, settings)
    )
    assert_refused_cleanly(response, before)


@EXAMPLES
@given(query=st.dictionaries(TEXT, TEXT, max_size=4))
def test_merchant_api_list_query(client, merchant, settings, query):
    before = row_counts()
    response = client.get("/api/products", query, **bearer(merchant, settings))
    assert_refused_cleanly(response, before)
    assert row_counts() == before


TOPICS = [
    "app/uninstalled",
    "products/update",
    "products/delete",
    "orders/paid",
    "app_subscriptions/update",
    "shop/redact",
    "customers/redact",
    "customers/data_request",
]


@pytest.mark.parametrize("topic", TOPICS)
@EXAMPLES
@given(body=BODIES)
def test_signed_webhook_bodies(client, shop, settings, topic, body):
    before = row_counts()
    headers = webhook_headers(
        topic=topic,
        shop=shop.shop_domain,
        body=body,
        secret=settings.SHOPIFY_API_SECRET,
    )
    response = client.generic(
        "POST", "/webhooks", body, content_type="application/json", **headers
    )
    assert response.status_code < 500, response.content[:300]
    assert row_counts() == before


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width × height pixels: a decompression bomb's header."""
    im = Image.new("L", (1, 1))
    out = io.BytesIO()
    im.save(out, "PNG")
    data = bytearray(out.getvalue())
    data[16:24] = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    return bytes(data)


def bomb_png() -> bytes:
    """A real 20000 × 20000 black PNG: tiny on disk, 400 MP decoded."""
    im = Image.new("1", (20_000, 20_000))
    out = io.BytesIO()
    im.save(out, "PNG", optimize=True)
    return out.getvalue()


INVALID_IMAGE_BODIES = {
    "empty": lambda: b"",
    "truncated jpeg": lambda: room_jpeg()[:600],
    "jpeg header only": lambda: room_jpeg()[:2],
    "png header claiming 100k x 100k": lambda: png_header_only(100_000, 100_000),
    "decompression bomb png": bomb_png,
    "svg": lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>',
    "html": lambda: b"<!doctype html><script>alert(1)</script>",
    "pdf": lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
    "gif/js polyglot": lambda: b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(1)//;",
    "zip": lambda: b"PK\x03\x04" + b"\x00" * 100,
}


def upload_and_put(client, shop, data: bytes, content_type: str) -> str:
    upload = proxy(client, shop, "room/upload", {"content_type": content_type}).json()
    path = upload["upload_url"].split("see-it-now.test", 1)[1]
    client.put(path, data, upload["upload_headers"]["Content-Type"])
    return upload["room_session_id"]


@pytest.mark.parametrize("name", INVALID_IMAGE_BODIES)
@pytest.mark.parametrize("declared", ["image/jpeg", "image/png"])
def test_room_confirm_refuses_what_is_not_an_image(client, shop, name, declared):
    room_id = upload_and_put(client, shop, INVALID_IMAGE_BODIES[name](), declared)
    before = row_counts()

    response = proxy(client, shop, "room/confirm", {"room_session_id": room_id})

    assert response.status_code == 400, response.content
    assert response.json()["error"] in {"invalid_image", "room_not_uploaded"}
    assert row_counts() == before
    room = RoomSession.objects.get(pk=room_id)
    assert room.canonical_room_image_key is None


def test_jpeg_zip_polyglot_keeps_only_the_image(client, shop, media_root):
    payload = room_jpeg() + b"PK\x03\x04" + b"secret.txt" + b"\x00" * 64
    room_id = upload_and_put(client, shop, payload, "image/jpeg")

    response = proxy(client, shop, "room/confirm", {"room_session_id": room_id})

    assert response.status_code == 200, response.content
    room = RoomSession.objects.get(pk=room_id)
    canonical = (media_root / room.canonical_room_image_key).read_bytes()
    assert b"PK\x03\x04" not in canonical and b"secret.txt" not in canonical
    with Image.open(io.BytesIO(canonical)) as im:
        assert im.format == "JPEG"
