"""Shopify's published signature vectors, through the helpers and the app's verifier."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

import pytest
from django.test import RequestFactory

from shops import shopify
from tests.fakes.shopify_proxy import proxy_signature, sign_webhook

VECTOR = (
    "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1"
    "&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555"
)
VECTOR_SIG = "4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb"
BLANK = VECTOR.replace("logged_in_customer_id=1", "logged_in_customer_id=")
BLANK_SIG = "e072b6d7e6622d85912a5214b860d3100dc1e73d9bc29f43796ac8c9ff8093cb"


@pytest.mark.parametrize(
    ("query", "signature"), [(VECTOR, VECTOR_SIG), (BLANK, BLANK_SIG)]
)
def test_helper_reproduces_shopify_vectors(query, signature):
    assert (
        proxy_signature(parse_qsl(query, keep_blank_values=True), "hush") == signature
    )


@pytest.fixture
def at_vector_time(monkeypatch, settings):
    """The verifier's clock pinned to the vectors' timestamp (checks disabled)."""
    settings.SHOPIFY_API_SECRET = "hush"
    monkeypatch.setattr(time, "time", lambda: 1317327555.0)


@pytest.mark.parametrize(
    ("query", "signature", "customer"),
    [(VECTOR, VECTOR_SIG, "1"), (BLANK, BLANK_SIG, None)],
)
def test_verifier_accepts_shopify_vectors(at_vector_time, query, signature, customer):
    request = RequestFactory().get(f"/proxy/x?{query}&signature={signature}")
    assert shopify.verify_app_proxy(request) == shopify.ProxyVerification(
        True, "verified", "shop-name.myshopify.com", customer
    )


@pytest.mark.parametrize(
    "query",
    [
        VECTOR.replace("extra=2", "extra=3"),
        VECTOR.replace("extra=1&extra=2", "extra=1%2C2&extra=3"),
        VECTOR + "&more=1",
        VECTOR.replace("shop-name", "other-shop"),
    ],
)
def test_verifier_refuses_altered_vectors(at_vector_time, query):
    request = RequestFactory().get(f"/proxy/x?{query}&signature={VECTOR_SIG}")
    assert shopify.verify_app_proxy(request).ok is False


def test_webhook_helper_matches_the_package(settings):
    body = b'{"id": 1, "title": "caf\xc3\xa9"}'
    request = RequestFactory().post(
        "/webhooks",
        data=body,
        content_type="application/json",
        HTTP_X_SHOPIFY_HMAC_SHA256=sign_webhook(body, settings.SHOPIFY_API_SECRET),
        HTTP_X_SHOPIFY_SHOP_DOMAIN="shop-name.myshopify.com",
        HTTP_X_SHOPIFY_TOPIC="products/update",
        HTTP_X_SHOPIFY_WEBHOOK_ID="abc",
    )
    assert shopify.verify_webhook(request) == shopify.WebhookVerification(
        True, "verified", 200, "shop-name.myshopify.com", "products/update", "abc"
    )
