"""Quota and cost abuse (security review finding 3): a burst of renders from one
client or against one shop is refused however many room sessions it mints; select
is rate limited; one run pays for at most one upscale."""

from __future__ import annotations

import uuid

import pytest

from renders.models import RenderJob, RenderRun
from tests.fakes.shopify_proxy import sign_proxy_query
from tests.render.client import SECRET
from tests.render.scene import confirmed_room, live_asset

pytestmark = pytest.mark.django_db

UPSCALE_MODEL = "gemini-3-pro-image-preview"


def _address() -> str:
    """A client address of this test alone (rate-limit windows outlive a test)."""
    n = uuid.uuid4().int
    return f"198.51.{n % 250}.{n // 250 % 250}"


def _post(client, shop, route: str, body: dict, address: str):
    query = sign_proxy_query({"shop": shop.shop_domain}, SECRET)
    return client.post(
        f"/proxy/{route}?{query}",
        body,
        "application/json",
        HTTP_X_FORWARDED_FOR=f"{address}, 10.0.0.7",
    )


def _render(client, shop, asset, address: str):
    room, _ = confirmed_room(shop=shop)
    body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    return _post(client, shop, "see-it-now/render", {**body, "async": True}, address)


def test_one_client_minting_rooms_is_refused(client, shop, settings):
    settings.RENDER_CLIENT_RATE_LIMIT = 3
    asset, _ = live_asset(shop=shop)
    address = _address()

    codes = [_render(client, shop, asset, address).status_code for _ in range(4)]
    other = _render(client, shop, asset, _address())

    assert codes == [202, 202, 202, 429]
    assert _render(client, shop, asset, address).json() == {
        "error": "rate_limit_exceeded",
        "message": "Too many renders; try again in a minute.",
    }
    assert other.status_code == 202
    assert RenderRun.objects.count() == 4


def test_a_shop_burst_is_refused_across_clients(client, shop, settings):
    settings.RENDER_SHOP_BURST_LIMIT = 2
    asset, _ = live_asset(shop=shop)

    answers = [_render(client, shop, asset, _address()) for _ in range(3)]

    assert [a.status_code for a in answers] == [202, 202, 429]
    assert answers[-1].json()["message"] == "This shop is busy; try again in a minute."
    assert RenderRun.objects.count() == 2


def test_select_is_rate_limited_per_room(client, shop, settings):
    settings.SELECT_RATE_LIMIT = 2
    room, _ = confirmed_room(shop=shop)
    body = {
        "room_session_id": str(room.id),
        "product_id": "123",
        "selected_variant_id": "V01",
    }
    address = _address()

    codes = [
        _post(client, shop, "see-it-now/select", body, address).status_code
        for _ in range(3)
    ]

    # Nothing was rendered in that room: 404 until the limit, then 429.
    assert codes == [404, 404, 429]


@pytest.mark.django_db(transaction=True)
def test_one_run_pays_for_one_upscale(client, shop, fake_gemini, settings):
    settings.GEMINI_IMAGE_MODEL = "gemini-2.5-flash-image"
    settings.GEMINI_UPSCALE_MODEL = UPSCALE_MODEL
    settings.GEMINI_RETRY_ATTEMPTS = 1
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)
    address = _address()
    body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    assert _post(client, shop, "see-it-now/render", body, address).status_code == 200

    chosen = [
        _post(
            client,
            shop,
            "see-it-now/select",
            {**body, "selected_variant_id": variant, "upscale": True},
            address,
        ).json()
        for variant in ("V01", "V02", "V03")
    ]

    assert [c["upscaled"] for c in chosen] == [True, False, False]
    assert len(fake_gemini.generate_calls(UPSCALE_MODEL)) == 1
    assert RenderJob.objects.count() == 3
