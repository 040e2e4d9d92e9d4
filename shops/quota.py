"""Render quota reservation and the per-room-session rate limit (SPEC §5, §12).

A render reserves one unit of today's `UsageDaily.composite_renders` when its run is
created; the reservation is the charge and is released only when the run ends with
no successful variant. Reserving increments first and checks afterwards, inside a
transaction: on PostgreSQL the increment locks today's row, so concurrent renders of
one shop queue behind each other and each sees the others' committed increments; on
SQLite the increment takes the database write lock, with the same effect.
"""

from __future__ import annotations

import time
from datetime import date

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Sum, When

from seeitnow.http import AppError
from shops.models import Shop, UsageDaily


def usage_row_id(*, shop: Shop, day: date) -> object:
    """The id of the shop's usage row for `day`, created (race-safe) when missing."""
    row = UsageDaily.objects.filter(shop=shop, date=day).values_list("id").first()
    if row is not None:
        return row[0]
    try:
        with transaction.atomic():
            return UsageDaily.objects.create(shop=shop, date=day).id
    except IntegrityError:
        # Another request created today's row first.
        return UsageDaily.objects.get(shop=shop, date=day).id


def quota_reserve(*, shop: Shop, day: date) -> int:
    """Reserve one render for `day` against both daily and monthly quotas and
    return how many renders are left after it (the smaller of the two).

    Must run inside the transaction that creates the run, which should be short:
    today's usage row stays locked until it commits. Raises AppError
    `quota_exceeded` (402) naming the limit reached; nothing is reserved then.
    """
    row_id = usage_row_id(shop=shop, day=day)
    with transaction.atomic():
        UsageDaily.objects.filter(id=row_id).update(
            composite_renders=F("composite_renders") + 1
        )
        usage = UsageDaily.objects.filter(
            shop=shop, date__gte=day.replace(day=1), date__lte=day
        ).aggregate(
            month=Sum("composite_renders"),
            today=Sum(
                Case(
                    When(date=day, then=F("composite_renders")),
                    default=0,
                    output_field=IntegerField(),
                )
            ),
        )
        if usage["today"] > shop.daily_quota:
            raise AppError(
                "quota_exceeded",
                f"Daily render limit reached ({shop.daily_quota} per day).",
                402,
            )
        if usage["month"] > shop.monthly_quota:
            raise AppError(
                "quota_exceeded",
                f"Monthly render limit reached ({shop.monthly_quota} per month).",
                402,
            )
        return min(
            shop.daily_quota - usage["today"], shop.monthly_quota - usage["month"]
        )


def usage_count_preparation(*, shop: Shop, day: date) -> None:
    """Count one product preparation on `day` (`prep_renders`, outside the quota)."""
    UsageDaily.objects.filter(id=usage_row_id(shop=shop, day=day)).update(
        prep_renders=F("prep_renders") + 1
    )


def quota_release(*, shop_id: object, day: date) -> None:
    """Give back one render reserved on `day` (a run that produced nothing)."""
    UsageDaily.objects.filter(
        shop_id=shop_id, date=day, composite_renders__gt=0
    ).update(composite_renders=F("composite_renders") - 1)


def rate_limit_allow(
    *, key: str, limit: int, window_s: int, now: float | None = None
) -> bool:
    """Count one hit on `key`; False when `limit` hits were already counted in the
    current `window_s`-second window (windows are aligned to the clock; `now`,
    epoch seconds, defaults to the current time).

    Each hit claims a numbered slot with `cache.add`, which is atomic on every
    shared backend (a unique key insert on the database cache, SET NX on Redis),
    whereas `cache.incr` is a read-then-write on the database cache. A hint key
    remembers the next free slot, so a hit costs a read and a claim whatever the
    limit: every slot below the hint is taken (the hint is only ever written by the
    claimer of the slot beneath it, after it found every slot from the old hint up
    to its own taken), so starting there skips nothing; a stale or lost hint only
    means trying a few taken slots again.
    """
    window = int((time.time() if now is None else now) // window_s)
    prefix = f"rate:{key}:{window}"
    slot = cache.get(f"{prefix}:next", 0)
    while slot < limit:
        if cache.add(f"{prefix}:{slot}", 1, timeout=window_s * 2):
            cache.set(f"{prefix}:next", slot + 1, timeout=window_s * 2)
            return True
        slot += 1
    return False
