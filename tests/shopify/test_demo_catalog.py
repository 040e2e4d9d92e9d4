"""The demo shop's catalog: a JSON file and drawn photos under MEDIA_ROOT/demo."""

from __future__ import annotations

import pytest
from PIL import Image

from demo.catalog import DemoCatalog
from demo.images import DEMO_PRODUCTS
from seeitnow.http import AppError
from shops.catalog import get_catalog
from shops.services import shop_ensure_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def catalog(settings, demo_dir):
    # The drawn photos take a while: one media root for the module.
    settings.MEDIA_ROOT = demo_dir
    return get_catalog(shop_ensure_demo())


def test_demo_shop_uses_the_demo_catalog(catalog):
    assert isinstance(catalog, DemoCatalog)


def test_every_demo_product_is_listed_with_a_local_photo(catalog, settings):
    page = catalog.list_products(limit=250)
    assert page.next_cursor is None
    assert sorted(p.id for p in page.products) == sorted(p["id"] for p in DEMO_PRODUCTS)
    product = page.products[0]
    path = settings.MEDIA_ROOT / "demo" / "products" / f"{product.handle}.jpg"
    assert product.images == [path.resolve().as_uri()]
    assert product.featured_image == product.images[0]
    assert product.preview_url == f"/media/demo/products/{product.handle}.jpg"
    with Image.open(path) as image:
        assert image.format == "JPEG"


def test_demo_product_fields_come_from_the_demo_data(catalog):
    source = DEMO_PRODUCTS[0]
    product = catalog.get_product(source["id"])
    assert (product.gid, product.title, product.handle, product.product_type) == (
        f"gid://shopify/Product/{source['id']}",
        source["title"],
        source["handle"],
        source["product_type"],
    )
    assert (product.vendor, product.tags, product.description, product.metafields) == (
        source["vendor"],
        source["tags"],
        source["description"],
        {},
    )
    assert catalog.get_product("1") is None


def test_pagination_and_search(catalog):
    titles = sorted(p["title"] for p in DEMO_PRODUCTS)
    first = catalog.list_products(limit=2)
    second = catalog.list_products(cursor=first.next_cursor, limit=2)
    assert [p.title for p in first.products + second.products] == titles[:4]
    word = DEMO_PRODUCTS[1]["title"].split()[0]
    assert [p.title for p in catalog.list_products(query=word).products] == [
        DEMO_PRODUCTS[1]["title"]
    ]


def test_tags_persist_in_the_catalog_file(catalog, settings):
    product_id = DEMO_PRODUCTS[0]["id"]
    catalog.add_tags(product_id, ["see-it-live"])
    fresh = DemoCatalog()
    assert "see-it-live" in fresh.get_product(product_id).tags
    assert [p.id for p in fresh.list_products(query="tag:see-it-live").products] == [
        product_id
    ]
    fresh.remove_tags(product_id, ["see-it-live"])
    assert catalog.get_product(product_id).tags == DEMO_PRODUCTS[0]["tags"]
    with pytest.raises(AppError) as error:
        catalog.add_tags("123", ["x"])
    assert error.value.code == "product_not_found"
