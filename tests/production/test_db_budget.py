"""A fixed budget of PostgreSQL connections per process, and what a request that
cannot get one is told: JSON 503 with Retry-After, never an HTML 500."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.factories import make_shop
from tests.fakes.shopify_proxy import sign_proxy_query
from tests.render.client import SECRET
from tests.render.processes import app_env, app_server
from tests.render.scene import confirmed_room, live_asset

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _signed(base: str, shop, route: str) -> str:
    return (
        f"{base}/proxy/{route}?{sign_proxy_query({'shop': shop.shop_domain}, SECRET)}"
    )


def test_a_request_that_finds_the_pool_empty_gets_a_json_503(media_root, tmp_path):
    shop = make_shop()
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)
    # One connection per process; no q2 cluster runs, so a sync render holds that
    # connection while it waits (RENDER_SYNC_WAIT_S) for variants that never come.
    env = app_env(
        media_root=media_root,
        DB_POOL_MAX_SIZE="1",
        DB_POOL_TIMEOUT_S="0.5",
        RENDER_SYNC_WAIT_S="4",
    )
    render_body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    with app_server(env, tmp_path / "server.log") as base:
        holder = threading.Thread(
            target=httpx.post,
            args=(_signed(base, shop, "see-it-now/render"),),
            kwargs={"json": render_body, "timeout": 30},
        )
        holder.start()
        try:
            answers = []
            for _ in range(40):  # until the render holds the one connection
                response = httpx.post(
                    _signed(base, shop, "room/upload"), json={}, timeout=10
                )
                answers.append(response)
                if response.status_code == 503:
                    break
        finally:
            holder.join(timeout=30)
        after = httpx.post(_signed(base, shop, "room/upload"), json={}, timeout=10)

    refused = answers[-1]
    assert refused.status_code == 503, [r.status_code for r in answers]
    assert refused.headers["Retry-After"] == "5"
    assert refused.headers["Content-Type"] == "application/json"
    assert refused.json() == {
        "error": "service_unavailable",
        "message": "The service is busy; please try again in a moment.",
    }
    # Once the render let its connection go, the same request goes through.
    assert after.status_code == 200
