"""The App Proxy emulator: `/preview/apps/see-it/<path>` reaches the real proxy
views with a query signed as Shopify signs it, verified by the real decorator."""

from __future__ import annotations

import io
import json
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from PIL import Image

from demo.preview.signing import sign_proxy_params
from renders.models import RenderJob, RoomSession
from renders.services import rooms as render_rooms
from tests.fakes.shopify_proxy import proxy_signature as shopify_signature
from tests.render.scene import live_asset

pytestmark = pytest.mark.django_db

BASE = "/preview/apps/see-it/"


def post(client, route: str, body: dict | None = None, query: str = ""):
    url = BASE + route + (f"?{query}" if query else "")
    return client.post(url, json.dumps(body or {}), "application/json")


def jpeg(size=(1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (180, 170, 160)).save(out, "JPEG")
    return out.getvalue()


def upload_room(client) -> dict:
    """room/upload → PUT → room/confirm, all as the browser does it."""
    upload = post(client, "room/upload", {"content_type": "image/jpeg"}).json()
    put = client.put(
        urlsplit(upload["upload_url"]).path,
        jpeg(),
        upload["upload_headers"]["Content-Type"],
    )
    assert put.status_code == 200
    confirm = post(
        client, "room/confirm", {"room_session_id": upload["room_session_id"]}
    )
    assert confirm.status_code == 200
    return confirm.json()


def test_signing_matches_shopifys_wire_format():
    pairs = sign_proxy_params(
        shop="demo-shop.myshopify.com",
        pairs=[("b", "2"), ("a", "1"), ("a", "3"), ("signature", "x"), ("shop", "y")],
        secret="s3cret",
        now=1_700_000_000,
    )
    assert pairs[:-1] == [
        ("b", "2"),
        ("a", "1"),
        ("a", "3"),
        ("shop", "demo-shop.myshopify.com"),
        ("logged_in_customer_id", ""),
        ("path_prefix", "/apps/see-it"),
        ("timestamp", "1700000000"),
    ]
    assert pairs[-1] == ("signature", shopify_signature(pairs[:-1], "s3cret"))


def test_a_forwarded_room_upload_answers_the_proxy_json(client, demo_shop):
    response = post(client, "room/upload", {"content_type": "image/png"})
    assert response.status_code == 200
    body = response.json()
    room = RoomSession.objects.get()
    assert room.shop == demo_shop
    assert set(body) == {
        "room_session_id",
        "upload_url",
        "upload_headers",
        "room_image_future_url",
        "content_type",
        "max_file_size_bytes",
        "max_file_size_mb",
    }
    assert body["room_session_id"] == str(room.id)
    assert body["content_type"] == "image/png"
    assert body["upload_headers"] == {"Content-Type": "image/png"}
    assert (body["max_file_size_bytes"], body["max_file_size_mb"]) == (10485760, 10)
    assert response["Cache-Control"] == "no-store"
    assert response["Access-Control-Allow-Origin"] == f"https://{demo_shop.shop_domain}"


def test_the_proxys_errors_come_back_as_they_are(client, demo_shop):
    response = post(client, "room/upload", {"content_type": "image/gif"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_content_type"
    response = post(client, "room/confirm", {"room_session_id": str(uuid.uuid4())})
    assert response.status_code == 404
    assert response.json() == {
        "error": "room_not_found",
        "message": response.json()["message"],
    }


def test_the_shoppers_own_shopify_parameters_are_replaced(
    client, demo_shop, other_shop
):
    query = urlencode(
        {"shop": other_shop.shop_domain, "signature": "0" * 64, "timestamp": "1"}
    )
    response = post(client, "room/upload", query=query)
    assert response.status_code == 200
    assert RoomSession.objects.get().shop == demo_shop


def test_the_whole_room_flow_through_the_emulator(client, demo_shop):
    confirmed = upload_room(client)
    assert confirmed["ok"] is True
    assert (confirmed["canonical_width"], confirmed["canonical_height"]) == (1200, 900)
    assert confirmed["ratio_label"] == "4:3"


def test_render_poll_and_select_through_the_emulator(
    client, demo_shop, django_capture_on_commit_callbacks
):
    live_asset(shop=demo_shop, product_id="8000000001")
    room = upload_room(client)
    # The queued render runs inline (q2 `sync`) once the request's work commits.
    with django_capture_on_commit_callbacks(execute=True):
        started = post(
            client,
            "see-it-now/render",
            {
                "room_session_id": room["room_session_id"],
                "product_id": "8000000001",
                "async": True,
            },
        )
    assert started.status_code == 202
    run_id = started.json()["run_id"]
    assert started.json() == {
        "run_id": run_id,
        "status": "pending",
        "poll_url": f"/apps/see-it/see-it-now/render/{run_id}",
    }
    polled = client.get(f"{BASE}see-it-now/render/{run_id}")
    assert polled.status_code == 200
    run = polled.json()
    assert run["status"] == "complete"
    assert [v["id"] for v in run["variants"]] == [f"V0{n}" for n in range(1, 9)]
    chosen = post(
        client,
        "see-it-now/select",
        {
            "room_session_id": room["room_session_id"],
            "product_id": "8000000001",
            "selected_variant_id": "V03",
        },
    )
    assert chosen.status_code == 200
    assert chosen.json()["selected_variant"] == "V03"
    assert RenderJob.objects.get().variant_id == "V03"


def test_an_unknown_route_is_a_json_404(client, demo_shop):
    response = post(client, "nowhere")
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "message": "Unknown storefront route.",
    }


def test_a_tampered_direct_call_to_the_proxy_still_fails(client, demo_shop, settings):
    signed = sign_proxy_params(
        shop=demo_shop.shop_domain, pairs=[], secret=settings.SHOPIFY_API_SECRET
    )
    genuine = client.post(
        f"/proxy/room/upload?{urlencode(signed)}", {}, "application/json"
    )
    assert genuine.status_code == 200
    tampered = [
        (k, "other-shop.myshopify.com" if k == "shop" else v) for k, v in signed
    ]
    for query in (urlencode(tampered), urlencode(signed[:-1]), ""):
        response = client.post(f"/proxy/room/upload?{query}", {}, "application/json")
        assert response.status_code == 403
        assert response.json() == {
            "error": "forbidden",
            "message": "Request signature is invalid or expired.",
        }
    assert RoomSession.objects.count() == 1


def test_a_stale_emulated_signature_is_refused(client, demo_shop, settings):
    signed = sign_proxy_params(
        shop=demo_shop.shop_domain,
        pairs=[],
        secret=settings.SHOPIFY_API_SECRET,
        now=1_000_000_000,
    )
    response = client.post(
        f"/proxy/room/upload?{urlencode(signed)}", {}, "application/json"
    )
    assert response.status_code == 403
    assert dict(parse_qsl(urlencode(signed)))["timestamp"] == "1000000000"


def test_without_credentials_the_emulator_says_what_is_missing(
    client, demo_shop, settings
):
    settings.SHOPIFY_API_SECRET = ""
    response = post(client, "room/upload")
    assert response.status_code == 503
    assert response.json()["error"] == "proxy_not_configured"


def test_a_server_error_becomes_html_as_shopify_makes_it(
    client, demo_shop, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("storage is down")

    monkeypatch.setattr(render_rooms, "room_session_create", broken)
    response = post(client, "room/upload")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"storage is down" not in response.content
