"""Concurrency and crash cases on PostgreSQL, with real server and worker processes."""

from __future__ import annotations

import json
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
import redis
from django.db import connection
from django.utils import timezone
from django_q.models import OrmQ

from renders.inputs import select_parse
from renders.models import RenderJob, RenderRun
from renders.services.closing import ABANDONED_MESSAGE, render_runs_sweep
from renders.services.selection import render_select
from renders.tasks import render_run_stale_after_s
from seeitnow import storage
from shops.models import UsageDaily
from shops.quota import rate_limit_allow
from tests.factories import make_run, make_shop, make_variant
from tests.fakes.gemini import FakeGemini, image_reply
from tests.render.client import proxy_url
from tests.render.processes import app_env, app_server, start_cluster, stop, wait_for
from tests.render.scene import confirmed_room, live_asset

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def usage(shop) -> int:
    return sum(
        UsageDaily.objects.filter(shop=shop).values_list("composite_renders", flat=True)
    )


def post_render(base: str, shop, body: dict) -> httpx.Response:
    return httpx.post(proxy_url(base, shop, "see-it-now/render"), json=body, timeout=90)


def test_thirty_parallel_renders_for_ten_left(live_server):
    shop = make_shop(daily_quota=10, monthly_quota=300)
    asset, _ = live_asset(shop=shop)
    rooms = [confirmed_room(shop=shop)[0] for _ in range(30)]
    bodies = [
        {"room_session_id": str(r.id), "product_id": asset.product_id} for r in rooms
    ]

    with ThreadPoolExecutor(max_workers=30) as pool:
        responses = list(
            pool.map(lambda b: post_render(live_server.url, shop, b), bodies)
        )

    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 10 + [402] * 20
    assert {r.json()["error"] for r in responses if r.status_code == 402} == {
        "quota_exceeded"
    }
    assert usage(shop) == 10
    assert RenderRun.objects.filter(shop=shop).count() == 10
    assert set(RenderRun.objects.values_list("status", flat=True)) == {"complete"}


@pytest.fixture(params=["database", "redis"])
def shared_cache(request):
    """Extra environment for the servers' shared cache: the default database
    table, or a local Redis (skipped when none answers on 127.0.0.1:6379)."""
    if request.param == "database":
        yield {}
        return
    url = "redis://127.0.0.1:6379/14"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    yield {"REDIS_URL": url}
    client.flushdb()


def test_rate_limit_holds_across_two_server_processes(
    media_root, tmp_path, shared_cache
):
    shop = make_shop(daily_quota=100, monthly_quota=300)
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)
    body = {
        "room_session_id": str(room.id),
        "product_id": asset.product_id,
        "async": True,
    }
    env = app_env(media_root=media_root, **shared_cache)
    with (
        app_server(env, tmp_path / "a.log") as first,
        app_server(env, tmp_path / "b.log") as second,
    ):
        codes = [
            post_render((first, second)[n % 2], shop, body).status_code
            for n in range(12)
        ]
    assert codes == [202] * 10 + [429] * 2
    assert RenderRun.objects.count() == 10


@pytest.fixture
def slow_gemini():
    fake = FakeGemini().start()
    fake.queue("*", *[image_reply(delay_s=30)] * 8)
    yield fake
    fake.stop()


@pytest.mark.parametrize("recovery", ["next_worker", "sweeper"])
def test_worker_killed_mid_run(media_root, tmp_path, slow_gemini, recovery):
    shop = make_shop(daily_quota=10, monthly_quota=300)
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)
    env = app_env(
        media_root=media_root,
        GEMINI_API_KEY=slow_gemini.api_key,
        GEMINI_BASE_URL=slow_gemini.url,
        GEMINI_RETRY_ATTEMPTS="1",
    )
    body = {
        "room_session_id": str(room.id),
        "product_id": asset.product_id,
        "async": True,
    }
    with app_server(env, tmp_path / "server.log") as base:
        cluster = start_cluster(env, tmp_path / "cluster-1.log")
        try:
            response = post_render(base, shop, body)
            assert response.status_code == 202, response.text
            run_id = response.json()["run_id"]
            wait_for(
                lambda: len(slow_gemini.generate_calls()) == 8,
                timeout=60,
                what="the worker's eight Gemini calls",
            )
        finally:
            stop(cluster, signal.SIGKILL)

    run = RenderRun.objects.get(pk=run_id)
    assert (run.total_duration_ms, run.variant_results.count()) == (None, 0)
    assert usage(shop) == 1

    if recovery == "sweeper":
        stale = render_run_stale_after_s()
        later = timezone.now() + timedelta(seconds=stale + 1)
        assert render_runs_sweep(now=later, stale_after_s=stale) == 1
        run.refresh_from_db()
        assert run.status == "failed"
        assert set(run.variant_results.values_list("status", "error_message")) == {
            ("failed", ABANDONED_MESSAGE)
        }
        assert usage(shop) == 0

    # The broker hands the unacknowledged task to the next worker once its lock
    # is older than `retry`; age the lock instead of waiting for it.
    assert OrmQ.objects.count() == 1
    OrmQ.objects.update(lock=timezone.now() - timedelta(days=1))
    cluster = start_cluster(env, tmp_path / "cluster-2.log")
    try:
        wait_for(lambda: OrmQ.objects.count() == 0, timeout=90, what="redelivery")
        wait_for(
            lambda: RenderRun.objects.get(pk=run_id).total_duration_ms is not None,
            timeout=30,
            what="the run to close",
        )
    finally:
        stop(cluster)
    run.refresh_from_db()
    if recovery == "sweeper":
        # Closed stays closed: the late worker renders nothing and charges nothing.
        assert (run.status, len(slow_gemini.generate_calls()), usage(shop)) == (
            "failed",
            8,
            0,
        )
    else:
        assert run.status == "complete"
        assert set(run.variant_results.values_list("status", flat=True)) == {"success"}
        assert (len(slow_gemini.generate_calls()), usage(shop)) == (16, 1)


def test_two_simultaneous_selections_upscale_once(gemini):
    shop = make_shop(daily_quota=10, monthly_quota=300)
    asset, _ = live_asset(shop=shop)
    room, jpg = confirmed_room(shop=shop)
    run = make_run(asset=asset, room=room, status="partial", total_duration_ms=900)
    make_variant(run=run, variant_id="V02")
    storage.save(f"see-it-now/{run.id}/V02.jpg", jpg, content_type="image/jpeg")
    # A slow first upscale keeps the first request busy while the second arrives.
    gemini.queue("gemini-3-pro-image-preview", image_reply(delay_s=1.0))
    body = {
        "room_session_id": str(room.id),
        "product_id": asset.product_id,
        "selected_variant_id": "V02",
        "upscale": True,
    }
    barrier = threading.Barrier(2)

    def select(_: int) -> tuple[str, str, bool]:
        try:
            barrier.wait(timeout=5)
            chosen = render_select(shop=shop, choice=select_parse(body))
            return str(chosen.job.id), chosen.final_key, chosen.upscaled
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(select, range(2)))

    job = RenderJob.objects.get()
    final_key = f"see-it-now/{run.id}/final-V02.jpg"
    assert answers == [(str(job.id), final_key, True)] * 2
    assert (job.image_key, json.loads(job.config_json)) == (
        final_key,
        {"run_id": str(run.id), "upscaled": True, "session_id": ""},
    )
    assert len(gemini.generate_calls("gemini-3-pro-image-preview")) == 1


def test_rate_limit_admits_exactly_its_limit_under_concurrent_hits():
    """Twenty threads, each on its own PostgreSQL connection, hit a limit of 7 in
    one window: exactly seven get through (slots are claimed by unique inserts)."""
    barrier = threading.Barrier(20)

    def hit(_: int) -> bool:
        barrier.wait()
        try:
            return rate_limit_allow(key="burst", limit=7, window_s=3600)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(hit, range(20)))
    assert results.count(True) == 7
