"""Real app processes for the PostgreSQL tests and benchmarks: `runserver`,
gunicorn and `qcluster`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(*, media_root: Path, **extra: str) -> dict[str, str]:
    """Environment of a production-settings process on the test database."""
    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GEMINI_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="seeitnow.settings",
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        CONN_MAX_AGE="0",
        MEDIA_ROOT=str(media_root),
        SHOPIFY_API_KEY=settings.SHOPIFY_API_KEY,
        SHOPIFY_API_SECRET=settings.SHOPIFY_API_SECRET,
        SHOPIFY_APP_URL=settings.SHOPIFY_APP_URL,
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        SEE_IT_NOW_ALLOWED_SHOPS="*",
        LOG_LEVEL="WARNING",
        Q_WORKERS="1",
        # One loopback client and shop send every request (see tests/settings.py).
        RENDER_CLIENT_RATE_LIMIT="1000",
        RENDER_SHOP_BURST_LIMIT="1000",
        **extra,
    )
    return env


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # A session of its own, so the whole process tree can be killed by its id.
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Signal the process group started for `process` and reap it."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def app_server(env: dict[str, str], log: Path):
    """`runserver` on a free port; yields its base URL once it answers."""
    port = free_port()
    process = _start(["runserver", "--noreload", f"127.0.0.1:{port}"], env, log)
    with _answering(process, port, log) as base:
        yield base


@contextmanager
def gunicorn_server(env: dict[str, str], log: Path):
    """The production web server (gunicorn.conf.py, DEBUG off) on a free port;
    yields its base URL once it answers. `env` needs the production settings'
    own variables (SECRET_KEY, ALLOWED_HOSTS, ...)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "seeitnow.wsgi", "-c", "gunicorn.conf.py"],
        cwd=REPO,
        env={**env, "PORT": str(port)},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    with _answering(process, port, log) as base:
        yield base


@contextmanager
def _answering(process: subprocess.Popen, port: int, log: Path):
    """The server's base URL once it answers; the server stopped afterwards."""
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_answering(process, base, log)
        yield base
    finally:
        stop(process)


def _wait_answering(process: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, log.read_text()
        try:
            httpx.get(f"{base}/livez", timeout=2)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)


def start_cluster(env: dict[str, str], log: Path) -> subprocess.Popen:
    """`qcluster` with the ORM broker; stop it with `stop`."""
    return _start(["qcluster"], env, log)


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = ""):
    """Poll `predicate` until it returns a truthy value; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(interval)
