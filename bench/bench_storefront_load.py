"""50 concurrent shoppers against the production server: latency per route.

Run: .venv/bin/python bench/bench_storefront_load.py --database-url postgres://…/db
     [--shoppers 50] [--web-workers 2] [--web-threads 8] [--q-workers 2]
     [--db-pool 0]

Starts gunicorn (gunicorn.conf.py, gthread) with production settings (DEBUG off;
local storage, so the production check's seeitnow.E007 is silenced) and a q2
cluster on a scratch PostgreSQL database, local AI provider. Every shopper, all at
once from its own thread: room/upload → PUT the photo → room/confirm → async
render → long poll until the run ends → select. Bounded: one session per shopper,
10 minutes at most. Reports p50/p95/p99 per route, errors, runs complete, and the
most PostgreSQL connections the app held at once.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import parse_with_database, work_folder  # noqa: E402

SECRET = "bench-secret"
ENCRYPTION_KEY = "kV7aHcfZrWJSZbqJrw9H0l9iNUTMuV0h6nq0ZVRb4pk="
PORT = 8791


def room_photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1200), (205, 198, 186))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 900, 1600, 1200), fill=(140, 110, 80))
    draw.rectangle((200, 500, 700, 900), fill=(90, 90, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=50)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=8)
    parser.add_argument("--q-workers", type=int, default=2)
    parser.add_argument("--db-pool", type=int, default=0)
    args = parse_with_database(parser)
    tmp = work_folder("bench-load-")
    base = f"http://127.0.0.1:{PORT}"
    env = {
        "DJANGO_SETTINGS_MODULE": "seeitnow.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,app.bench.test",
        "SHOPIFY_API_KEY": "bench-key",
        "SHOPIFY_API_SECRET": SECRET,
        "SHOPIFY_APP_URL": "https://app.bench.test",
        "FIELD_ENCRYPTION_KEYS": ENCRYPTION_KEY,
        "DATABASE_URL": args.database_url,
        "DB_POOL_MAX_SIZE": str(args.db_pool),
        "MEDIA_ROOT": str(tmp / "media"),
        "SILENCED_SYSTEM_CHECKS": "seeitnow.E007",
        "SECURE_SSL_REDIRECT": "false",
        "SEE_IT_NOW_ALLOWED_SHOPS": "*",
        # Every shopper here is 127.0.0.1 of one shop: lift the abuse limits.
        "RENDER_CLIENT_RATE_LIMIT": "1000",
        "RENDER_SHOP_BURST_LIMIT": "1000",
        "DEV_ADMIN_LOGIN": "false",
        "LOG_LEVEL": "WARNING",
        "Q_WORKERS": str(args.q_workers),
        "PORT": str(PORT),
        "WEB_CONCURRENCY": str(args.web_workers),
        "WEB_THREADS": str(args.web_threads),
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)

    from renders.models import RenderRun, VariantResult
    from shops.models import UsageDaily
    from tests.factories import make_shop
    from tests.fakes.shopify_proxy import sign_proxy_query
    from tests.render.processes import _start, stop
    from tests.render.scene import live_asset

    shop = make_shop(daily_quota=10_000, monthly_quota=100_000)
    asset, _ = live_asset(shop=shop)
    photo = room_photo()
    db_name = connection.settings_dict["NAME"]
    connection.close()

    def url(route: str, **params) -> str:
        signed = {"shop": shop.shop_domain, **{k: str(v) for k, v in params.items()}}
        return f"{base}/proxy/{route}?{sign_proxy_query(signed, SECRET)}"

    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()

    def timed(client: httpx.Client, name: str, method: str, target: str, **kw):
        started = time.perf_counter()
        response = client.request(method, target, timeout=60, **kw)
        elapsed = time.perf_counter() - started
        with lock:
            timings[name].append(elapsed)
            if response.status_code >= 400:
                errors.append(f"{name} {response.status_code} {response.text[:120]}")
        return response

    def shopper(barrier: threading.Barrier) -> None:
        with httpx.Client() as client:
            barrier.wait()
            try:
                up = timed(client, "room/upload", "POST", url("room/upload"), json={})
                upload = up.json()
                put_url = urlsplit(upload["upload_url"])
                timed(
                    client,
                    "PUT (storage)",
                    "PUT",
                    f"{base}{put_url.path}?{put_url.query}",
                    content=photo,
                    headers=upload["upload_headers"],
                )
                room = upload["room_session_id"]
                timed(
                    client,
                    "room/confirm",
                    "POST",
                    url("room/confirm"),
                    json={"room_session_id": room},
                )
                run = timed(
                    client,
                    "render (async start)",
                    "POST",
                    url("see-it-now/render"),
                    json={
                        "room_session_id": room,
                        "product_id": asset.product_id,
                        "async": True,
                    },
                ).json()
                seen, deadline = 0, time.monotonic() + 300
                while time.monotonic() < deadline:
                    state = timed(
                        client,
                        "poll (long, wait=8)",
                        "GET",
                        url(f"see-it-now/render/{run['run_id']}", after=seen, wait=8),
                    ).json()
                    seen = len(state["variants"])
                    if state["status"] in ("complete", "partial", "failed"):
                        break
                timed(
                    client,
                    "select",
                    "POST",
                    url("see-it-now/select"),
                    json={
                        "room_session_id": room,
                        "product_id": asset.product_id,
                        "selected_variant_id": "V01",
                    },
                )
            except Exception as exc:  # counted, and the run goes on
                with lock:
                    errors.append(f"exception {type(exc).__name__}: {exc}")

    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "seeitnow.wsgi", "-c", "gunicorn.conf.py"],
        cwd=REPO,
        env=dict(os.environ),
        stdout=(tmp / "web.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # The pool is for the web processes: q2 forks its workers, and a pool opened
    # before the fork is not theirs to use (see docs/BENCHMARKS.md).
    cluster = _start(
        ["qcluster"], {**os.environ, "DB_POOL_MAX_SIZE": "0"}, tmp / "cluster.log"
    )
    peak_connections = 0
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/livez", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        time.sleep(2)
        barrier = threading.Barrier(args.shoppers)
        threads = [
            threading.Thread(target=shopper, args=(barrier,))
            for _ in range(args.shoppers)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            count = subprocess.run(
                [
                    "psql",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-tAc",
                    f"SELECT count(*) FROM pg_stat_activity WHERE datname='{db_name}'",
                ],
                capture_output=True,
                text=True,
            ).stdout.strip()
            peak_connections = max(peak_connections, int(count or 0))
            time.sleep(0.5)
            assert time.monotonic() - started < 600, "the load did not finish"
        wall = time.monotonic() - started
    finally:
        stop(cluster)
        stop(web)

    runs = RenderRun.objects.filter(shop=shop)
    complete = runs.filter(status="complete").count()
    variants = VariantResult.objects.filter(render_run__shop=shop).count()
    charged = sum(
        UsageDaily.objects.filter(shop=shop).values_list("composite_renders", flat=True)
    )
    print(
        f"{args.shoppers} shoppers at once; gunicorn {args.web_workers} x "
        f"{args.web_threads} threads, q2 {args.q_workers} workers, PostgreSQL "
        f"(pool {args.db_pool or 'off'}), local AI; Python "
        f"{platform.python_version()}, load {os.getloadavg()[0]:.2f}; wall {wall:.1f} s"
    )
    print("| route | requests | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for name, values in timings.items():
        print(
            f"| {name} | {len(values)} | {statistics.median(values) * 1000:.0f} | "
            f"{percentile(values, 0.95) * 1000:.0f} | "
            f"{percentile(values, 0.99) * 1000:.0f} |"
        )
    print(
        f"errors: {len(errors)}; runs: {runs.count()} ({complete} complete); "
        f"variant rows: {variants} (expected {runs.count() * 8}); usage charged: "
        f"{charged}; peak PostgreSQL connections of the app: {peak_connections}"
    )
    for line in errors[:10]:
        print("  ", line)


if __name__ == "__main__":
    main()
