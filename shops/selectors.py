"""Reads about shops: lookup, allowlist, plans and quota usage."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from shops.models import Shop, UsageDaily


def shop_get_installed(*, shop_domain: str) -> Shop | None:
    """The installed shop with this myshopify domain, or None (unknown/uninstalled)."""
    return Shop.objects.filter(shop_domain=shop_domain, uninstalled_at=None).first()


def shop_is_allowlisted(*, shop: Shop) -> bool:
    """Whether SEE_IT_NOW_ALLOWED_SHOPS lets this shop use the storefront (`*`: all)."""
    allowed = {entry.strip().lower() for entry in settings.SEE_IT_NOW_ALLOWED_SHOPS}
    return "*" in allowed or shop.shop_domain.lower() in allowed


def plan_quotas(*, plan: str) -> dict[str, int]:
    """`{"daily_quota", "monthly_quota"}` of a plan; raises KeyError for unknown."""
    entry = settings.PLANS[plan]
    return {
        "daily_quota": entry["daily_quota"],
        "monthly_quota": entry["monthly_quota"],
    }


def plan_for_subscription_name(*, name: str) -> str | None:
    """The plan whose display name (what `appSubscriptionCreate` got) is `name`."""
    return next(
        (key for key, entry in settings.PLANS.items() if entry["name"] == name), None
    )


def shop_quota_status(*, shop: Shop, today: date | None = None) -> dict[str, int]:
    """Renders used today and this calendar month (UTC) against the shop's quotas."""
    today = today or timezone.localdate()
    month = UsageDaily.objects.filter(
        shop=shop, date__gte=today.replace(day=1), date__lte=today
    )
    used_month = month.aggregate(total=Sum("composite_renders"))["total"] or 0
    used_today = (
        month.filter(date=today).values_list("composite_renders", flat=True).first()
        or 0
    )
    return {
        "used_today": used_today,
        "daily_quota": shop.daily_quota,
        "used_month": used_month,
        "monthly_quota": shop.monthly_quota,
    }


def usage_daily_series(
    *, shop: Shop, days: int = 30, today: date | None = None
) -> list[dict[str, Any]]:
    """One row per day for the last `days` days (zeros where nothing happened)."""
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    in_range = UsageDaily.objects.filter(shop=shop, date__gte=start, date__lte=today)
    rows = {row.date: row for row in in_range}
    series = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        row = rows.get(day)
        series.append(
            {
                "date": day,
                "composite_renders": row.composite_renders if row else 0,
                "prep_renders": row.prep_renders if row else 0,
            }
        )
    return series


# How long after its last storefront request the app block counts as live.
STOREFRONT_SEEN_TTL_S = 7 * 24 * 3600


def shop_settings(*, shop: Shop) -> dict[str, Any]:
    """The shop's `settings_json` as a dict ({} when unset or unreadable)."""
    try:
        data = json.loads(shop.settings_json or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def shop_prompt_addition(*, shop: Shop) -> str:
    """The shop-level text appended to every prompt pack build ("" when unset)."""
    return str(shop_settings(shop=shop).get("prompt_addition") or "")


def shop_auto_reprepare(*, shop: Shop) -> bool:
    """Whether a product edit in Shopify re-prepares the product (default on)."""
    return shop_settings(shop=shop).get("auto_reprepare", True) is not False


def storefront_seen_key(*, shop: Shop) -> str:
    """The shared-cache key holding the shop's last verified App Proxy request."""
    return f"storefront-seen:{shop.pk}"


def shop_storefront_seen_at(*, shop: Shop) -> datetime | None:
    """When the storefront last reached the app (within STOREFRONT_SEEN_TTL_S)."""
    seen = cache.get(storefront_seen_key(shop=shop))
    return datetime.fromisoformat(seen) if seen else None


def shop_storefront_available(*, shop: Shop, today: date | None = None) -> bool:
    """Whether a render can be served now: installed, allowlisted and quota left
    both today and this month."""
    if not shop.is_installed or not shop_is_allowlisted(shop=shop):
        return False
    usage = shop_quota_status(shop=shop, today=today)
    return (
        usage["used_today"] < usage["daily_quota"]
        and usage["used_month"] < usage["monthly_quota"]
    )
