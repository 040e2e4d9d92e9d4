"""Refresh tokens are single-use: concurrent requests must refresh only once."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection

from shops.models import Shop
from shops.services import shop_access_token
from tests.factories import make_shop

DOMAIN = "lamp-store.myshopify.com"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_refreshes_use_the_refresh_token_once(fake_shopify):
    shop = make_shop(
        shop_domain=DOMAIN,
        access_token=fake_shopify.stored_token(DOMAIN, access_ttl_s=20),
    )
    tokens, errors = [], []
    barrier = threading.Barrier(6)

    def worker():
        try:
            barrier.wait()
            tokens.append(shop_access_token(shop=Shop.objects.get(pk=shop.pk)))
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = json.loads(Shop.objects.get(pk=shop.pk).access_token)["access_token"]
    assert set(tokens) == {stored}
    assert [c["grant_type"] for c in fake_shopify.calls] == ["refresh_token"]
