"""Writes about shops: install, tokens, uninstall, redaction, plans and billing."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from seeitnow import storage
from seeitnow.http import AppError
from seeitnow.storage import keys
from shops import shopify
from shops.ids import gid_numeric
from shops.models import Plan, Session, Shop
from shops.selectors import (
    STOREFRONT_SEEN_TTL_S,
    plan_for_subscription_name,
    plan_quotas,
    shop_settings,
    storefront_seen_key,
)

logger = logging.getLogger(__name__)

AVAILABILITY_TASK = "shops.tasks.shop_availability_task"

# The package refreshes a token that expires within 60 s; rows whose token is good
# for longer than this are not even locked to ask it.
_REFRESH_CHECK_WINDOW = timedelta(minutes=5)


def shop_install_or_revive(*, shop_domain: str, bundle: shopify.TokenBundle) -> Shop:
    """Store a freshly exchanged token; create the shop or revive an uninstalled one.

    A new or reinstalled shop starts on the free plan (Shopify cancels an app's
    subscriptions on uninstall); its assets and history are kept. Raises AppError
    `shopify_unavailable` when the shop's id cannot be read from Shopify.
    """
    with transaction.atomic():
        shop = Shop.objects.select_for_update().filter(shop_domain=shop_domain).first()
        if shop is not None and shop.is_installed and shop.shopify_shop_id:
            shop.access_token = bundle.to_json()
            shop.save(update_fields=["access_token"])
            return shop
    client = shopify.AdminClient(
        shop_domain=shop_domain, access_token=bundle.access_token
    )
    try:
        shopify_shop_id = gid_numeric(client.shop_identity()["id"])
    except shopify.ShopifyAdminError as exc:
        raise AppError(
            "shopify_unavailable", "Shopify could not be reached.", 502
        ) from exc
    with transaction.atomic():
        shop, created = Shop.objects.select_for_update().get_or_create(
            shop_domain=shop_domain,
            defaults={
                "shopify_shop_id": shopify_shop_id,
                "access_token": bundle.to_json(),
                "plan": Plan.FREE,
                **plan_quotas(plan=Plan.FREE),
            },
        )
        if not created:
            if shop.uninstalled_at is not None:
                shop.plan = Plan.FREE
                for field, value in plan_quotas(plan=Plan.FREE).items():
                    setattr(shop, field, value)
            shop.shopify_shop_id = shopify_shop_id
            shop.access_token = bundle.to_json()
            shop.uninstalled_at = None
            shop.save()
        # A new installation has none of the app-data metafields yet.
        shop_availability_queue(shop=shop, force=True)
    logger.info("shop %s %s", shop_domain, "installed" if created else "revived")
    return shop


def shop_availability_queue(*, shop: Shop, force: bool = False) -> None:
    """Re-publish the shop's storefront availability (shops.availability) on the
    q2 cluster once the current transaction commits: never on a request's path."""
    shop_id = str(shop.pk)
    transaction.on_commit(lambda: async_task(AVAILABILITY_TASK, shop_id, force))


def shop_ensure_demo() -> Shop:
    """The demo shop (DEMO_SHOP_DOMAIN), created on first use; it has no token."""
    shop, _ = Shop.objects.get_or_create(
        shop_domain=settings.DEMO_SHOP_DOMAIN,
        defaults={
            "shopify_shop_id": "0",
            "access_token": "",
            "plan": Plan.FREE,
            **plan_quotas(plan=Plan.FREE),
        },
    )
    if shop.uninstalled_at is not None:
        shop.uninstalled_at = None
        shop.save(update_fields=["uninstalled_at"])
    return shop


def _expires_soon(bundle: shopify.TokenBundle) -> bool:
    if not bundle.access_expires_at:
        return bool(bundle.refresh_token)
    try:
        expires = datetime.fromisoformat(
            bundle.access_expires_at.replace("Z", "+00:00")
        )
    except ValueError:
        return True
    return expires <= datetime.now(UTC) + _REFRESH_CHECK_WINDOW


def shop_access_token(*, shop: Shop) -> str:
    """A usable Admin API access token, refreshed (and stored) when about to expire.

    Raises ShopifyAuthError when the shop has no token or the refresh is refused
    (the merchant must open the app again so a new token can be exchanged).
    """
    bundle = shopify.TokenBundle.from_json(shop.access_token)
    if bundle is None or not shop.is_installed:
        raise shopify.ShopifyAuthError("no_token", f"{shop} has no access token")
    if not _expires_soon(bundle):
        return bundle.access_token
    with transaction.atomic():
        # One refresh per shop at a time: a refresh token is single-use.
        locked = Shop.objects.select_for_update().get(pk=shop.pk)
        bundle = shopify.TokenBundle.from_json(locked.access_token)
        if bundle is None:
            raise shopify.ShopifyAuthError("no_token", f"{shop} has no access token")
        outcome = shopify.refresh_token(shop_domain=shop.shop_domain, bundle=bundle)
        if not outcome.ok:
            raise shopify.ShopifyAuthError(outcome.code, f"refresh failed for {shop}")
        if outcome.bundle is not None:
            bundle = outcome.bundle
            locked.access_token = bundle.to_json()
            locked.save(update_fields=["access_token"])
    shop.access_token = locked.access_token
    return bundle.access_token


def shop_admin_client(*, shop: Shop) -> shopify.AdminClient:
    """An Admin GraphQL client for the shop; raises ShopifyAuthError without a token."""
    return shopify.AdminClient(
        shop_domain=shop.shop_domain, access_token=shop_access_token(shop=shop)
    )


def shop_uninstall(*, shop_domain: str) -> Shop | None:
    """Mark the shop uninstalled, forget its (now revoked) token and auth sessions."""
    Session.objects.filter(shop=shop_domain).delete()
    shop = Shop.objects.filter(shop_domain=shop_domain).first()
    if shop is None:
        return None
    shop.uninstalled_at = shop.uninstalled_at or timezone.now()
    shop.access_token = ""
    shop.save(update_fields=["uninstalled_at", "access_token"])
    logger.info("shop %s uninstalled", shop_domain)
    return shop


def shop_delete(*, shop: Shop) -> int:
    """Delete the shop, every row that belongs to it and its stored files.

    Files go first: if a deletion fails the rows still say what is left, and a
    retry finishes the job. Returns how many of the shop's own files (rooms,
    cutouts) were deleted.
    """
    deleted = sum(
        storage.delete_prefix(prefix) for prefix in keys.shop_prefixes(shop_id=shop.pk)
    )
    Session.objects.filter(shop=shop.shop_domain).delete()
    # Apps that keep files of their own under other keys (render images) delete
    # them from a pre_delete receiver, inside this deletion's transaction.
    with transaction.atomic():
        shop.delete()
    return deleted


def shop_redact(*, shop_domain: str) -> bool:
    """shop/redact: delete the shop with its rows and files (see shop_delete).

    Shopify sends it 48 h after an uninstall; a shop that has been reinstalled
    since is left alone. Returns whether the shop was deleted.
    """
    shop = Shop.objects.filter(shop_domain=shop_domain).first()
    if shop is not None and shop.is_installed:
        logger.warning("shop/redact for installed shop %s ignored", shop_domain)
        return False
    Session.objects.filter(shop=shop_domain).delete()
    if shop is None:
        return False
    deleted = shop_delete(shop=shop)
    logger.info("shop %s redacted: %d files deleted", shop_domain, deleted)
    return True


def shop_set_plan(*, shop: Shop, plan: str) -> Shop:
    """Set plan and its quotas from PLANS; raises AppError `invalid_plan`."""
    if plan not in settings.PLANS:
        raise AppError("invalid_plan", f"Unknown plan {plan!r}.", 400)
    quotas = plan_quotas(plan=plan)
    if shop.plan != plan or any(getattr(shop, k) != v for k, v in quotas.items()):
        shop.plan = plan
        for field, value in quotas.items():
            setattr(shop, field, value)
        shop.save(update_fields=["plan", *quotas])
        shop_availability_queue(shop=shop)
    return shop


def shop_sync_plan(*, shop: Shop, webhook_payload: dict | None = None) -> Shop:
    """Make plan and quotas match the shop's active subscription on Shopify.

    Asks Shopify (authoritative whatever order webhooks arrive in); if it cannot,
    applies the `app_subscriptions/update` payload instead.
    """
    try:
        active = shop_admin_client(shop=shop).active_subscriptions()
    except shopify.ShopifyAdminError:
        if not webhook_payload:
            raise
        logger.warning("plan sync for %s falls back to the webhook payload", shop)
        return _apply_subscription_payload(shop=shop, payload=webhook_payload)
    plans = [plan_for_subscription_name(name=sub["name"]) for sub in active]
    paid = [plan for plan in plans if plan]
    return shop_set_plan(shop=shop, plan=paid[0] if paid else Plan.FREE)


def _apply_subscription_payload(*, shop: Shop, payload: dict) -> Shop:
    subscription = payload.get("app_subscription") or {}
    plan = plan_for_subscription_name(name=subscription.get("name", ""))
    status = subscription.get("status", "").upper()
    if plan and status == "ACTIVE":
        return shop_set_plan(shop=shop, plan=plan)
    if plan == shop.plan and status in {"CANCELLED", "DECLINED", "EXPIRED", "FROZEN"}:
        return shop_set_plan(shop=shop, plan=Plan.FREE)
    return shop


def billing_return_url(*, shop: Shop, plan: str) -> str:
    """Where Shopify sends the merchant after the charge: our page, inside the admin."""
    handle = shopify.shop_handle(shop.shop_domain)
    return (
        f"https://admin.shopify.com/store/{handle}/apps/{settings.SHOPIFY_API_KEY}"
        f"/app/billing/return?plan={plan}"
    )


def billing_change_plan(*, shop: Shop, plan: str) -> str | None:
    """Start a plan change: the confirmation URL for a paid plan, None for free.

    Paid plans go through `appSubscriptionCreate` (Shopify replaces the current
    subscription once the merchant approves; test charges unless
    SHOPIFY_BILLING_TEST is off); free cancels the active subscriptions now.
    Raises AppError `invalid_plan`, `billing_failed`.
    """
    if plan not in settings.PLANS:
        raise AppError("invalid_plan", f"Unknown plan {plan!r}.", 400)
    try:
        client = shop_admin_client(shop=shop)
        if plan == Plan.FREE:
            for subscription in client.active_subscriptions():
                client.cancel_subscription(gid=subscription["id"])
            shop_set_plan(shop=shop, plan=Plan.FREE)
            return None
        entry = settings.PLANS[plan]
        return client.create_subscription(
            name=entry["name"],
            price=entry["price"],
            return_url=billing_return_url(shop=shop, plan=plan),
            test=settings.SHOPIFY_BILLING_TEST,
        )
    except shopify.ShopifyAdminError as exc:
        logger.warning("billing change for %s failed: %s", shop, exc)
        raise AppError(
            "billing_failed", "Shopify refused the plan change.", 502
        ) from exc


PROMPT_ADDITION_MAX_CHARS = 1000


def shop_update_settings(
    *,
    shop: Shop,
    prompt_addition: str | None = None,
    auto_reprepare: bool | None = None,
) -> Shop:
    """Store the merchant's settings (None leaves a value as it is).

    Raises AppError `invalid_settings` (400, with `field`) and stores nothing when
    the prompt addition is longer than PROMPT_ADDITION_MAX_CHARS.
    """
    data = shop_settings(shop=shop)
    if prompt_addition is not None:
        prompt_addition = prompt_addition.strip()
        if len(prompt_addition) > PROMPT_ADDITION_MAX_CHARS:
            raise AppError(
                "invalid_settings",
                f"The prompt addition is limited to {PROMPT_ADDITION_MAX_CHARS} "
                "characters.",
                400,
                field="prompt_addition",
            )
        data["prompt_addition"] = prompt_addition
    if auto_reprepare is not None:
        data["auto_reprepare"] = auto_reprepare
    shop.settings_json = json.dumps(data, sort_keys=True)
    shop.save(update_fields=["settings_json"])
    return shop


# Every storefront request marks its shop seen; "seen" only needs to be about
# right, so each process writes it at most once a minute per shop (a write on
# the database cache is five queries).
STOREFRONT_SEEN_WRITE_EVERY_S = 60
_storefront_seen_written: dict[object, float] = {}


def shop_mark_storefront_seen(*, shop: Shop, now: datetime | None = None) -> None:
    """Remember a verified storefront request: the app block is live on the theme."""
    moment = now or timezone.now()
    written = _storefront_seen_written.get(shop.pk)
    if written is not None and 0 <= moment.timestamp() - written < (
        STOREFRONT_SEEN_WRITE_EVERY_S
    ):
        return
    cache.set(
        storefront_seen_key(shop=shop),
        moment.isoformat(),
        timeout=STOREFRONT_SEEN_TTL_S,
    )
    _storefront_seen_written[shop.pk] = moment.timestamp()
