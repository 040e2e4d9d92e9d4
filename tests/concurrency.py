"""Run one function in several threads at once (for tests on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_at_once(fn: Callable[[], Any], *, threads: int) -> tuple[list, list]:
    """Call `fn` from `threads` threads released together; (results, errors).

    Each thread closes its own database connection when it is done.
    """
    barrier = threading.Barrier(threads)
    results: list = []
    errors: list = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - collected for the caller's assertion
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results, errors
