"""Load: 200 concurrent storefront sessions against gunicorn + a q2 cluster.

Every session uploads, PUTs and confirms a room photo; the first RENDERS of them
also render (async, local AI provider), long-poll and select. Two cores are shared
with other work, so only a fifth of the sessions render: 200 renders of eight
images each would take the suite's whole budget (docs/RELIABILITY.md).
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.conf import settings

from renders.models import RenderJob, RenderRun, RoomSession
from tests.factories import make_shop
from tests.fakes.shopify_proxy import sign_proxy_query
from tests.reliability.conftest import ALL_EIGHT, duplicated, usage, variant_ledger
from tests.reliability.servers import gunicorn_server
from tests.render.client import SECRET
from tests.render.processes import app_env, start_cluster, stop
from tests.render.scene import live_asset, room_jpeg

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SESSIONS = 200
RENDERS = 40
# Whole-test bound: a run stuck anywhere fails the test instead of hanging CI.
DEADLINE_S = 240
FINAL = {"complete", "partial", "failed"}


class Shopper:
    """One storefront session, through the App Proxy's signed query."""

    def __init__(self, http: httpx.Client, base: str, shop_domain: str) -> None:
        self.http, self.base, self.shop = http, base, shop_domain
        self.codes: list[tuple[str, int]] = []

    def _url(self, route: str, **query) -> str:
        signed = sign_proxy_query({"shop": self.shop, **query}, SECRET)
        return f"{self.base}/proxy/{route}?{signed}"

    def _check(self, step: str, response: httpx.Response, expected: int) -> dict:
        self.codes.append((step, response.status_code))
        assert response.status_code == expected, (step, response.text)
        return response.json() if step != "put" else {}

    def post(self, step: str, route: str, body: dict, expected: int = 200) -> dict:
        response = self.http.post(self._url(route), json=body)
        return self._check(step, response, expected)

    def visit(self, *, product_id: str, photo: bytes, render: bool) -> str | None:
        upload = self.post("upload", "room/upload", {"content_type": "image/jpeg"})
        room_id = upload["room_session_id"]
        put_url = upload["upload_url"].replace(settings.SHOPIFY_APP_URL, self.base)
        put = self.http.put(put_url, content=photo, headers=upload["upload_headers"])
        self._check("put", put, 200)
        self.post("confirm", "room/confirm", {"room_session_id": room_id})
        if not render:
            return None
        started = self.post(
            "render",
            "see-it-now/render",
            {"room_session_id": room_id, "product_id": product_id, "async": True},
            expected=202,
        )
        run_id, seen, status = started["run_id"], 0, "pending"
        deadline = time.monotonic() + DEADLINE_S
        while status not in FINAL:
            assert time.monotonic() < deadline, f"run {run_id} stuck in {status}"
            poll = self.http.get(
                self._url(f"see-it-now/render/{run_id}", after=seen, wait=5)
            )
            answer = self._check("poll", poll, 200)
            status, seen = answer["status"], len(answer["variants"])
        chosen = self.post(
            "select",
            "see-it-now/select",
            {
                "room_session_id": room_id,
                "product_id": product_id,
                "selected_variant_id": answer["variants"][0]["id"],
            },
        )
        assert chosen["success"] is True
        return status


def test_two_hundred_concurrent_sessions(media_root, tmp_path):
    shop = make_shop(daily_quota=1000, monthly_quota=1000)
    asset, _ = live_asset(shop=shop)
    photo = room_jpeg()
    env = {**app_env(media_root=media_root), "Q_WORKERS": "2"}
    started = time.monotonic()
    with gunicorn_server(env, tmp_path / "web.log", workers=2) as base:
        cluster = start_cluster(env, tmp_path / "cluster.log")
        # Idle connections expire before gunicorn's 5 s keep-alive closes them,
        # as a browser's do: otherwise a request may go out on a socket the
        # server is closing at that moment ("Server disconnected").
        limits = httpx.Limits(max_connections=SESSIONS, keepalive_expiry=2.0)
        try:
            with (
                httpx.Client(timeout=DEADLINE_S, limits=limits) as http,
                ThreadPoolExecutor(max_workers=SESSIONS) as pool,
            ):
                shoppers = [
                    Shopper(http, base, shop.shop_domain) for _ in range(SESSIONS)
                ]
                futures = [
                    pool.submit(
                        shopper.visit,
                        product_id=asset.product_id,
                        photo=photo,
                        render=n < RENDERS,
                    )
                    for n, shopper in enumerate(shoppers)
                ]
                outcomes = Counter(future.result() for future in futures)
        finally:
            stop(cluster)
    elapsed = time.monotonic() - started

    codes = Counter(code for s in shoppers for _, code in s.codes)
    steps = Counter(step for s in shoppers for step, _ in s.codes)
    print(f"load: {sum(codes.values())} requests {dict(steps)} in {elapsed:.1f}s")
    assert [code for code in codes if code >= 500] == []
    assert outcomes == {None: SESSIONS - RENDERS, "complete": RENDERS}
    assert (
        RoomSession.objects.filter(shop=shop, canonical_room_image_key__gt="").count()
        == SESSIONS
    )
    ledger = variant_ledger(shop)
    assert duplicated(ledger) == {}
    assert list(ledger.values()) == [ALL_EIGHT] * RENDERS
    assert set(RenderRun.objects.values_list("status", flat=True)) == {"complete"}
    assert usage(shop) == RENDERS
    assert RenderJob.objects.filter(shop=shop).count() == RENDERS
    assert elapsed < DEADLINE_S
