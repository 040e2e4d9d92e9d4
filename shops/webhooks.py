"""The webhook endpoint: HMAC check, identity from the signed body, de-duplication,
and a handler per topic.

Only the body is signed: `X-Shopify-Topic`, `-Shop-Domain` and `-Webhook-Id` are
not. So each topic's body must have that topic's shape and name the header's shop
(and the stored Shopify shop id) wherever the topic's payload carries them, and
an uninstall is confirmed with the Admin API (Shopify revokes the token first)
before it is applied: a signed body replayed under another topic or shop changes
nothing.

Shopify waits 5 s and retries a failed delivery for hours, so handlers only do
quick row updates and queue the rest on the q2 cluster after the commit.
Deliveries are de-duplicated by `X-Shopify-Webhook-Id` in the shared Django cache
(Redis or the database cache table, never per process): a delivery is claimed for
CLAIM_TTL_S while it runs and marked done only after its handler succeeded, so a
redelivery after a failure (or a crash) runs again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django_q.tasks import async_task

from seeitnow.http import AppError, error_response, json_error, json_loads, json_ok
from shops import services, shopify
from shops.models import Shop
from shops.selectors import shop_get_installed

logger = logging.getLogger(__name__)

DEDUPE_TTL_S = 3 * 24 * 3600
# Longer than a handler can take (Shopify gives up after 5 s); a crashed worker's
# claim lapses before Shopify's first retry.
CLAIM_TTL_S = 60


def _enqueue(func: str, *args) -> None:
    transaction.on_commit(lambda: async_task(func, *args))


def _uninstall_confirmed(shop: Shop) -> bool:
    """Whether Shopify has revoked the shop's token (it does so before notifying).

    Raises ShopifyAdminError when Shopify cannot be asked: the delivery fails and
    Shopify retries it.
    """
    try:
        services.shop_admin_client(shop=shop).shop_identity()
    except shopify.ShopifyAuthError:
        return True
    return False


def _app_uninstalled(shop_domain: str, payload: dict) -> dict | None:
    shop = Shop.objects.filter(shop_domain=shop_domain).first()
    if shop is not None and shop.is_installed and not _uninstall_confirmed(shop):
        logger.warning("app/uninstalled for %s ignored: token valid", shop_domain)
        return {"ignored": "shop_still_installed"}
    services.shop_uninstall(shop_domain=shop_domain)
    return None


def _products_update(shop_domain: str, payload: dict) -> None:
    shop = shop_get_installed(shop_domain=shop_domain)
    if shop is not None:
        _enqueue("shops.tasks.product_updated_task", str(shop.pk), payload)


def _products_delete(shop_domain: str, payload: dict) -> None:
    shop = shop_get_installed(shop_domain=shop_domain)
    if shop is not None:
        _enqueue("shops.tasks.product_deleted_task", str(shop.pk), str(payload["id"]))


def _orders_paid(shop_domain: str, payload: dict) -> None:
    shop = shop_get_installed(shop_domain=shop_domain)
    if shop is not None:
        _enqueue("shops.tasks.order_paid_task", str(shop.pk), payload)


def _subscription_update(shop_domain: str, payload: dict) -> None:
    shop = shop_get_installed(shop_domain=shop_domain)
    if shop is not None:
        _enqueue("shops.tasks.shop_sync_plan_task", str(shop.pk), payload)


def _customer_data(shop_domain: str, payload: dict) -> None:
    # Nothing about customers is stored (no shopper identity in any table).
    logger.info("customer privacy request for %s: no customer data held", shop_domain)


def _shop_redact(shop_domain: str, payload: dict) -> None:
    _enqueue("shops.tasks.shop_redact_task", shop_domain)


HANDLERS: dict[str, Callable[[str, dict], dict | None]] = {
    "app/uninstalled": _app_uninstalled,
    "products/update": _products_update,
    "products/delete": _products_delete,
    "orders/paid": _orders_paid,
    "app_subscriptions/update": _subscription_update,
    "customers/data_request": _customer_data,
    "customers/redact": _customer_data,
    "shop/redact": _shop_redact,
}


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _gid_of(kind: str, payload: dict) -> bool:
    gid = payload.get("admin_graphql_api_id")
    return gid is None or gid == f"gid://shopify/{kind}/{payload.get('id')}"


# What each topic's body must look like: a body signed for one topic fails every
# other topic's shape (a product has no `myshopify_domain`, a shop no `title`).
_SHAPES: dict[str, Callable[[dict], bool]] = {
    "app/uninstalled": lambda p: (
        _is_id(p.get("id"))
        and isinstance(p.get("myshopify_domain"), str)
        and isinstance(p.get("domain"), str)
        and "title" not in p
    ),
    "products/update": lambda p: (
        _is_id(p.get("id"))
        and isinstance(p.get("title"), str)
        and "myshopify_domain" not in p
        and "shop_domain" not in p
        and _gid_of("Product", p)
    ),
    "products/delete": lambda p: _is_id(p.get("id")) and set(p) == {"id"},
    "orders/paid": lambda p: (
        _is_id(p.get("id"))
        and isinstance(p.get("line_items"), list)
        and _gid_of("Order", p)
    ),
    "app_subscriptions/update": lambda p: isinstance(p.get("app_subscription"), dict),
    "customers/data_request": lambda p: (
        _is_id(p.get("shop_id"))
        and isinstance(p.get("shop_domain"), str)
        and isinstance(p.get("customer"), dict)
    ),
    "customers/redact": lambda p: (
        _is_id(p.get("shop_id"))
        and isinstance(p.get("shop_domain"), str)
        and isinstance(p.get("customer"), dict)
    ),
    "shop/redact": lambda p: (
        _is_id(p.get("shop_id"))
        and isinstance(p.get("shop_domain"), str)
        and "customer" not in p
        and "orders_requested" not in p
        and "orders_to_redact" not in p
    ),
}

# The signed fields naming the shop: (domain field, Shopify shop id field).
_IDENTITY_FIELDS = {
    "app/uninstalled": ("myshopify_domain", "id"),
    "shop/redact": ("shop_domain", "shop_id"),
    "customers/data_request": ("shop_domain", "shop_id"),
    "customers/redact": ("shop_domain", "shop_id"),
}


def _check_identity(topic: str, shop_domain: str, payload: dict) -> None:
    """Raise AppError unless the signed body fits the topic and names the shop."""
    if not _SHAPES[topic](payload):
        raise AppError("invalid_payload", "Webhook body does not match its topic.")
    fields = _IDENTITY_FIELDS.get(topic)
    if fields is None:
        return
    domain_field, id_field = fields
    if payload[domain_field] != shop_domain:
        raise AppError("shop_mismatch", "Payload is for another shop.")
    stored_id = (
        Shop.objects.filter(shop_domain=shop_domain)
        .values_list("shopify_shop_id", flat=True)
        .first()
    )
    # The demo shop and rows created before the id was known store "0".
    if stored_id not in (None, "", "0") and str(payload[id_field]) != stored_id:
        raise AppError("shop_mismatch", "Payload is for another shop.")


def _read_payload(request: HttpRequest) -> dict:
    try:
        payload = json_loads(request.body)
    except ValueError:
        payload = None
    # Every topic's payload is an object; anything else is refused before the
    # id is remembered, so it has no effect.
    if not isinstance(payload, dict):
        raise AppError("invalid_json", "Webhook body is not a JSON object.")
    return payload


@csrf_exempt
def webhook(request: HttpRequest, topic: str = "") -> HttpResponse:
    """POST /webhooks (or /webhooks/<topic>): the topic comes from the header."""
    try:
        verification = shopify.verify_webhook(request)
    except RequestDataTooBig:
        # Unverifiable, so it is not acted on; answered 2xx because Shopify would
        # retry a body that can never become smaller for hours, then drop the
        # subscription.
        logger.warning("webhook body over DATA_UPLOAD_MAX_MEMORY_SIZE ignored")
        return json_ok({"ok": True, "ignored": "payload_too_large"})
    if not verification.ok:
        logger.warning("webhook refused: %s", verification.code)
        if verification.status == 405:
            return json_error("method_not_allowed", "Webhooks are POSTed.", 405)
        if verification.status == 400:
            return json_error("invalid_json", "Webhook body is not a JSON object.")
        return json_error("unauthorized", "Webhook signature is invalid.", 401)
    shop_domain, topic = verification.shop_domain, verification.topic
    try:
        payload = _read_payload(request)
        handler = HANDLERS.get(topic)
        if handler is not None:
            _check_identity(topic, shop_domain, payload)
    except AppError as exc:
        logger.warning("webhook %s for %s refused: %s", topic, shop_domain, exc.code)
        return error_response(exc)
    if handler is None:
        logger.info("webhook topic %s ignored", topic)
        return json_ok({"ok": True})
    key = f"shopify-webhook:{verification.webhook_id}"
    if verification.webhook_id and not cache.add(key, "running", timeout=CLAIM_TTL_S):
        if cache.get(key) == "done":
            logger.info("webhook %s already handled", verification.webhook_id)
            return json_ok({"ok": True, "duplicate": True})
        # Another worker is handling it now; Shopify retries later.
        return json_error("in_progress", "This delivery is being handled.", 409)
    try:
        with transaction.atomic():
            extra = handler(shop_domain, payload) or {}
    except Exception:
        cache.delete(key)
        logger.exception("webhook %s for %s failed", topic, shop_domain)
        return json_error("internal_error", "Something went wrong.", 500)
    if verification.webhook_id:
        cache.set(key, "done", timeout=DEDUPE_TTL_S)
    logger.info("webhook %s for %s handled", topic, shop_domain)
    return json_ok({"ok": True, **extra})
