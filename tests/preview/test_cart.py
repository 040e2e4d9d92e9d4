"""The preview's stand-in for the shop's AJAX cart: `/preview/cart/add.js` and
`/preview/cart.js` answer in Shopify's shape and keep the cart in the session."""

from __future__ import annotations

import json

import pytest

from assets.models import AssetStatus
from tests.factories import make_ready_asset

pytestmark = pytest.mark.django_db

ARMCHAIR = "8000000001"
VASE = "8000000006"
ADD = "/preview/cart/add.js"


@pytest.fixture
def shop(demo_shop, settings):
    settings.DEBUG = True
    make_ready_asset(shop=demo_shop, product_id=ARMCHAIR, status=AssetStatus.LIVE)
    return demo_shop


def add(client, body):
    return client.post(ADD, json.dumps(body), "application/json")


def armchair_line(quantity: int, properties: dict) -> dict:
    return {
        "id": 800000000101,
        "variant_id": 800000000101,
        "product_id": 8000000001,
        "key": "800000000101:preview",
        "title": "Harlow Velvet Armchair",
        "product_title": "Harlow Velvet Armchair",
        "handle": "harlow-velvet-armchair",
        "url": "/preview/products/harlow-velvet-armchair",
        "image": "/media/demo/products/harlow-velvet-armchair.jpg",
        "quantity": quantity,
        "price": 89900,
        "line_price": 89900 * quantity,
        "properties": properties,
    }


def test_adding_answers_with_the_line_items_and_counts_them(client, shop):
    properties = {"_see_it_now_variant": "V03"}
    first = add(
        client,
        {"items": [{"id": 800000000101, "quantity": 1, "properties": properties}]},
    )
    assert first.status_code == 200
    assert first.json() == {"items": [armchair_line(1, properties)]}
    assert add(client, {"id": f"{VASE}01", "quantity": 2}).status_code == 200
    cart = client.get("/preview/cart.js").json()
    assert cart["item_count"] == 3
    assert [(line["id"], line["quantity"]) for line in cart["items"]] == [
        (800000000101, 1),
        (800000000601, 2),
    ]
    assert cart["total_price"] == 89900 + 2 * 8900
    page = client.get("/preview/").content.decode()
    assert 'aria-label="Cart, 3 items"' in page
    assert '<span class="cart__count" data-cart-count>3</span>' in page


def test_a_form_post_adds_one(client, shop):
    response = client.post(ADD, {"id": f"{ARMCHAIR}01"})
    assert response.json()["items"][0]["quantity"] == 1


@pytest.mark.parametrize(
    ("body", "status", "description"),
    [
        ({"items": [{"id": 123, "quantity": 1}]}, 404, "Cannot find variant"),
        ({"id": f"{ARMCHAIR}01", "quantity": 0}, 422, "Quantity must be 1 or more"),
        ({"items": [{"quantity": 1}]}, 400, "Parameter Missing or Invalid"),
        (
            {"id": f"{ARMCHAIR}01", "quantity": "lots"},
            400,
            "Parameter Missing or Invalid",
        ),
    ],
)
def test_cart_errors_have_shopifys_shape(client, shop, body, status, description):
    response = add(client, body)
    assert response.status_code == status
    assert response.json() == {
        "status": status,
        "message": "Cart Error",
        "description": description,
    }
    assert client.get("/preview/cart.js").json()["item_count"] == 0


def test_a_broken_body_and_the_wrong_method_are_refused(client, shop):
    broken = client.post(ADD, "{not json", "application/json")
    assert broken.status_code == 400
    assert client.get(ADD).status_code == 405
    assert client.post("/preview/cart.js").status_code == 405


def test_one_bad_item_adds_nothing(client, shop):
    body = {"items": [{"id": f"{ARMCHAIR}01", "quantity": 1}, {"id": 5, "quantity": 1}]}
    assert add(client, body).status_code == 404
    assert client.get("/preview/cart.js").json()["item_count"] == 0
