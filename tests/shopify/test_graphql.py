"""The Admin GraphQL client and the Shopify catalog against the fake Admin API."""

from __future__ import annotations

import pytest

from seeitnow.http import AppError
from shops import shopify
from shops.catalog import CatalogProduct, ProductPage, ShopifyCatalog, get_catalog
from tests.factories import make_shop

pytestmark = pytest.mark.django_db

DOMAIN = "lamp-store.myshopify.com"


@pytest.fixture
def shop(fake_shopify):
    return make_shop(shop_domain=DOMAIN, access_token=fake_shopify.stored_token(DOMAIN))


@pytest.fixture
def products(fake_shopify):
    fake_shopify.add_product(
        DOMAIN,
        3,
        "Walnut table",
        product_type="Table",
        tags=["wood"],
        description_html="<p>120 x 80 cm</p>",
        metafields={"custom.width": "120"},
        images=["https://cdn.shopify.com/a.jpg", "https://cdn.shopify.com/b.jpg"],
    )
    fake_shopify.add_product(DOMAIN, 1, "Arc lamp", tags=["see-it-live"])
    fake_shopify.add_product(DOMAIN, 2, "Mirror", images=[])
    fake_shopify.add_product("other-store.myshopify.com", 9, "Not yours")


def test_catalog_of_a_shopify_shop_is_the_admin_api(shop):
    assert isinstance(get_catalog(shop), ShopifyCatalog)


def test_products_are_paginated_with_cursors(shop, products):
    catalog = get_catalog(shop)
    first = catalog.list_products(limit=2)
    assert [p.title for p in first.products] == ["Arc lamp", "Mirror"]
    assert first.next_cursor is not None
    second = catalog.list_products(cursor=first.next_cursor, limit=2)
    assert second == ProductPage(
        products=[
            CatalogProduct(
                id="3",
                gid="gid://shopify/Product/3",
                title="Walnut table",
                handle="walnut-table",
                product_type="Table",
                vendor="Fake Vendor",
                tags=["wood"],
                description="<p>120 x 80 cm</p>",
                images=[
                    "https://cdn.shopify.com/a.jpg",
                    "https://cdn.shopify.com/b.jpg",
                ],
                featured_image="https://cdn.shopify.com/a.jpg",
                metafields={"custom.width": "120"},
                preview_url="https://cdn.shopify.com/a.jpg",
            )
        ],
        next_cursor=None,
    )


def test_search_query_is_passed_to_shopify(shop, products, fake_shopify):
    page = get_catalog(shop).list_products(query="tag:see-it-live")
    assert [p.id for p in page.products] == ["1"]
    assert fake_shopify.graphql_calls("Products")[-1]["variables"] == {
        "first": 25,
        "after": None,
        "query": "tag:see-it-live",
    }


def test_get_product_by_numeric_id_or_gid(shop, products):
    catalog = get_catalog(shop)
    assert catalog.get_product("2").images == []
    assert catalog.get_product("gid://shopify/Product/2").featured_image is None
    assert catalog.get_product("404") is None
    with pytest.raises(AppError) as error:
        catalog.get_product("../2")
    assert error.value.code == "invalid_product_id"


def test_tags_are_added_and_removed(shop, products, fake_shopify):
    catalog = get_catalog(shop)
    catalog.add_tags("3", ["see-it-live"])
    assert fake_shopify.product(DOMAIN, 3)["tags"] == ["see-it-live", "wood"]
    catalog.remove_tags("3", ["see-it-live"])
    assert fake_shopify.product(DOMAIN, 3)["tags"] == ["wood"]
    with pytest.raises(AppError) as error:
        catalog.add_tags("77", ["see-it-live"])
    assert (error.value.code, error.value.status) == ("product_not_found", 404)


def test_cost_throttling_is_retried(shop, products, fake_shopify):
    fake_shopify.throttle_next(2)
    assert get_catalog(shop).get_product("1").title == "Arc lamp"
    assert len(fake_shopify.graphql_calls("Product")) == 3


def test_http_429_is_retried(shop, products, fake_shopify):
    fake_shopify.rate_limit_next(1)
    assert get_catalog(shop).get_product("1").title == "Arc lamp"
    assert len(fake_shopify.graphql_calls("Product")) == 2


def test_persistent_throttling_is_a_clear_error(shop, products, fake_shopify):
    fake_shopify.throttle_next(10)
    client = shopify.AdminClient(
        shop_domain=DOMAIN,
        access_token=fake_shopify.issue_tokens(DOMAIN)["access_token"],
    )
    with pytest.raises(shopify.ShopifyAdminError) as error:
        client.get_product(gid="gid://shopify/Product/1")
    assert (error.value.code, error.value.message) == ("throttled", "Throttled")
    assert (
        len(fake_shopify.graphql_calls("Product"))
        == 1 + shopify.graphql.THROTTLE_RETRIES
    )


def test_revoked_token_is_an_auth_error(shop, products, fake_shopify):
    fake_shopify.revoke_tokens(DOMAIN)
    with pytest.raises(AppError) as error:
        get_catalog(shop).list_products()
    assert (error.value.code, error.value.status) == ("shopify_unauthorized", 401)


def test_another_shops_token_is_refused(products, fake_shopify):
    token = fake_shopify.issue_tokens("other-store.myshopify.com")["access_token"]
    client = shopify.AdminClient(shop_domain=DOMAIN, access_token=token)
    with pytest.raises(shopify.ShopifyAuthError):
        client.list_products(first=5)


def test_graphql_error_is_a_clear_error(shop, fake_shopify):
    client = shopify.AdminClient(
        shop_domain=DOMAIN,
        access_token=fake_shopify.issue_tokens(DOMAIN)["access_token"],
    )
    with pytest.raises(shopify.ShopifyAdminError) as error:
        client.execute("query Nope { nope }")
    assert (error.value.code, error.value.message) == (
        "graphql_errors",
        "Unknown operation 'Nope'",
    )


def test_unreachable_shopify_is_502(shop, settings):
    settings.SHOPIFY_ADMIN_ORIGIN_OVERRIDE = "http://127.0.0.1:9"
    with pytest.raises(AppError) as error:
        get_catalog(shop).list_products()
    assert (error.value.code, error.value.status) == ("shopify_unavailable", 502)


def test_api_version_comes_from_settings(shop, products, fake_shopify, settings):
    get_catalog(shop).list_products()
    assert fake_shopify.graphql_calls()[-1]["path"] == (
        f"/admin/api/{settings.SHOPIFY_API_VERSION}/graphql.json"
    )
