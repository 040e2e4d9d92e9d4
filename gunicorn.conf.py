"""gunicorn settings for the web process (`gunicorn seeitnow.wsgi`), from the env."""

from __future__ import annotations

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Threads, not more processes: a sync render or a long poll waits on the queue, it
# does not burn CPU, but it holds its thread for up to RENDER_POLL_MAX_WAIT_S.
# With 8 threads a handful of waiting shoppers queued every other request behind
# them (bench/bench_storefront_load.py: p95 0.3-7 s at 50 shoppers); with 32 none
# waited (p95 under 100 ms but confirm's ~120 ms; docs/BENCHMARKS.md).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "32"))
# Those threads share a pool of PostgreSQL connections (a waiting one gives its
# connection back) instead of holding one each; the worker keeps its own setting.
os.environ.setdefault("DB_POOL_MAX_SIZE", "10")
worker_class = "gthread"
# A sync render may wait RENDER_SYNC_WAIT_S (60 s) for its variants.
timeout = int(os.environ.get("WEB_TIMEOUT_S", "75"))
graceful_timeout = 30
keepalive = 5
# Access logs go through Django's JSON logging (request ids, no query strings).
accesslog = None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker) -> None:
    """Drop a dead worker's live gauges from the shared metrics directory."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
