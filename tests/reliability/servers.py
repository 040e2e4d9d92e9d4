"""gunicorn web processes for the reliability suite (next to tests/render/processes)."""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.render.processes import REPO, free_port, stop


@contextmanager
def gunicorn_server(
    env: dict[str, str], log: Path, *, workers: int = 1, threads: int = 8
):
    """`gunicorn seeitnow.wsgi` with the repo's config, on loopback."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "seeitnow.wsgi",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            # Several test servers at once: not one shared ~/.gunicorn socket.
            "--no-control-socket",
        ],
        cwd=REPO,
        env={**env, "WEB_CONCURRENCY": str(workers), "WEB_THREADS": str(threads)},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/livez", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield base
    finally:
        stop(process)
