"""A per-model request budget shared by every worker on every machine (GEMINI_RPM).

Time is cut into short windows, each with its share of the minute's requests;
a caller takes a free slot of the current window with `cache.add` (atomic on the
shared cache: SET NX on Redis, a unique insert on the database cache) or sleeps
to the next window. Short windows keep any 60 s span within one window's share
of the limit, where minute-aligned windows would allow twice the limit across a
boundary.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.core.cache import cache


def window_plan(rpm: int) -> tuple[float, int]:
    """(window length in seconds, requests allowed per window) for `rpm`."""
    window_s = max(1.0, 60.0 / rpm)
    return window_s, max(1, math.floor(rpm * window_s / 60.0))


def rate_slot_take(*, model: str, rpm: int, now: float | None = None) -> float | None:
    """Take one request slot for `model`; None when taken, else the epoch time
    at which the next window opens (the caller waits until then)."""
    window_s, per_window = window_plan(rpm)
    now = time.time() if now is None else now
    window = int(now // window_s)
    slots = [f"gemini-rpm:{model}:{window}:{n}" for n in range(per_window)]
    taken = cache.get_many(slots)
    for slot in slots:
        if slot not in taken and cache.add(slot, 1, timeout=int(window_s * 2) + 1):
            return None
    return (window + 1) * window_s


def rate_wait(
    *,
    model: str,
    rpm: int,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> float:
    """Block until `model` may be called under `rpm`; returns the seconds waited.

    `rpm` <= 0 means no limit.
    """
    waited = 0.0
    if rpm <= 0:
        return waited
    while True:
        opens_at = rate_slot_take(model=model, rpm=rpm, now=clock())
        if opens_at is None:
            return waited
        pause = max(0.0, opens_at - clock()) + 0.001
        sleep(pause)
        waited += pause
