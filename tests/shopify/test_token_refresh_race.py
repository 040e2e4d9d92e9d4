"""Refresh tokens are single-use: concurrent requests must refresh only once."""

from __future__ import annotations

import json

import pytest

from shops.models import Shop
from shops.services import shop_access_token
from tests.concurrency import run_at_once
from tests.factories import make_shop

DOMAIN = "lamp-store.myshopify.com"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_refreshes_use_the_refresh_token_once(fake_shopify):
    shop = make_shop(
        shop_domain=DOMAIN,
        access_token=fake_shopify.stored_token(DOMAIN, access_ttl_s=20),
    )
    tokens, errors = run_at_once(
        lambda: shop_access_token(shop=Shop.objects.get(pk=shop.pk)), threads=6
    )
    assert errors == []
    stored = json.loads(Shop.objects.get(pk=shop.pk).access_token)["access_token"]
    assert set(tokens) == {stored}
    assert [c["grant_type"] for c in fake_shopify.calls] == ["refresh_token"]
