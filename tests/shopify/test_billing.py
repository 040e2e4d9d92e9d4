"""Plan changes through appSubscriptionCreate, the return URL and the webhook."""

from __future__ import annotations

import pytest

from tests.factories import make_shop
from tests.fakes.shopify_proxy import make_session_token

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.shopify.urls"),
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]

DOMAIN = "lamp-store.myshopify.com"


@pytest.fixture
def shop(fake_shopify):
    return make_shop(shop_domain=DOMAIN, access_token=fake_shopify.stored_token(DOMAIN))


@pytest.fixture
def bearer(settings):
    token = make_session_token(
        shop=DOMAIN,
        api_key=settings.SHOPIFY_API_KEY,
        secret=settings.SHOPIFY_API_SECRET,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _choose(client, bearer, plan):
    return client.post(
        "/api/billing/plan",
        data={"plan": plan},
        content_type="application/json",
        **bearer,
    )


def test_upgrade_creates_a_test_charge_and_the_return_url_applies_it(
    client, settings, fake_shopify, shop, bearer
):
    settings.SHOPIFY_BILLING_TEST = True
    response = _choose(client, bearer, "starter")
    assert response.status_code == 200
    assert response.json() == {
        "plan": "starter",
        "confirmation_url": f"https://{DOMAIN}/admin/charges/1000/confirm_recurring_application_charge",
    }
    [subscription] = fake_shopify.subscriptions[DOMAIN]
    assert subscription == {
        "id": "gid://shopify/AppSubscription/1000",
        "name": "Starter",
        "status": "PENDING",
        "test": True,
        "price": 19,
        "returnUrl": "https://admin.shopify.com/store/lamp-store/apps/"
        f"{settings.SHOPIFY_API_KEY}/app/billing/return?plan=starter",
    }
    shop.refresh_from_db()
    assert shop.plan == "free"  # nothing changes before the merchant approves

    fake_shopify.approve_subscription(DOMAIN, subscription["id"])
    id_token = make_session_token(
        shop=DOMAIN,
        api_key=settings.SHOPIFY_API_KEY,
        secret=settings.SHOPIFY_API_SECRET,
    )
    back = client.get(
        f"/app/billing/return?plan=starter&charge_id=1000&shop={DOMAIN}&id_token={id_token}"
    )
    assert back.status_code == 302
    assert back["Location"].startswith("/app/dashboard?")
    shop.refresh_from_db()
    assert (shop.plan, shop.daily_quota, shop.monthly_quota) == ("starter", 50, 1500)


def test_declined_charge_keeps_the_plan(client, settings, fake_shopify, shop, bearer):
    _choose(client, bearer, "pro")
    id_token = make_session_token(
        shop=DOMAIN,
        api_key=settings.SHOPIFY_API_KEY,
        secret=settings.SHOPIFY_API_SECRET,
    )
    client.get(f"/app/billing/return?plan=pro&shop={DOMAIN}&id_token={id_token}")
    shop.refresh_from_db()
    assert shop.plan == "free"


def test_production_charges_are_real(client, settings, fake_shopify, shop, bearer):
    settings.SHOPIFY_BILLING_TEST = False
    _choose(client, bearer, "pro")
    assert fake_shopify.subscriptions[DOMAIN][0]["test"] is False


def test_downgrade_to_free_cancels_the_subscription_at_once(
    client, fake_shopify, shop, bearer
):
    _choose(client, bearer, "pro")
    gid = fake_shopify.subscriptions[DOMAIN][0]["id"]
    fake_shopify.approve_subscription(DOMAIN, gid)
    shop.plan, shop.daily_quota, shop.monthly_quota = "pro", 100, 3000
    shop.save()
    response = _choose(client, bearer, "free")
    assert response.json() == {"plan": "free", "confirmation_url": None}
    assert fake_shopify.subscriptions[DOMAIN][0]["status"] == "CANCELLED"
    shop.refresh_from_db()
    assert (shop.plan, shop.daily_quota, shop.monthly_quota) == ("free", 10, 300)


def test_unknown_plan_is_400(client, shop, bearer):
    response = _choose(client, bearer, "platinum")
    assert (response.status_code, response.json()) == (
        400,
        {"error": "invalid_plan", "message": "Unknown plan 'platinum'."},
    )


def test_billing_needs_a_session_token(client, shop):
    response = client.post(
        "/api/billing/plan",
        data={"plan": "pro"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer nope",
    )
    assert response.status_code == 401


def test_session_token_fetch_needs_no_csrf_token(fake_shopify, shop, bearer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert _choose(client, bearer, "starter").status_code == 200
