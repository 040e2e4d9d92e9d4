"""Settings inside the Shopify admin: prompt addition, auto re-prepare, plan, theme."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from assets.services.preparation import asset_refresh_from_product_update
from shops.selectors import shop_storefront_seen_at
from shops.services import shop_mark_storefront_seen
from tests.factories import make_ready_asset, make_usage

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine("2026-11-18T12:00:00Z"),
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]

PLANS = [
    {"id": "free", "name": "Free", "price": 0, "daily_quota": 10, "monthly_quota": 300},
    {
        "id": "starter",
        "name": "Starter",
        "price": 19,
        "daily_quota": 50,
        "monthly_quota": 1500,
    },
    {
        "id": "pro",
        "name": "Pro",
        "price": 49,
        "daily_quota": 100,
        "monthly_quota": 3000,
    },
]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _body(shop, settings, **changes):
    body = {
        "prompt_addition": "",
        "prompt_addition_max": 1000,
        "auto_reprepare": True,
        "plan": "free",
        "usage": {
            "used_today": 0,
            "daily_quota": 10,
            "used_month": 0,
            "monthly_quota": 300,
        },
        "plans": PLANS,
        "theme_editor_url": f"https://{shop.shop_domain}/admin/themes/current/editor"
        f"?template=product&addAppBlockId={settings.SHOPIFY_API_KEY}/see-it-now"
        "&target=mainSection",
        "block_live": False,
        "storefront_seen_at": None,
    }
    body.update(changes)
    return body


def _post(client, bearer, data):
    return client.post(
        "/api/settings",
        data=json.dumps(data) if not isinstance(data, str) else data,
        content_type="application/json",
        **bearer,
    )


def test_get_settings_of_a_new_shop(client, settings, installed, bearer):
    make_usage(shop=installed, composite_renders=4)
    response = client.get("/api/settings", **bearer)
    assert response.status_code == 200
    usage = {"used_today": 4, "daily_quota": 10, "used_month": 4, "monthly_quota": 300}
    assert response.json() == _body(installed, settings, usage=usage)


def test_save_round_trip_and_the_offer_to_reprepare(
    client, settings, installed, bearer
):
    saved = _post(
        client, bearer, {"prompt_addition": "  Warm light  ", "auto_reprepare": False}
    )
    assert saved.status_code == 200
    assert saved.json() == _body(
        installed,
        settings,
        prompt_addition="Warm light",
        auto_reprepare=False,
        reprepare_suggested=True,
    )
    assert client.get("/api/settings", **bearer).json() == _body(
        installed, settings, prompt_addition="Warm light", auto_reprepare=False
    )
    # Same addition again: nothing to re-prepare.
    again = _post(client, bearer, {"prompt_addition": "Warm light"})
    assert again.json()["reprepare_suggested"] is False


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"prompt_addition": "x" * 1001},
            "prompt_addition",
            "The prompt addition is limited to 1000 characters.",
        ),
        (
            {"prompt_addition": 5, "auto_reprepare": False},
            "prompt_addition",
            "The prompt addition must be text.",
        ),
        (
            {"prompt_addition": "ok", "auto_reprepare": "no"},
            "auto_reprepare",
            "auto_reprepare must be true or false.",
        ),
        ({"theme": "dark"}, "theme", "Unknown setting 'theme'."),
    ],
)
def test_invalid_settings_are_refused_and_nothing_is_saved(
    client, settings, installed, bearer, payload, field, message
):
    response = _post(client, bearer, payload)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_settings",
        "message": message,
        "field": field,
    }
    installed.refresh_from_db()
    assert installed.settings_json is None


def test_a_body_that_is_not_json_is_refused(client, installed, bearer):
    response = _post(client, bearer, "{nope")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_json",
        "message": "Request body is not valid JSON.",
    }


def test_reprepare_queues_the_prepared_products(
    client, installed, bearer, django_capture_on_commit_callbacks
):
    make_ready_asset(shop=installed, product_id="11", status="live")
    make_ready_asset(shop=installed, product_id="12")
    with django_capture_on_commit_callbacks():
        response = client.post("/api/settings/reprepare", **bearer)
    assert response.status_code == 200
    assert response.json() == {"queued": ["11", "12"], "skipped": []}


def test_auto_reprepare_off_ignores_product_edits(installed):
    asset = make_ready_asset(shop=installed, product_id="11")
    installed.settings_json = json.dumps({"auto_reprepare": False})
    installed.save()
    edited = {"id": 11, "title": "A new title", "body_html": "", "tags": ""}
    assert asset_refresh_from_product_update(shop=installed, payload=edited) is False
    asset.refresh_from_db()
    assert asset.status == "ready"


def test_block_is_live_after_a_storefront_request(client, settings, installed, bearer):
    shop_mark_storefront_seen(
        shop=installed, now=datetime(2026, 11, 18, 11, 0, tzinfo=UTC)
    )
    response = client.get("/api/settings", **bearer)
    assert response.json() == _body(
        installed,
        settings,
        block_live=True,
        storefront_seen_at="2026-11-18T11:00:00+00:00",
    )


def test_upgrade_from_settings_goes_through_shopify_billing(
    client, settings, installed, bearer, fake_shopify
):
    settings.SHOPIFY_BILLING_TEST = True
    response = client.post(
        "/api/billing/plan",
        data={"plan": "pro"},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 200
    assert response.json() == {
        "plan": "pro",
        "confirmation_url": f"https://{installed.shop_domain}/admin/charges/1000/"
        "confirm_recurring_application_charge",
    }
    [subscription] = fake_shopify.subscriptions[installed.shop_domain]
    assert (subscription["name"], subscription["status"]) == ("Pro", "PENDING")


def test_settings_page_shows_plan_usage_and_the_theme_editor_link(
    client, settings, installed
):
    from tests.fakes.shopify_proxy import make_session_token

    token = make_session_token(
        shop=installed.shop_domain,
        api_key=settings.SHOPIFY_API_KEY,
        secret=settings.SHOPIFY_API_SECRET,
    )
    response = client.get(
        f"/app/settings?shop={installed.shop_domain}&host=abc&id_token={token}"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<s-page heading="Settings">' in page
    assert "Switch to Starter" in page and "Switch to Pro" in page
    assert "Downgrade to Free" not in page  # the current plan
    assert (
        f"addAppBlockId={settings.SHOPIFY_API_KEY}/see-it-now&amp;target=mainSection"
        in page
    )
    assert "Not seen on the storefront yet" in page


def test_storefront_seen_is_written_at_most_once_a_minute(installed):
    start = datetime(2026, 11, 18, 11, 0, tzinfo=UTC)
    shop_mark_storefront_seen(shop=installed, now=start)
    # Every shopper's request marks the shop seen: within the minute, no write.
    shop_mark_storefront_seen(shop=installed, now=start + timedelta(seconds=30))
    assert shop_storefront_seen_at(shop=installed) == start
    shop_mark_storefront_seen(shop=installed, now=start + timedelta(seconds=61))
    assert shop_storefront_seen_at(shop=installed) == start + timedelta(seconds=61)
