"""Session tokens for the embedded admin, against the fake Shopify Admin."""

from __future__ import annotations

import pytest

from tests.fakes.shopify_proxy import make_session_token


@pytest.fixture
def installed(shop, fake_shopify):
    """The shop holding a still-valid offline token (no token exchange needed)."""
    shop.access_token = fake_shopify.stored_token(shop.shop_domain)
    shop.save(update_fields=["access_token"])
    return shop


@pytest.fixture
def bearer(settings, installed):
    """`Authorization: Bearer <session token>` for the installed shop's fetches."""
    token = make_session_token(
        shop=installed.shop_domain,
        api_key=settings.SHOPIFY_API_KEY,
        secret=settings.SHOPIFY_API_SECRET,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
