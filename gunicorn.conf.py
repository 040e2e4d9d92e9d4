"""gunicorn settings for the web process (`gunicorn seeitnow.wsgi`), from the env."""

from __future__ import annotations

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Threads, not more processes: a sync render waits on the queue, it does not burn CPU.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "8"))
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
