"""A whole catalog prepared at Gemini's per-minute rate limit.

Run: .venv/bin/python bench/bench_catalog.py --database-url postgres://…/seeitnow_bench
     [--products 200] [--rpm 120] [--workers 2]

Starts a real q2 cluster (`qcluster`, ORM broker) on a scratch PostgreSQL database,
a fake Gemini in this process that REFUSES more than --rpm text calls per clock
minute with 429 + RetryInfo (as Google's quota does), and sets GEMINI_RPM to the
same number, so the workers pace themselves through the shared cache. The demo
catalog is grown to --products products (`seed_demo --catalog-size`) and queued
with `prepare_catalog`. Each preparation is a real cutout (OpenCV) plus two text
calls (extractor, builder). Reports the wall time against the time the limit
allows (2 calls x products / rpm minutes), failed preparations, 429s seen, and the
workers' memory at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import parse_with_database, work_folder  # noqa: E402

TEXT_MODEL = "gemini-2.5-flash"


def rss_mb(root_pid: int) -> list[float]:
    """RSS (MB) of every process under `root_pid` (the cluster's workers)."""
    out = subprocess.run(
        ["ps", "-o", "pid=,ppid=,rss=", "-e"], capture_output=True, text=True
    ).stdout
    rows = [tuple(int(x) for x in line.split()) for line in out.splitlines() if line]
    children: dict[int, list[tuple[int, int]]] = {}
    for pid, ppid, rss in rows:
        children.setdefault(ppid, []).append((pid, rss))
    found, stack = [], [root_pid]
    while stack:
        for pid, rss in children.get(stack.pop(), []):
            found.append(rss / 1024)
            stack.append(pid)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--rpm", type=int, default=120)
    parser.add_argument("--workers", type=int, default=2)
    args = parse_with_database(parser)
    tmp = work_folder("bench-catalog-")

    from tests.ai.test_gemini import FACTS, _pack
    from tests.fakes.gemini import FakeGemini

    fake = FakeGemini().start()
    fake.limit_rpm(TEXT_MODEL, args.rpm)
    fake.answer_by_schema(ProductPlacementFacts=FACTS, PromptPack=_pack())
    env = {
        "DJANGO_SETTINGS_MODULE": "seeitnow.settings",
        "DATABASE_URL": args.database_url,
        "MEDIA_ROOT": str(tmp / "media"),
        "GEMINI_API_KEY": fake.api_key,
        "GEMINI_BASE_URL": fake.url,
        "GEMINI_TEXT_MODEL": TEXT_MODEL,
        "GEMINI_RPM": f"{TEXT_MODEL}={args.rpm}",
        "Q_WORKERS": str(args.workers),
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
        "FIELD_ENCRYPTION_KEYS": "kV7aHcfZrWJSZbqJrw9H0l9iNUTMuV0h6nq0ZVRb4pk=",
    }
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)

    from assets.models import AssetStatus, ProductAsset
    from demo.catalog import DemoCatalog
    from shops.services import shop_ensure_demo
    from tests.render.processes import _start, stop

    shop = shop_ensure_demo()
    catalog = DemoCatalog()
    catalog.add_generated(max(0, args.products - 6))
    total = len(catalog.list_products(limit=250).products)

    cluster = _start(["qcluster"], dict(os.environ), tmp / "cluster.log")
    time.sleep(3)
    memory = [(0.0, rss_mb(cluster.pid))]
    started = time.monotonic()
    call_command(
        "prepare_catalog", "--shop", shop.shop_domain, "--limit", str(args.products)
    )
    assets = ProductAsset.objects.filter(shop=shop)
    try:
        while True:
            done = assets.filter(
                status__in=[AssetStatus.READY, AssetStatus.FAILED]
            ).count()
            elapsed = time.monotonic() - started
            if not memory or elapsed - memory[-1][0] >= 30:
                memory.append((elapsed, rss_mb(cluster.pid)))
            if done >= min(total, args.products):
                break
            assert elapsed < 1800, "the catalog did not finish in 30 minutes"
            time.sleep(1)
        elapsed = time.monotonic() - started
        memory.append((elapsed, rss_mb(cluster.pid)))
    finally:
        stop(cluster)
        fake.stop()

    prepared = min(total, args.products)
    failed = assets.filter(status=AssetStatus.FAILED).count()
    allowed_s = 2 * prepared / args.rpm * 60
    calls = len(fake.generate_calls(TEXT_MODEL))
    print(
        f"{prepared} products, GEMINI_RPM = fake quota = {args.rpm}/min, "
        f"{args.workers} q2 workers, PostgreSQL, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    print("| measure | value |")
    print("|---|---:|")
    print(f"| wall time, queue to last product | {elapsed:.1f} s |")
    print(f"| time the limit allows (2 calls x products / rpm) | {allowed_s:.1f} s |")
    print(f"| ratio (goal <= 1.10) | {elapsed / allowed_s:.3f} |")
    print(f"| failed preparations | {failed} |")
    print(
        f"| text calls answered / refused with 429 | {calls - fake.refused_429} / "
        f"{fake.refused_429} |"
    )
    for at, sizes in (memory[0], memory[-1]):
        print(
            f"| workers' RSS at {at:.0f} s (MB, each) | "
            f"{', '.join(f'{s:.0f}' for s in sorted(sizes))} |"
        )
    medians = [statistics.median(sizes) for _, sizes in memory if sizes]
    print(
        f"| median worker RSS over the run (MB, every 30 s) | "
        f"{', '.join(f'{m:.0f}' for m in medians)} |"
    )


if __name__ == "__main__":
    main()
