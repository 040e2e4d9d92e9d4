"""The merchant dashboard inside the Shopify admin (SPEC §9)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    make_asset,
    make_ready_asset,
    make_render_job,
    make_room,
    make_run,
    make_usage,
    make_variant,
)
from tests.fakes.shopify_proxy import make_session_token

# Mid-month, so "two days ago" is in this month whatever the real date is.
TODAY = "2026-11-18T12:00:00Z"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(TODAY),
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]


@pytest.fixture
def populated(shop, other_shop):
    live = make_ready_asset(shop=shop, status="live", product_title="Oak stool")
    make_asset(shop=shop, status="failed", product_title="Broken lamp")
    make_asset(shop=shop)
    run = make_run(
        asset=live, room=make_room(shop=shop), status="partial", total_duration_ms=8123
    )
    for vid in ("V01", "V02", "V03"):
        make_variant(run=run, variant_id=vid)
    make_render_job(asset=live, room=None, variant_id="V02")
    make_render_job(
        asset=live,
        room=None,
        variant_id="V03",
        config_json='{"added_to_cart_at": "2026-11-27T00:00:00+00:00"}',
    )
    today = timezone.localdate()
    make_usage(shop=shop, date=today, composite_renders=3)
    make_usage(shop=shop, date=today - timedelta(days=2), composite_renders=5)
    theirs = make_ready_asset(shop=other_shop, product_title="Their secret sofa")
    make_run(asset=theirs, room=make_room(shop=other_shop))
    make_usage(shop=other_shop, date=today, composite_renders=9)
    return shop


def _install(fake_shopify, shop) -> None:
    """An installed shop holding a still-valid offline token (no exchange needed)."""
    shop.access_token = fake_shopify.stored_token(shop.shop_domain)
    shop.save(update_fields=["access_token"])


def _session_token(settings, shop) -> str:
    return make_session_token(
        shop=shop.shop_domain,
        api_key=settings.SHOPIFY_API_KEY,
        secret=settings.SHOPIFY_API_SECRET,
    )


def test_dashboard_shows_this_shops_usage_products_and_renders(
    client, settings, populated, fake_shopify
):
    _install(fake_shopify, populated)
    response = client.get(
        f"/app/dashboard?shop={populated.shop_domain}&host=abc"
        f"&id_token={_session_token(settings, populated)}"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Renders today" in page and '3 <span class="of">of 10</span>' in page
    assert '8 <span class="of">of 300</span>' in page  # this month: 3 + 5
    assert '1 <span class="of">of 3 set up</span>' in page
    assert "1 failed" in page
    assert "Oak stool" in page and "partial" in page and "3/8" in page
    assert "Chosen: V02 ×1, V03 ×1" in page
    assert "Added to cart: V03 ×1" in page
    assert "Their secret sofa" not in page
    # Embedded: App Bridge is loaded with the app's key.
    assert f'content="{settings.SHOPIFY_API_KEY}"' in page


def test_dashboard_for_a_new_shop_says_what_to_do_first(
    client, settings, shop, fake_shopify
):
    _install(fake_shopify, shop)
    response = client.get(
        f"/app/dashboard?shop={shop.shop_domain}&host=abc"
        f"&id_token={_session_token(settings, shop)}"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "No shopper has rendered yet" in page
    assert "0/3" in page


def test_dev_login_opens_the_demo_shops_dashboard_without_shopify(
    client, settings, demo_shop
):
    settings.DEV_ADMIN_LOGIN = True
    response = client.get(f"/app/dashboard?shop={demo_shop.shop_domain}")
    assert response.status_code == 200
    page = response.content.decode()
    # The shell is the same as inside Shopify; without the CDN the local
    # stylesheet and script stand in for Polaris.
    assert "https://cdn.shopify.com/shopifycloud/app-bridge.js" in page
    assert "https://cdn.shopify.com/shopifycloud/polaris.js" in page
    assert '<s-link href="/app/products?shop=demo-shop.myshopify.com"' in page


def test_without_a_session_token_the_page_is_refused(client, settings, shop):
    settings.DEV_ADMIN_LOGIN = False
    response = client.get(f"/app/dashboard?shop={shop.shop_domain}")
    assert response.status_code != 200
    assert b"Renders today" not in response.content
