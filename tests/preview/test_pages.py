"""The preview shop front: gated to DEBUG / DEV_ADMIN_LOGIN, demo products with
their price and See It Now state."""

from __future__ import annotations

import pytest

from assets.models import AssetStatus
from demo.preview.selectors import WIDGET_ASSETS_DIR, PreviewProduct
from shops.models import Shop, UsageDaily
from tests.factories import make_asset, make_ready_asset

pytestmark = pytest.mark.django_db

ARMCHAIR, MIRROR, LAMP, RUG, TABLE, VASE = (f"800000000{n}" for n in range(1, 7))


@pytest.fixture
def stocked(demo_shop):
    """The demo shop with one product per interesting asset state."""
    make_ready_asset(shop=demo_shop, product_id=ARMCHAIR, status=AssetStatus.LIVE)
    make_ready_asset(shop=demo_shop, product_id=MIRROR, status=AssetStatus.READY)
    make_asset(shop=demo_shop, product_id=LAMP, status=AssetStatus.PREPARING)
    make_asset(shop=demo_shop, product_id=RUG, status=AssetStatus.FAILED)
    make_asset(shop=demo_shop, product_id=TABLE, status=AssetStatus.UNPREPARED)
    return demo_shop


def product(pid, handle, title, vendor, kind, price, live, reason):
    return {
        "id": pid,
        "handle": handle,
        "title": title,
        "vendor": vendor,
        "product_type": kind,
        "price": price,
        "image_url": f"/media/demo/products/{handle}.jpg",
        "is_live": live,
        "not_live_reason": reason,
    }


EXPECTED = [
    product(
        RUG,
        "anatolia-wool-rug",
        "Anatolia Wool Rug",
        "Loom House",
        "Rug",
        "$640.00",
        False,
        "Preparation failed",
    ),
    product(
        ARMCHAIR,
        "harlow-velvet-armchair",
        "Harlow Velvet Armchair",
        "Fern & Forge",
        "Armchair",
        "$899.00",
        True,
        "",
    ),
    product(
        LAMP,
        "marlow-ceramic-table-lamp",
        "Marlow Ceramic Table Lamp",
        "Lumen Row",
        "Table Lamp",
        "$179.00",
        False,
        "Being prepared",
    ),
    product(
        MIRROR,
        "orbit-brass-wall-mirror",
        "Orbit Brass Wall Mirror",
        "Fern & Forge",
        "Mirror",
        "$249.00",
        False,
        "Prepared, not live yet",
    ),
    product(
        TABLE,
        "pila-round-side-table",
        "Pila Round Side Table",
        "Fern & Forge",
        "Side Table",
        "$329.00",
        False,
        "Not prepared yet",
    ),
    product(
        VASE,
        "terra-glazed-vase",
        "Terra Glazed Vase",
        "Loom House",
        "Vase",
        "$89.00",
        False,
        "Not prepared yet",
    ),
]


def summary(p: PreviewProduct) -> dict:
    return {
        key: getattr(p, key)
        for key in (
            "id",
            "handle",
            "title",
            "vendor",
            "product_type",
            "price",
            "image_url",
            "is_live",
            "not_live_reason",
        )
    }


def test_storefront_lists_the_demo_products_with_their_state(client, stocked, settings):
    settings.DEBUG = True
    response = client.get("/preview/")
    assert response.status_code == 200
    assert [summary(p) for p in response.context["products"]] == EXPECTED
    html = response.content.decode()
    assert html.count('class="card"') == 6
    assert html.count(">See it in your home</span>") == 1
    assert html.count("Not prepared yet") == 2
    assert "/static/preview/preview.css" in html
    assert "<script" not in html.split("</main>")[0]


def test_a_live_product_page_offers_the_flow(client, stocked, settings):
    settings.DEBUG = True
    response = client.get("/preview/products/harlow-velvet-armchair")
    assert response.status_code == 200
    html = response.content.decode()
    # The theme app extension's widget, configured as the Liquid block does it,
    # with the preview's proxy emulator and fake cart instead of the shop's.
    assert "data-see-it-now-open" in html
    assert f'data-product-id="{ARMCHAIR}"' in html
    assert f'data-variant-id="{ARMCHAIR}01"' in html
    assert 'data-proxy-base="/preview/apps/see-it"' in html
    assert 'data-cart-add-url="/preview/cart/add.js"' in html
    assert 'data-shop="demo-shop.myshopify.com"' in html
    assert '<script src="/preview/widget/see-it-now.js" defer>' in html
    # The loader fetches the modal on first use, from the URL the block passes.
    assert 'data-modal-src="/preview/widget/see-it-now-modal.js"' in html
    assert '<script src="/preview/widget/see-it-now-modal.js' not in html
    assert 'href="/preview/widget/see-it-now.css"' in html
    assert "/static/preview/preview.js" in html
    config = response.context["widget_config"]
    assert config["sample_rooms"] == [
        {"name": "bedroom", "label": "Bedroom", "url": "/media/demo/rooms/bedroom.jpg"},
        {
            "name": "dining_room",
            "label": "Dining room",
            "url": "/media/demo/rooms/dining_room.jpg",
        },
        {
            "name": "living_room",
            "label": "Living room",
            "url": "/media/demo/rooms/living_room.jpg",
        },
    ]
    assert config["strings"]["button"] == "See it in your home"
    assert '<script id="see-it-now-config" type="application/json">' in html


def test_the_widget_speaks_the_requested_locale(client, stocked, settings):
    settings.DEBUG = True
    url = "/preview/products/harlow-velvet-armchair"
    french = client.get(url, {"locale": "fr"})
    assert french.context["locale"] == "fr"
    assert french.context["widget_config"]["strings"]["done.add_to_cart"] == (
        "Ajouter au panier"
    )
    assert "<span>Voir chez moi</span>" in french.content.decode()
    unknown = client.get(url, {"locale": "xx"})
    assert unknown.context["locale"] == "en"


def test_the_widget_assets_are_served_from_the_extension(client, stocked, settings):
    settings.DEBUG = True
    js = client.get("/preview/widget/see-it-now.js")
    assert js.status_code == 200
    assert js["Content-Type"] in {"text/javascript", "application/javascript"}
    source = b"".join(js.streaming_content).decode()
    assert source == (WIDGET_ASSETS_DIR / "see-it-now.js").read_text()
    modal = client.get("/preview/widget/see-it-now-modal.js")
    assert modal.status_code == 200
    assert b"".join(modal.streaming_content).decode() == (
        (WIDGET_ASSETS_DIR / "see-it-now-modal.js").read_text()
    )
    assert client.get("/preview/widget/see-it-now.css").status_code == 200
    assert client.get("/preview/widget/../blocks/see-it-now.liquid").status_code == 404
    assert client.get("/preview/widget/missing.js").status_code == 404


@pytest.mark.parametrize(
    ("handle", "reason"),
    [
        ("terra-glazed-vase", "Not prepared yet"),
        ("orbit-brass-wall-mirror", "Prepared, not live yet"),
    ],
)
def test_a_product_that_is_not_live_says_why(client, stocked, settings, handle, reason):
    response = client.get(f"/preview/products/{handle}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"See it in your home · <span>{reason}</span>" in html
    assert "data-see-it-now" not in html
    assert "see-it-now.js" not in html


def test_an_unknown_product_is_404(client, stocked):
    assert client.get("/preview/products/no-such-thing").status_code == 404


def test_an_unseeded_demo_shop_says_how_to_seed(client, db, settings):
    settings.DEBUG = True
    response = client.get("/preview/")
    assert response.status_code == 200
    assert response.context["products"] == []
    assert "python manage.py seed_demo" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/preview/",
        "/preview/products/harlow-velvet-armchair",
        "/preview/apps/see-it/room/upload",
        "/preview/widget/see-it-now.js",
        "/preview/cart/add.js",
        "/preview/cart.js",
    ],
)
def test_everything_is_404_without_debug_and_dev_login(client, stocked, settings, url):
    settings.DEBUG = False
    settings.DEV_ADMIN_LOGIN = False
    assert client.get(url).status_code == 404
    assert client.post(url, {}, "application/json").status_code == 404


def test_dev_admin_login_alone_enables_the_preview(client, stocked, settings):
    settings.DEBUG = False
    settings.DEV_ADMIN_LOGIN = True
    assert client.get("/preview/").status_code == 200


@pytest.mark.time_machine("2026-11-18T12:00:00Z", tick=False)
def test_a_shop_whose_quota_is_spent_shows_no_button(client, stocked, settings):
    # The demo has no Liquid: it passes what `see_it_now.available` would say.
    settings.DEBUG = True
    shop = Shop.objects.get(shop_domain=settings.DEMO_SHOP_DOMAIN)
    UsageDaily.objects.update_or_create(
        shop=shop,
        date="2026-11-18",
        defaults={"composite_renders": shop.daily_quota},
    )
    html = client.get("/preview/products/harlow-velvet-armchair").content.decode()
    assert "data-see-it-now-open" not in html
    assert "See it in your home · <span>Renders used up</span>" in html
    UsageDaily.objects.filter(shop=shop).update(composite_renders=0)
    html = client.get("/preview/products/harlow-velvet-armchair").content.decode()
    assert "data-see-it-now-open" in html
