"""The webhook endpoint: HMAC check, de-duplication, and a handler per topic.

Shopify waits 5 s and retries a failed delivery for hours, so handlers only do
quick row updates and queue the rest on the q2 cluster after the commit.
Deliveries are de-duplicated by `X-Shopify-Webhook-Id` in the shared Django cache
(Redis or the database cache table, never per process), for longer than Shopify
keeps retrying; a handler that fails forgets the id so the retry runs again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django_q.tasks import async_task

from seeitnow.http import json_error, json_ok
from shops import services, shopify
from shops.selectors import shop_get_installed

logger = logging.getLogger(__name__)

DEDUPE_TTL_S = 3 * 24 * 3600


def _enqueue(func: str, *args) -> None:
    transaction.on_commit(lambda: async_task(func, *args))


def _app_uninstalled(shop_domain: str, payload: dict) -> None:
    services.shop_uninstall(shop_domain=shop_domain)


def _products_update(shop_domain: str, payload: dict) -> None:
    shop = shop_get_installed(shop_domain=shop_domain)
    if shop is not None:
        _enqueue("shops.tasks.product_updated_task", str(shop.pk), payload)


def _subscription_update(shop_domain: str, payload: dict) -> None:
    shop = shop_get_installed(shop_domain=shop_domain)
    if shop is not None:
        _enqueue("shops.tasks.shop_sync_plan_task", str(shop.pk), payload)


def _customer_data(shop_domain: str, payload: dict) -> None:
    # Nothing about customers is stored (no shopper identity in any table).
    logger.info("customer privacy request for %s: no customer data held", shop_domain)


def _shop_redact(shop_domain: str, payload: dict) -> None:
    _enqueue("shops.tasks.shop_redact_task", shop_domain)


HANDLERS: dict[str, Callable[[str, dict], None]] = {
    "app/uninstalled": _app_uninstalled,
    "products/update": _products_update,
    "app_subscriptions/update": _subscription_update,
    "customers/data_request": _customer_data,
    "customers/redact": _customer_data,
    "shop/redact": _shop_redact,
}

# Payload fields naming the shop, checked against the (unsigned) shop header.
_PAYLOAD_SHOP_FIELDS = {
    "app/uninstalled": "myshopify_domain",
    "shop/redact": "shop_domain",
}


@csrf_exempt
def webhook(request: HttpRequest, topic: str = "") -> HttpResponse:
    """POST /webhooks (or /webhooks/<topic>): the topic comes from the header."""
    verification = shopify.verify_webhook(request)
    if not verification.ok:
        logger.warning("webhook refused: %s", verification.code)
        if verification.status == 405:
            return json_error("method_not_allowed", "Webhooks are POSTed.", 405)
        return json_error("unauthorized", "Webhook signature is invalid.", 401)
    try:
        payload = json.loads(request.body)
    except ValueError:
        payload = None
    # Every topic's payload is an object; anything else is refused before the
    # id is remembered, so it has no effect.
    if not isinstance(payload, dict):
        return json_error("invalid_json", "Webhook body is not a JSON object.", 400)
    shop_domain, topic = verification.shop_domain, verification.topic
    shop_field = _PAYLOAD_SHOP_FIELDS.get(topic)
    if shop_field and payload.get(shop_field) not in (None, shop_domain):
        return json_error("shop_mismatch", "Payload is for another shop.", 400)
    handler = HANDLERS.get(topic)
    if handler is None:
        logger.info("webhook topic %s ignored", topic)
        return json_ok({"ok": True})
    key = f"shopify-webhook:{verification.webhook_id}"
    if verification.webhook_id and not cache.add(key, topic, timeout=DEDUPE_TTL_S):
        logger.info("webhook %s already handled", verification.webhook_id)
        return json_ok({"ok": True, "duplicate": True})
    try:
        with transaction.atomic():
            handler(shop_domain, payload)
    except Exception:
        cache.delete(key)
        raise
    logger.info("webhook %s for %s handled", topic, shop_domain)
    return json_ok({"ok": True})
