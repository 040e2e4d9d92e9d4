"""A render for the shopper's selected product variant uses that variant's own
prepared image when it is live, else the product's default asset."""

from __future__ import annotations

import pytest

from assets.models import AssetStatus
from renders.models import RenderRun
from shops.models import UsageDaily
from tests.render.client import proxy
from tests.render.scene import confirmed_room, live_asset

pytestmark = pytest.mark.django_db(transaction=True)

PRODUCT = "7001"
ALL = ["V01", "V02", "V03", "V04", "V05", "V06", "V07", "V08"]


@pytest.fixture
def product(shop):
    """A product whose default asset and blue variant (42) are both live."""
    default, _ = live_asset(shop=shop, product_id=PRODUCT)
    blue, _ = live_asset(
        shop=shop, product_id=PRODUCT, variant_id="42", is_default=False
    )
    return default, blue


def post_render(client, shop, variant_id):
    """A sync render of PRODUCT with `variant_id`, in a new confirmed room."""
    room, _ = confirmed_room(shop=shop)
    body = {
        "room_session_id": str(room.id),
        "product_id": PRODUCT,
        "variant_id": variant_id,
    }
    return proxy(client, shop, "see-it-now/render", body)


def render(client, shop, variant_id):
    response = post_render(client, shop, variant_id)
    assert response.status_code == 200, response.content
    run = RenderRun.objects.get()
    result = response.json()
    assert result == {
        "run_id": str(run.id),
        "status": "complete",
        "variants": result["variants"],
        "duration_ms": run.total_duration_ms,
        "version": "see-it-now-v2",
    }
    assert [v["id"] for v in result["variants"]] == ALL
    return run


@pytest.mark.parametrize("variant_id", ["42", 42, "gid://shopify/ProductVariant/42"])
def test_selected_variant_with_its_own_live_asset_is_rendered(
    client, shop, product, variant_id
):
    _, blue = product
    run = render(client, shop, variant_id)
    assert run.product_asset_id == blue.id
    assert run.product_image_hash != ""


@pytest.mark.parametrize("variant_id", ["43", None, ""])
def test_variant_without_an_asset_falls_back_to_the_default(
    client, shop, product, variant_id
):
    default, _ = product
    assert render(client, shop, variant_id).product_asset_id == default.id


def test_variant_asset_not_live_falls_back_to_the_default(client, shop, product):
    default, blue = product
    blue.status = AssetStatus.READY
    blue.save(update_fields=["status"])
    assert render(client, shop, "42").product_asset_id == default.id


@pytest.mark.parametrize(
    "variant_id",
    ["blue", True, 1.5, {"id": 42}, "gid://shopify/Product/42", "-42", "4" * 21],
)
def test_malformed_variant_id_is_refused_and_changes_nothing(
    client, shop, product, variant_id
):
    response = post_render(client, shop, variant_id)
    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "invalid_variant_id",
            "message": "variant_id must be a Shopify product variant id.",
        },
    )
    assert RenderRun.objects.count() == 0
    assert UsageDaily.objects.filter(composite_renders__gt=0).count() == 0


def test_product_id_is_checked_before_the_variant_id(client, shop):
    room, _ = confirmed_room(shop=shop)
    body = {"room_session_id": str(room.id), "variant_id": "blue"}
    response = proxy(client, shop, "see-it-now/render", body)
    assert (response.status_code, response.json()) == (
        400,
        {"error": "missing_product_id", "message": "product_id is required."},
    )
