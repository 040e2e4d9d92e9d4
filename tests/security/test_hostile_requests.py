"""Security review: requests that used to answer 500 HTML on the App Proxy."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest

from tests.factories import make_shop
from tests.fakes.shopify_proxy import sign_proxy_query

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.shopify.urls")]

FORBIDDEN = {
    "error": "forbidden",
    "message": "Request signature is invalid or expired.",
}
INVALID_JSON = {"error": "invalid_json", "message": "Request body is not valid JSON."}


@pytest.fixture
def installed(db):
    return make_shop(shop_domain="lamp-store.myshopify.com")


@pytest.mark.parametrize("signature", ["é" * 64, "\u2603", "a" * 63 + "ß"])
def test_non_ascii_proxy_signature_is_403_json(client, installed, signature):
    query = urlencode(
        {
            "shop": installed.shop_domain,
            "timestamp": int(time.time()),
            "signature": signature,
        }
    )
    response = client.get(f"/proxy/echo?{query}")
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "body",
    [
        '{"room_session_id": ' + "9" * 5000 + "}",
        '{"n": ' + "1" * 41 + "}",
        '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"x": 1e999}',
        '{"x": -Infinity}',
        '{"x": NaN}',
    ],
    ids=["5000-digits", "41-digits", "deep", "overflow", "infinity", "nan"],
)
def test_hostile_json_body_is_400_json(client, settings, installed, body):
    params = {"shop": installed.shop_domain, "read_body": "1"}
    query = sign_proxy_query(params, settings.SHOPIFY_API_SECRET)
    response = client.post(f"/proxy/echo?{query}", body, "application/json")
    assert (response.status_code, response.json()) == (400, INVALID_JSON)


def test_ordinary_numbers_still_parse(client, settings, installed):
    params = {"shop": installed.shop_domain, "read_body": "1"}
    query = sign_proxy_query(params, settings.SHOPIFY_API_SECRET)
    body = '{"id": 12345678901234567890, "x": 1e-300, "w": 0.25}'
    response = client.post(f"/proxy/echo?{query}", body, "application/json")
    assert response.json() == {
        "body": {"id": 12345678901234567890, "x": 1e-300, "w": 0.25}
    }
