"""Security review: webhook headers are unsigned, so identity comes from the body.

Every test delivers through the real endpoint with a real HMAC; uninstalls are
confirmed against the fake Admin API, which answers 401 for a revoked token.
"""

from __future__ import annotations

import json
import zlib

import pytest
from django.core.cache import cache

from assets.models import ProductAsset
from renders.models import RenderRun, RoomSession
from shops.models import Session, Shop
from tests.factories import make_asset, make_room, make_run, make_shop
from tests.fakes.shopify_proxy import sign_webhook, webhook_headers

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.shopify.urls")]

PRODUCT_BODY = {
    "id": 8123,
    "title": "Brass lamp",
    "body_html": "<p>Lamp</p>",
    "product_type": "Lighting",
    "vendor": "Lamps",
    "tags": "",
    "image": None,
    "images": [],
}


def _post(client, settings, topic, shop_domain, body, *, webhook_id=""):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    headers = webhook_headers(
        topic=topic,
        shop=shop_domain,
        body=raw,
        secret=settings.SHOPIFY_API_SECRET,
        webhook_id=webhook_id,
    )
    return client.post(
        "/webhooks", data=raw, content_type="application/json", **headers
    )


def _uninstall(client, settings, shop, *, webhook_id=""):
    """The shop's own, correctly signed app/uninstalled delivery."""
    return _post(
        client,
        settings,
        "app/uninstalled",
        shop.shop_domain,
        _shop_body(shop),
        webhook_id=webhook_id,
    )


def _installed(fake_shopify, domain):
    shop = make_shop(
        shop_domain=domain,
        shopify_shop_id=str(zlib.crc32(domain.encode())),
        access_token=fake_shopify.stored_token(domain),
    )
    Session.objects.create(
        id=f"offline_{domain}", shop=domain, state="x", access_token="tok"
    )
    return shop


def _shop_body(shop):
    return {
        "id": int(shop.shopify_shop_id),
        "name": "Shop",
        "domain": "shop.example.com",
        "myshopify_domain": shop.shop_domain,
    }


@pytest.fixture
def victim(fake_shopify):
    return _installed(fake_shopify, "victim.myshopify.com")


@pytest.fixture
def attacker(fake_shopify):
    return _installed(fake_shopify, "attacker.myshopify.com")


def _untouched(shop):
    shop.refresh_from_db()
    assert shop.uninstalled_at is None
    assert Session.objects.filter(shop=shop.shop_domain).exists()


@pytest.mark.parametrize("topic", ["app/uninstalled", "shop/redact"])
def test_product_body_replayed_as_another_topic_is_refused(
    client, settings, victim, django_capture_on_commit_callbacks, topic
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _post(client, settings, topic, victim.shop_domain, PRODUCT_BODY)
    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "invalid_payload",
            "message": "Webhook body does not match its topic.",
        },
    )
    assert callbacks == []
    _untouched(victim)


def test_another_shops_uninstall_body_is_refused(
    client, settings, victim, attacker, fake_shopify
):
    fake_shopify.revoke_tokens(attacker.shop_domain)
    response = _post(
        client, settings, "app/uninstalled", victim.shop_domain, _shop_body(attacker)
    )
    assert (response.status_code, response.json()) == (
        400,
        {"error": "shop_mismatch", "message": "Payload is for another shop."},
    )
    _untouched(victim)


def test_body_with_the_domain_but_another_shop_id_is_refused(client, settings, victim):
    body = {**_shop_body(victim), "id": int(victim.shopify_shop_id) + 1}
    response = _post(client, settings, "app/uninstalled", victim.shop_domain, body)
    assert (response.status_code, response.json()) == (
        400,
        {"error": "shop_mismatch", "message": "Payload is for another shop."},
    )
    _untouched(victim)


def test_uninstall_is_ignored_while_shopify_still_accepts_the_token(
    client, settings, victim
):
    # A genuine app/uninstalled body from an earlier install, re-sent with a new
    # (unsigned) webhook id: Shopify still accepts the token, so nothing happens.
    response = _uninstall(client, settings, victim)
    assert (response.status_code, response.json()) == (
        200,
        {"ok": True, "ignored": "shop_still_installed"},
    )
    _untouched(victim)


def test_handler_that_failed_runs_again_on_redelivery(
    client, settings, victim, fake_shopify
):
    fake_shopify.revoke_tokens(victim.shop_domain)
    # Shopify cannot be asked: the delivery fails and is not remembered.
    Shop.objects.filter(pk=victim.pk).update(
        access_token=fake_shopify.stored_token(victim.shop_domain)
    )
    fake_shopify.scripted.append((500, {}, {"errors": "Internal error"}))
    first = _uninstall(client, settings, victim, webhook_id="w-retry")
    assert (first.status_code, first.json()) == (
        500,
        {"error": "internal_error", "message": "Something went wrong."},
    )
    _untouched(victim)
    fake_shopify.revoke_tokens(victim.shop_domain)
    again = _uninstall(client, settings, victim, webhook_id="w-retry")
    assert (again.status_code, again.json()) == (200, {"ok": True})
    victim.refresh_from_db()
    assert victim.uninstalled_at is not None
    third = _uninstall(client, settings, victim, webhook_id="w-retry")
    assert third.json() == {"ok": True, "duplicate": True}


def test_customers_redact_never_touches_the_shop(
    client, settings, victim, django_capture_on_commit_callbacks
):
    asset = make_asset(shop=victim)
    room = make_room(shop=victim)
    run = make_run(asset=asset, room=room)
    body = {
        "shop_id": int(victim.shopify_shop_id),
        "shop_domain": victim.shop_domain,
        "customer": {"id": 1, "email": "a@example.com", "phone": None},
        "orders_to_redact": [1, 2],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, settings, "customers/redact", victim.shop_domain, body)
    assert (response.status_code, response.json()) == (200, {"ok": True})
    _untouched(victim)
    assert ProductAsset.objects.filter(pk=asset.pk).exists()
    assert RoomSession.objects.filter(pk=room.pk).exists()
    assert RenderRun.objects.filter(pk=run.pk).exists()


def test_customers_redact_body_replayed_as_shop_redact_is_refused(
    client, settings, victim, django_capture_on_commit_callbacks
):
    Shop.objects.filter(pk=victim.pk).update(uninstalled_at="2026-11-01T00:00:00Z")
    body = {
        "shop_id": int(victim.shopify_shop_id),
        "shop_domain": victim.shop_domain,
        "customer": {"id": 1},
        "orders_to_redact": [],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, settings, "shop/redact", victim.shop_domain, body)
    assert response.status_code == 400
    assert Shop.objects.filter(pk=victim.pk).exists()


@pytest.mark.parametrize(
    "header", ["sïgnature", "ab\u00e9cd==", "\u2603" * 44], ids=["i", "e", "snowman"]
)
def test_non_ascii_hmac_header_is_401_json(client, victim, header):
    response = client.post(
        "/webhooks",
        data="{}",
        content_type="application/json",
        HTTP_X_SHOPIFY_TOPIC="app/uninstalled",
        HTTP_X_SHOPIFY_SHOP_DOMAIN=victim.shop_domain,
        HTTP_X_SHOPIFY_HMAC_SHA256=header,
    )
    assert (response.status_code, response.json()) == (
        401,
        {"error": "unauthorized", "message": "Webhook signature is invalid."},
    )
    _untouched(victim)


def test_body_over_the_upload_limit_is_acknowledged_as_json(client, settings, victim):
    raw = b'{"pad": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'
    response = client.post(
        "/webhooks",
        data=raw,
        content_type="application/json",
        HTTP_X_SHOPIFY_TOPIC="app/uninstalled",
        HTTP_X_SHOPIFY_SHOP_DOMAIN=victim.shop_domain,
        HTTP_X_SHOPIFY_HMAC_SHA256=sign_webhook(raw, settings.SHOPIFY_API_SECRET),
    )
    # 2xx: Shopify would retry a body that never gets smaller for hours.
    assert (response.status_code, response.json()) == (
        200,
        {"ok": True, "ignored": "payload_too_large"},
    )
    _untouched(victim)


@pytest.mark.parametrize(
    "raw",
    ['{"id": ' + "9" * 5000 + "}", "[" * 100_000 + "]" * 100_000, '{"id": NaN}'],
    ids=["5000-digits", "deep", "nan"],
)
def test_hostile_json_is_400(client, settings, victim, raw):
    response = _post(client, settings, "products/update", victim.shop_domain, raw)
    assert (response.status_code, response.json()) == (
        400,
        {"error": "invalid_json", "message": "Webhook body is not a JSON object."},
    )


def test_delivery_being_handled_elsewhere_is_409_so_shopify_retries(
    client, settings, victim, fake_shopify
):
    # Another worker claimed this delivery and has not finished it.
    cache.add("shopify-webhook:w-busy", "running", timeout=60)
    fake_shopify.revoke_tokens(victim.shop_domain)
    response = _uninstall(client, settings, victim, webhook_id="w-busy")
    assert (response.status_code, response.json()) == (
        409,
        {"error": "in_progress", "message": "This delivery is being handled."},
    )
    victim.refresh_from_db()
    assert victim.uninstalled_at is None
