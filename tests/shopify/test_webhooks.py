"""Webhooks through the real endpoint: HMAC, de-duplication, every topic."""

from __future__ import annotations

import json
import zlib

import pytest
from django.utils import timezone

from assets.models import ProductAsset
from renders.models import RenderRun, RoomSession
from seeitnow import storage
from seeitnow.storage import keys
from shops.models import Session, Shop
from shops.signals import order_paid
from tests.factories import make_asset, make_room, make_run, make_shop, make_variant
from tests.fakes.shopify_proxy import webhook_headers

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.shopify.urls")]


def _deliver(
    client,
    settings,
    topic,
    shop,
    payload,
    *,
    webhook_id="",
    secret=None,
    path="/webhooks",
):
    body = json.dumps(payload)
    headers = webhook_headers(
        topic=topic,
        shop=shop,
        body=body,
        secret=secret or settings.SHOPIFY_API_SECRET,
        webhook_id=webhook_id,
    )
    return client.post(path, data=body, content_type="application/json", **headers)


def _shop_body(shop):
    """The Shop resource Shopify signs for app/uninstalled."""
    return {
        "id": int(shop.shopify_shop_id),
        "name": "Lamp Store",
        "domain": "lamps.example.com",
        "myshopify_domain": shop.shop_domain,
    }


def _redact_body(shop):
    return {"shop_id": int(shop.shopify_shop_id), "shop_domain": shop.shop_domain}


@pytest.fixture
def shop(db, fake_shopify):
    """An installed shop whose token the fake Admin API accepts."""
    domain = "lamp-store.myshopify.com"
    shop = make_shop(
        shop_domain=domain,
        shopify_shop_id=str(zlib.crc32(domain.encode())),
        access_token=fake_shopify.stored_token(domain),
    )
    Session.objects.create(
        id="offline_lamp-store.myshopify.com",
        shop=shop.shop_domain,
        state="x",
        access_token="tok",
    )
    return shop


def test_wrong_hmac_is_401_and_changes_nothing(client, settings, shop):
    response = _deliver(
        client,
        settings,
        "app/uninstalled",
        shop.shop_domain,
        _shop_body(shop),
        secret="wrong",
    )
    assert (response.status_code, response.json()) == (
        401,
        {"error": "unauthorized", "message": "Webhook signature is invalid."},
    )
    shop.refresh_from_db()
    assert shop.uninstalled_at is None
    assert Session.objects.filter(shop=shop.shop_domain).exists()


def test_missing_hmac_is_401(client, shop):
    response = client.post(
        "/webhooks",
        data="{}",
        content_type="application/json",
        HTTP_X_SHOPIFY_TOPIC="shop/redact",
        HTTP_X_SHOPIFY_SHOP_DOMAIN=shop.shop_domain,
    )
    assert response.status_code == 401
    assert Shop.objects.filter(pk=shop.pk).exists()


def test_get_is_405(client):
    assert client.get("/webhooks").status_code == 405


def test_uninstall_marks_the_shop_and_drops_tokens_and_sessions(
    client, settings, shop, fake_shopify
):
    asset = make_asset(shop=shop)
    # Shopify revokes the token before it sends app/uninstalled.
    fake_shopify.revoke_tokens(shop.shop_domain)
    response = _deliver(
        client,
        settings,
        "app/uninstalled",
        shop.shop_domain,
        _shop_body(shop),
        path="/webhooks/app/uninstalled",
    )
    assert (response.status_code, response.json()) == (200, {"ok": True})
    shop.refresh_from_db()
    assert shop.uninstalled_at is not None
    assert shop.access_token == ""
    assert not Session.objects.filter(shop=shop.shop_domain).exists()
    assert ProductAsset.objects.filter(pk=asset.pk).exists()


def test_replayed_webhook_has_no_second_effect(client, settings, shop, fake_shopify):
    fake_shopify.revoke_tokens(shop.shop_domain)
    payload = _shop_body(shop)
    first = _deliver(
        client, settings, "app/uninstalled", shop.shop_domain, payload, webhook_id="w-1"
    )
    assert first.json() == {"ok": True}
    # The merchant reinstalls; a late replay of the old delivery must not undo it.
    Shop.objects.filter(pk=shop.pk).update(uninstalled_at=None, access_token="new")
    replay = _deliver(
        client, settings, "app/uninstalled", shop.shop_domain, payload, webhook_id="w-1"
    )
    assert (replay.status_code, replay.json()) == (200, {"ok": True, "duplicate": True})
    shop.refresh_from_db()
    assert (shop.uninstalled_at, shop.access_token) == (None, "new")


def test_payload_for_another_shop_is_refused(client, settings, shop):
    response = _deliver(
        client,
        settings,
        "shop/redact",
        shop.shop_domain,
        {"shop_domain": "other.myshopify.com", "shop_id": int(shop.shopify_shop_id)},
    )
    assert response.status_code == 400
    assert Shop.objects.filter(pk=shop.pk).exists()


@pytest.mark.parametrize("topic", ["customers/data_request", "customers/redact"])
def test_customer_privacy_topics_are_acknowledged(client, settings, shop, topic):
    payload = {**_redact_body(shop), "customer": {"id": 1, "email": "a@b.c"}}
    response = _deliver(client, settings, topic, shop.shop_domain, payload)
    assert (response.status_code, response.json()) == (200, {"ok": True})


def test_unknown_topic_is_acknowledged(client, settings, shop):
    response = _deliver(client, settings, "orders/create", shop.shop_domain, {})
    assert (response.status_code, response.json()) == (200, {"ok": True})


def test_shop_redact_leaves_no_row_and_no_file(
    client, settings, shop, django_capture_on_commit_callbacks
):
    other = make_shop(shop_domain="other-store.myshopify.com")
    keys = []
    for owner in (shop, other):
        asset = make_asset(shop=owner)
        room = make_room(shop=owner)
        run = make_run(asset=asset, room=room)
        make_variant(run=run)
        owner_keys = [
            f"rooms/{owner.pk}/{room.pk}/canonical.jpg",
            f"shops/{owner.pk}/products/{asset.product_id}/prepared-{asset.pk}.png",
            f"see-it-now/{run.pk}/V01.jpg",
        ]
        for key in owner_keys:
            storage.save(key, b"x", content_type="image/jpeg")
        keys.append(owner_keys)
    Shop.objects.filter(pk=shop.pk).update(uninstalled_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        response = _deliver(
            client,
            settings,
            "shop/redact",
            shop.shop_domain,
            _redact_body(shop),
        )
    assert response.json() == {"ok": True}
    assert not Shop.objects.filter(pk=shop.pk).exists()
    assert not Session.objects.filter(shop=shop.shop_domain).exists()
    for model in (ProductAsset, RoomSession, RenderRun):
        assert not model.objects.filter(shop_id=shop.pk).exists()
    assert [storage.exists(key) for key in keys[0]] == [False, False, False]
    assert [storage.exists(key) for key in keys[1]] == [True, True, True]
    assert ProductAsset.objects.filter(shop=other).count() == 1


def test_subscription_update_syncs_plan_from_shopify(
    client, settings, fake_shopify, django_capture_on_commit_callbacks
):
    domain = "lamp-store.myshopify.com"
    shop = make_shop(shop_domain=domain, access_token=fake_shopify.stored_token(domain))
    fake_shopify.subscriptions[shop.shop_domain] = [
        {
            "id": "gid://shopify/AppSubscription/1",
            "name": "Pro",
            "status": "ACTIVE",
            "test": True,
        }
    ]
    payload = {"app_subscription": {"name": "Pro", "status": "ACTIVE"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = _deliver(
            client, settings, "app_subscriptions/update", shop.shop_domain, payload
        )
    assert response.json() == {"ok": True}
    shop.refresh_from_db()
    assert (shop.plan, shop.daily_quota, shop.monthly_quota) == ("pro", 100, 3000)
    # The plan change re-publishes the storefront's availability.
    assert [c["operation"] for c in fake_shopify.graphql_calls()] == [
        "CurrentAppInstallation",
        "AppInstallationId",
        "MetafieldsSet",
    ]
    assert fake_shopify.app_metafield(domain, "see_it_now", "available") == {
        "type": "boolean",
        "value": "true",
    }


def test_subscription_cancel_payload_applies_when_shopify_is_unreachable(
    client, settings, django_capture_on_commit_callbacks
):
    shop = make_shop(
        shop_domain="lamp-store.myshopify.com",
        plan="starter",
        daily_quota=50,
        monthly_quota=1500,
        access_token="",
    )
    payload = {"app_subscription": {"name": "Starter", "status": "CANCELLED"}}
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(
            client, settings, "app_subscriptions/update", shop.shop_domain, payload
        )
    shop.refresh_from_db()
    assert (shop.plan, shop.daily_quota, shop.monthly_quota) == ("free", 10, 300)


def test_products_update_is_queued(
    client, settings, shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _deliver(
            client,
            settings,
            "products/update",
            shop.shop_domain,
            {
                "id": 123,
                "title": "Lamp",
                "admin_graphql_api_id": "gid://shopify/Product/123",
            },
        )
    assert response.json() == {"ok": True}
    assert len(callbacks) == 1


def test_shop_redact_spares_a_reinstalled_shop(
    client, settings, shop, django_capture_on_commit_callbacks
):
    asset = make_asset(shop=shop)
    with django_capture_on_commit_callbacks(execute=True):
        response = _deliver(
            client,
            settings,
            "shop/redact",
            shop.shop_domain,
            _redact_body(shop),
        )
    assert response.json() == {"ok": True}
    assert ProductAsset.objects.filter(pk=asset.pk).exists()


@pytest.mark.parametrize("topic", ["app/uninstalled", "products/update", "shop/redact"])
@pytest.mark.parametrize("body", ["[]", '"lamp-store"', "42", "null", "{not json"])
def test_signed_body_that_is_not_a_json_object_is_400(
    client,
    settings,
    shop,
    fake_shopify,
    django_capture_on_commit_callbacks,
    topic,
    body,
):
    headers = webhook_headers(
        topic=topic,
        shop=shop.shop_domain,
        body=body,
        secret=settings.SHOPIFY_API_SECRET,
        webhook_id="w-bad",
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/webhooks", data=body, content_type="application/json", **headers
        )
    assert (response.status_code, response.json()) == (
        400,
        {"error": "invalid_json", "message": "Webhook body is not a JSON object."},
    )
    assert callbacks == []
    shop.refresh_from_db()
    assert shop.uninstalled_at is None
    assert Session.objects.filter(shop=shop.shop_domain).exists()

    # The id was not remembered: a correct delivery with it is still handled.
    fake_shopify.revoke_tokens(shop.shop_domain)
    retry = _deliver(
        client,
        settings,
        "app/uninstalled",
        shop.shop_domain,
        _shop_body(shop),
        webhook_id="w-bad",
    )
    assert (retry.status_code, retry.json()) == (200, {"ok": True})
    shop.refresh_from_db()
    assert shop.uninstalled_at is not None


def test_products_delete_retires_the_products_assets(
    client, settings, shop, django_capture_on_commit_callbacks
):
    rendered = make_asset(shop=shop, product_id="555")
    run = make_run(asset=rendered, room=make_room(shop=shop))
    spare = make_asset(shop=shop, product_id="555", is_default=False)
    other = make_asset(shop=shop, product_id="556")
    cutouts = {
        asset.pk: keys.cutout_key(
            shop_id=shop.pk, product_id=asset.product_id, asset_id=asset.pk
        )
        for asset in (rendered, spare, other)
    }
    for key in cutouts.values():
        storage.save(key, b"png", content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = _deliver(
            client, settings, "products/delete", shop.shop_domain, {"id": 555}
        )
    assert (response.status_code, response.json()) == (200, {"ok": True})
    # Runs are kept for analytics, so their asset stays, without files.
    rendered.refresh_from_db()
    assert (
        rendered.status,
        rendered.enabled,
        rendered.is_default,
        rendered.prepared_image_key,
        rendered.error_message,
    ) == ("failed", False, False, None, "Product deleted in Shopify.")
    assert RenderRun.objects.filter(pk=run.pk).exists()
    assert not ProductAsset.objects.filter(pk=spare.pk).exists()
    assert ProductAsset.objects.filter(pk=other.pk).exists()
    assert [storage.exists(cutouts[a.pk]) for a in (rendered, spare, other)] == [
        False,
        False,
        True,
    ]


@pytest.mark.parametrize("body", [{"id": 555, "title": "Lamp"}, {"id": "555"}, {}])
def test_products_delete_with_another_shape_is_refused(
    client, settings, shop, django_capture_on_commit_callbacks, body
):
    asset = make_asset(shop=shop, product_id="555")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _deliver(client, settings, "products/delete", shop.shop_domain, body)
    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "invalid_payload",
            "message": "Webhook body does not match its topic.",
        },
    )
    assert callbacks == []
    assert ProductAsset.objects.filter(pk=asset.pk).exists()


def test_orders_paid_is_announced(
    client, settings, shop, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, *, shop, payload, **kwargs):
        received.append((shop.pk, payload))

    order = {
        "id": 777,
        "admin_graphql_api_id": "gid://shopify/Order/777",
        "line_items": [{"id": 1, "product_id": 555, "variant_id": 9, "quantity": 1}],
    }
    order_paid.connect(receiver, dispatch_uid="test-orders-paid")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = _deliver(
                client, settings, "orders/paid", shop.shop_domain, order
            )
    finally:
        order_paid.disconnect(dispatch_uid="test-orders-paid")
    assert (response.status_code, response.json()) == (200, {"ok": True})
    assert received == [(shop.pk, order)]


def test_a_paid_order_line_from_a_render_reaches_the_funnel_once(
    client, settings, shop, django_capture_on_commit_callbacks
):
    """orders/paid, signed, end to end: the webhook, its task, the signal and the
    renders receiver; a redelivery of the same webhook id adds nothing."""
    from renders.models import SeeItNowOrderLine

    order = {
        "id": 778,
        "currency": "EUR",
        "line_items": [
            {
                "id": 11,
                "product_id": 555,
                "quantity": 2,
                "price": "49.50",
                "properties": [{"name": "_see_it_now_variant", "value": "V03"}],
            },
            {"id": 12, "product_id": 556, "quantity": 1, "price": "5.00"},
        ],
    }
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = _deliver(
                client,
                settings,
                "orders/paid",
                shop.shop_domain,
                order,
                webhook_id="wh-orders-778",
            )
        assert response.status_code == 200

    line = SeeItNowOrderLine.objects.get()
    assert (
        line.shop_id,
        line.order_id,
        line.line_item_id,
        line.product_id,
        line.variant_id,
        line.quantity,
        str(line.price),
        line.currency,
    ) == (shop.pk, "778", "11", "555", "V03", 2, "49.50", "EUR")
