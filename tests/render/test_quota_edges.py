"""Quota edges: other days of the month never count toward today, preparations are
counted outside the quota, and a rate-limit slot lives through its whole window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction

from seeitnow.http import AppError
from shops.models import UsageDaily
from shops.quota import quota_reserve, rate_limit_allow, usage_count_preparation
from tests.factories import make_shop

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 10)


def test_other_days_of_the_month_do_not_count_toward_today():
    shop = make_shop(daily_quota=2, monthly_quota=300)
    UsageDaily.objects.create(
        shop=shop, date=DAY - timedelta(days=1), composite_renders=5
    )
    UsageDaily.objects.create(
        shop=shop, date=DAY - timedelta(days=2), composite_renders=1
    )

    for _ in range(2):
        with transaction.atomic():
            quota_reserve(shop=shop, day=DAY)
    with pytest.raises(AppError) as err, transaction.atomic():
        quota_reserve(shop=shop, day=DAY)

    assert (err.value.code, err.value.message, err.value.status) == (
        "quota_exceeded",
        "Daily render limit reached (2 per day).",
        402,
    )
    assert UsageDaily.objects.get(shop=shop, date=DAY).composite_renders == 2


def test_preparations_are_counted_one_at_a_time_outside_the_quota():
    shop = make_shop(daily_quota=0)

    usage_count_preparation(shop=shop, day=DAY)
    usage_count_preparation(shop=shop, day=DAY)

    row = UsageDaily.objects.get(shop=shop, date=DAY)
    assert (row.prep_renders, row.composite_renders) == (2, 0)


def test_a_slot_is_kept_until_its_window_ends(time_machine):
    start = datetime(2027, 1, 15, 8, 0, 0, tzinfo=UTC)  # a 60 s window boundary
    time_machine.move_to(start, tick=False)
    assert rate_limit_allow(key="room-d", limit=1, window_s=60)

    # The cache entry must outlive the window, whatever the cache's own clock.
    time_machine.move_to(start + timedelta(seconds=59), tick=False)
    assert not rate_limit_allow(key="room-d", limit=1, window_s=60)
