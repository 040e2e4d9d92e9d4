"""End-to-end render latency against a fake Gemini with a fixed per-call latency L.

Run: .venv/bin/python bench/bench_render.py [--latency 2] [--runs 5]
     [--database-url postgres://postgres@127.0.0.1:5432/seeitnow_bench]
     [--redis-url redis://127.0.0.1:6379/15]

Starts the real processes (gunicorn with production settings, or `runserver`;
`qcluster`, ORM broker unless --redis-url) on a scratch
database (a temporary SQLite file unless --database-url names one), a fake Gemini
in this process whose every image answer takes L seconds, and sends signed App Proxy
requests. Reports medians of:
- sync render total / L (target <= 1.15: the eight calls run in parallel);
- time to the first variant through async render + the widget's long poll / L
  (target <= 1.10);
- the app's own overhead per render: sync total - L (target <= 150 ms).
One warm-up render of each kind is excluded.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SECRET = "bench-secret"
ENCRYPTION_KEY = "kV7aHcfZrWJSZbqJrw9H0l9iNUTMuV0h6nq0ZVRb4pk="


# What the production settings (DEBUG off) need besides `configure`'s: local
# storage instead of GCS (its production check silenced), no HTTPS on loopback.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "k" * 60,
    "ALLOWED_HOSTS": "127.0.0.1,app.bench.test",
    "SHOPIFY_APP_URL": "https://app.bench.test",
    "SILENCED_SYSTEM_CHECKS": "seeitnow.E007",
    "SECURE_SSL_REDIRECT": "false",
    "DEV_ADMIN_LOGIN": "false",
}


def configure(database_url: str, media_root: Path) -> dict[str, str]:
    """Environment shared by this process and the processes it starts."""
    env = {
        "DJANGO_SETTINGS_MODULE": "seeitnow.settings",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "SHOPIFY_API_KEY": "bench-key",
        "SHOPIFY_API_SECRET": SECRET,
        "SHOPIFY_APP_URL": "http://127.0.0.1",
        "FIELD_ENCRYPTION_KEYS": ENCRYPTION_KEY,
        "SEE_IT_NOW_ALLOWED_SHOPS": "*",
        # Every render here comes from 127.0.0.1 for one shop.
        "RENDER_CLIENT_RATE_LIMIT": "1000",
        "RENDER_SHOP_BURST_LIMIT": "1000",
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        "GEMINI_RETRY_ATTEMPTS": "1",
        "Q_WORKERS": "1",
    }
    os.environ.update(env)
    return dict(os.environ)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--redis-url", default="", help="cache and q2 broker on Redis, not the DB"
    )
    parser.add_argument(
        "--server",
        choices=["gunicorn", "runserver"],
        default="gunicorn",
        help="the production server (DEBUG off) or Django's development server",
    )
    args = parser.parse_args()
    latency = args.latency

    tmp = Path(tempfile.mkdtemp(prefix="bench-render-"))
    media = tmp / "media"
    media.mkdir()
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"

    from tests.fakes.gemini import FakeGemini, image_reply

    fake = FakeGemini().start()
    total_calls = (args.runs + 1) * 2 * 8
    fake.queue("*", *[image_reply(delay_s=latency)] * total_calls)
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    env = configure(database_url, media)
    env.update(GEMINI_API_KEY=fake.api_key, GEMINI_BASE_URL=fake.url)
    os.environ.update(GEMINI_API_KEY=fake.api_key, GEMINI_BASE_URL=fake.url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from tests.factories import make_shop
    from tests.fakes.shopify_proxy import sign_proxy_query
    from tests.render.processes import (
        app_server,
        gunicorn_server,
        start_cluster,
        stop,
    )
    from tests.render.scene import confirmed_room, live_asset

    shop = make_shop(
        shop_domain=f"bench-{int(time.time())}.myshopify.com",
        daily_quota=1000,
        monthly_quota=100000,
    )
    asset, _ = live_asset(shop=shop)

    def url(base: str, route: str, **params) -> str:
        signed = {"shop": shop.shop_domain, **{k: str(v) for k, v in params.items()}}
        query = sign_proxy_query(signed, SECRET)
        return f"{base}/proxy/{route}?{query}"

    def body(*, is_async: bool = False) -> dict:
        room, _ = confirmed_room(shop=shop)
        return {
            "room_session_id": str(room.id),
            "product_id": asset.product_id,
            "async": is_async,
        }

    sync_s: list[float] = []
    sync_runs: list[str] = []
    sync_sent: list[float] = []
    first_s: list[float] = []
    async_total_s: list[float] = []
    if args.server == "gunicorn":
        # The worker signs and reads its tasks with the same SECRET_KEY.
        env.update(PRODUCTION)
        server = gunicorn_server(env, tmp / "server.log")
    else:
        server = app_server(env, tmp / "server.log")
    # One client for the whole run, as a browser keeps its connection: building
    # an httpx client (its TLS context) costs ~37 ms, which a per-request
    # httpx.post would have counted as the app's.
    with server as base, httpx.Client() as http:
        cluster = start_cluster(env, tmp / "cluster.log")
        try:
            time.sleep(2)
            for n in range(args.runs + 1):
                sent = time.time()
                started = time.perf_counter()
                response = http.post(
                    url(base, "see-it-now/render"), json=body(), timeout=120
                )
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.text
                assert len(response.json()["variants"]) == 8
                if n:
                    sync_s.append(elapsed)
                    sync_runs.append(response.json()["run_id"])
                    sync_sent.append(sent)

            for n in range(args.runs + 1):
                started = time.perf_counter()
                response = http.post(
                    url(base, "see-it-now/render"), json=body(is_async=True), timeout=30
                )
                assert response.status_code == 202, response.text
                poll = response.json()["poll_url"].removeprefix("/apps/see-it/")
                first = None
                seen = 0
                # The widget's long poll: each answer comes as soon as a variant
                # beyond `after` exists (or after `wait` seconds).
                while True:
                    state = http.get(
                        url(base, poll, after=seen, wait=8), timeout=30
                    ).json()
                    seen = len(state["variants"])
                    if seen and first is None:
                        first = time.perf_counter() - started
                    if state["status"] in ("complete", "partial", "failed"):
                        break
                    assert time.perf_counter() - started < 60, "the async run hung"
                if n:
                    first_s.append(first)
                    async_total_s.append(time.perf_counter() - started)
        finally:
            stop(cluster)
    fake.stop()
    report(
        latency,
        sync_s,
        first_s,
        async_total_s,
        database_url,
        args.redis_url,
        args.server,
    )
    breakdown(latency, sync_s, sync_runs, sync_sent)


def breakdown(
    latency: float, sync_s: list[float], run_ids: list[str], sent: list[float]
) -> None:
    """Where a sync render's overhead goes, from the rows the run wrote and the
    wall clock the bench sent each request at (one machine, one clock)."""
    from renders.models import RenderRun

    request, pickup, calls, closing, answer = [], [], [], [], []
    for total, run_id, at in zip(sync_s, run_ids, sent, strict=True):
        run = RenderRun.objects.get(pk=run_id)
        variants = list(run.variant_results.all())
        created = run.created_at.timestamp()
        started = min(v.created_at.timestamp() - v.latency_ms / 1000 for v in variants)
        last = max(v.created_at.timestamp() for v in variants)
        closed = created + run.total_duration_ms / 1000
        request.append(created - at)
        pickup.append(started - created)
        calls.append(last - started - latency)
        closing.append(closed - last)
        answer.append(at + total - closed)
    print("| overhead part (sync) | median ms | min | max |")
    print("|---|---:|---:|---:|")
    for name, values in (
        ("request → run created (proxy check, limits, image checks, quota)", request),
        ("run created → first call starts (commit, queue pickup, inputs)", pickup),
        ("calls beyond L, to the last variant recorded", calls),
        ("last variant recorded → run closed", closing),
        ("run closed → answer received (wait loop, response)", answer),
    ):
        print(
            f"| {name} | {statistics.median(values) * 1000:.0f} | "
            f"{min(values) * 1000:.0f} | {max(values) * 1000:.0f} |"
        )


def report(
    latency, sync_s, first_s, async_total_s, database_url, redis, server
) -> None:
    def row(name: str, values: list[float], target: str) -> str:
        med = statistics.median(values)
        return (
            f"| {name} | {med * 1000:.0f} | {min(values) * 1000:.0f} | "
            f"{max(values) * 1000:.0f} | {med / latency:.3f} | {target} |"
        )

    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    engine += ", Redis broker and cache" if redis else ", ORM broker, DB cache"
    engine += f", {server}"
    print(
        f"L = {latency:g} s, {len(sync_s)} runs each, {engine}, "
        f"Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}"
    )
    print("| measure | median ms | min | max | median / L | target |")
    print("|---|---:|---:|---:|---:|---:|")
    print(row("sync render total", sync_s, "<= 1.15"))
    print(row("async: first variant via long poll", first_s, "<= 1.10"))
    print(row("async: run complete via long poll", async_total_s, "-"))
    overhead = [s - latency for s in sync_s]
    print(
        f"| app overhead per sync render (total - L) | "
        f"{statistics.median(overhead) * 1000:.0f} | {min(overhead) * 1000:.0f} | "
        f"{max(overhead) * 1000:.0f} | - | - |"
    )


if __name__ == "__main__":
    main()
