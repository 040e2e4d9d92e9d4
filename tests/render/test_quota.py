"""Quota reservation (daily and monthly) and the shared-cache rate limit."""

from __future__ import annotations

import functools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from seeitnow.http import AppError
from shops.models import UsageDaily
from shops.quota import quota_release, quota_reserve, rate_limit_allow
from tests.factories import make_shop, make_usage

pytestmark = pytest.mark.django_db


def used(shop, day) -> int:
    row = UsageDaily.objects.filter(shop=shop, date=day).first()
    return row.composite_renders if row else 0


def reserve(shop, day) -> None:
    with transaction.atomic():
        quota_reserve(shop=shop, day=day)


def test_daily_quota_is_enforced_and_named():
    shop = make_shop(daily_quota=3, monthly_quota=300)
    today = timezone.localdate()
    for _ in range(3):
        reserve(shop, today)
    with pytest.raises(AppError) as exc:
        reserve(shop, today)
    assert (exc.value.code, exc.value.status, exc.value.message) == (
        "quota_exceeded",
        402,
        "Daily render limit reached (3 per day).",
    )
    assert used(shop, today) == 3


def test_monthly_quota_counts_the_whole_month_only():
    shop = make_shop(daily_quota=10, monthly_quota=4)
    day = timezone.localdate().replace(day=15)
    make_usage(shop=shop, date=day.replace(day=1), composite_renders=2)
    make_usage(
        shop=shop, date=day.replace(day=1) - timedelta(days=1), composite_renders=50
    )
    reserve(shop, day)
    reserve(shop, day)
    with pytest.raises(AppError) as exc:
        reserve(shop, day)
    assert (exc.value.code, exc.value.status, exc.value.message) == (
        "quota_exceeded",
        402,
        "Monthly render limit reached (4 per month).",
    )
    assert used(shop, day) == 2


def test_zero_quota_refuses_the_first_render():
    shop = make_shop(daily_quota=0, monthly_quota=300)
    with pytest.raises(AppError):
        reserve(shop, timezone.localdate())
    assert used(shop, timezone.localdate()) == 0


def test_release_gives_back_one_and_never_goes_negative():
    shop = make_shop()
    today = timezone.localdate()
    reserve(shop, today)
    reserve(shop, today)
    quota_release(shop_id=shop.id, day=today)
    assert used(shop, today) == 1
    quota_release(shop_id=shop.id, day=today)
    quota_release(shop_id=shop.id, day=today)
    assert used(shop, today) == 0


def test_quotas_are_per_shop():
    first = make_shop(daily_quota=1)
    second = make_shop(daily_quota=1)
    today = timezone.localdate()
    reserve(first, today)
    reserve(second, today)
    assert (used(first, today), used(second, today)) == (1, 1)


def test_rate_limit_counts_hits_per_key_and_window():
    allowed = [rate_limit_allow(key="room-a", limit=3, window_s=3600) for _ in range(5)]
    assert allowed == [True, True, True, False, False]
    assert rate_limit_allow(key="room-b", limit=3, window_s=3600)


def test_rate_limit_opens_again_in_the_next_window():
    start = 1_800_000_000.0  # a window boundary for a 60 s window
    hit = functools.partial(rate_limit_allow, key="room-c", limit=1, window_s=60)
    assert hit(now=start)
    assert not hit(now=start + 59.9)  # the same window
    assert hit(now=start + 60.0)  # the next one


def test_rate_limit_costs_the_same_whatever_the_limit(django_assert_max_num_queries):
    for _ in range(3):
        rate_limit_allow(key="room-e", limit=1000, window_s=3600)
    # A read of the hint, the slot's claim and the hint's update (the database
    # cache spends savepoints and a cull count on each write): not one query per
    # slot of a 1000-hit limit.
    with django_assert_max_num_queries(12):
        assert rate_limit_allow(key="room-e", limit=1000, window_s=3600)


def test_rate_limit_holds_when_the_hint_is_lost():
    hit = functools.partial(rate_limit_allow, key="room-f", limit=3, window_s=60)
    start = 1_800_000_000.0
    assert hit(now=start) and hit(now=start)
    cache.delete(f"rate:room-f:{int(start // 60)}:next")  # evicted or expired
    assert [hit(now=start + 1) for _ in range(3)] == [True, False, False]


def test_rate_limit_hint_written_out_of_order_skips_no_slot():
    start = 1_800_000_000.0
    hit = functools.partial(rate_limit_allow, key="room-g", limit=4, window_s=60)
    assert hit(now=start) and hit(now=start)
    # A slow claimer of slot 0 writes its hint after the claimer of slot 1 did.
    cache.set(f"rate:room-g:{int(start // 60)}:next", 1)
    assert [hit(now=start) for _ in range(3)] == [True, True, False]
