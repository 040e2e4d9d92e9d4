"""A fixed budget of PostgreSQL connections per process, and what a request that
cannot get one is told: JSON 503 with Retry-After, never an HTML 500."""

from __future__ import annotations

import threading

import httpx
import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import make_shop, make_usage
from tests.render.client import proxy_url
from tests.render.processes import app_env, app_server
from tests.render.scene import confirmed_room, live_asset

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_request_that_finds_the_pool_empty_gets_a_json_503(media_root, tmp_path):
    shop = make_shop()
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)
    usage = make_usage(shop=shop, date=timezone.localdate())
    # One connection per process. A slow statement holds it: another connection
    # (this test's own) locks today's usage row, so the render's quota reservation
    # waits on that lock inside its transaction, with the pool's one connection.
    env = app_env(media_root=media_root, DB_POOL_MAX_SIZE="1", DB_POOL_TIMEOUT_S="0.5")
    render_body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    lock = psycopg.connect(**_conninfo())
    with app_server(env, tmp_path / "server.log") as base:
        lock.execute("SELECT id FROM usage_daily WHERE id = %s FOR UPDATE", [usage.pk])
        holder = threading.Thread(
            target=httpx.post,
            args=(proxy_url(base, shop, "see-it-now/render"),),
            kwargs={"json": {**render_body, "async": True}, "timeout": 30},
        )
        holder.start()
        try:
            answers = []
            for _ in range(40):  # until the render holds the one connection
                response = httpx.post(
                    proxy_url(base, shop, "room/upload"), json={}, timeout=10
                )
                answers.append(response)
                if response.status_code == 503:
                    break
        finally:
            lock.rollback()  # the reservation goes on, the render answers
            lock.close()
            holder.join(timeout=30)
        after = httpx.post(proxy_url(base, shop, "room/upload"), json={}, timeout=10)

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


def _conninfo() -> dict:
    db = connection.settings_dict
    return {
        "host": db["HOST"],
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": db["NAME"],
    }


def test_a_long_poll_does_not_hold_a_pooled_connection(media_root, tmp_path):
    shop = make_shop()
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)
    # One connection per process and no q2 cluster: the run never gets a variant,
    # so the poll waits its whole 4 s while other requests come and go.
    env = app_env(media_root=media_root, DB_POOL_MAX_SIZE="1", DB_POOL_TIMEOUT_S="1")
    with app_server(env, tmp_path / "server.log") as base:
        started = httpx.post(
            proxy_url(base, shop, "see-it-now/render"),
            json={
                "room_session_id": str(room.id),
                "product_id": asset.product_id,
                "async": True,
            },
            timeout=10,
        )
        assert started.status_code == 202, started.text
        run_id = started.json()["run_id"]
        poll = threading.Thread(
            target=httpx.get,
            args=(
                proxy_url(
                    base, shop, f"see-it-now/render/{run_id}", after="0", wait="4"
                ),
            ),
            kwargs={"timeout": 30},
        )
        poll.start()
        try:
            others = [
                httpx.post(proxy_url(base, shop, "room/upload"), json={}, timeout=10)
                for _ in range(6)
            ]
        finally:
            poll.join(timeout=30)

    assert [r.status_code for r in others] == [200] * 6
