"""App proxy verification through real HTTP requests with real signatures."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from tests.factories import make_shop
from tests.fakes.shopify_proxy import proxy_signature, sign_proxy_query

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.shopify.urls")]

FORBIDDEN = {
    "error": "forbidden",
    "message": "Request signature is invalid or expired.",
}


@pytest.fixture
def installed(db):
    return make_shop(shop_domain="lamp-store.myshopify.com")


def _get(client, settings, params, path="/proxy/echo"):
    query = sign_proxy_query(params, settings.SHOPIFY_API_SECRET)
    return client.get(f"{path}?{query}")


def test_signed_request_reaches_the_view_with_its_shop(client, settings, installed):
    response = _get(client, settings, {"shop": installed.shop_domain})
    assert response.status_code == 200
    assert response.json() == {"shop": "lamp-store.myshopify.com"}
    assert response["Cache-Control"] == "no-store"
    assert response["Access-Control-Allow-Origin"] == "https://lamp-store.myshopify.com"
    assert response["Content-Type"] == "application/json"


def test_signature_with_the_old_secret_is_accepted_during_rotation(
    client, settings, installed
):
    settings.SHOPIFY_API_SECRET_OLD = "previous-secret"
    query = sign_proxy_query({"shop": installed.shop_domain}, "previous-secret")
    assert client.get(f"/proxy/echo?{query}").status_code == 200


def _signed(params: list[tuple[str, str]], secret: str) -> str:
    return urlencode([*params, ("signature", proxy_signature(params, secret))])


@pytest.mark.parametrize(
    "case",
    [
        "forged",
        "missing",
        "stale",
        "future",
        "duplicate_shop",
        "other_shop",
        "not_myshopify",
        "bad_timestamp",
    ],
)
def test_unverifiable_requests_are_refused(client, settings, installed, case):
    now = int(time.time())
    secret = settings.SHOPIFY_API_SECRET
    base = [
        ("shop", installed.shop_domain),
        ("logged_in_customer_id", ""),
        ("path_prefix", "/apps/see-it"),
        ("timestamp", str(now)),
    ]
    queries = {
        "forged": _signed(base, "not-the-secret"),
        "missing": urlencode(base),
        "stale": _signed([*base[:3], ("timestamp", str(now - 91))], secret),
        "future": _signed([*base[:3], ("timestamp", str(now + 91))], secret),
        "duplicate_shop": _signed([*base, ("shop", "other.myshopify.com")], secret),
        "other_shop": _signed(base, secret).replace("lamp-store", "other-store"),
        "not_myshopify": _signed(
            [("shop", "lamp-store.example.com"), *base[1:]], secret
        ),
        "bad_timestamp": _signed([*base[:3], ("timestamp", "soon")], secret),
    }
    response = client.get(f"/proxy/echo?{queries[case]}")
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert response["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in response


def test_timestamp_within_90_seconds_is_accepted(client, settings, installed):
    params = {"shop": installed.shop_domain, "timestamp": str(int(time.time()) - 85)}
    assert _get(client, settings, params).status_code == 200


@pytest.mark.parametrize("state", ["unknown", "uninstalled"])
def test_unknown_or_uninstalled_shop_is_404(client, settings, installed, state):
    if state == "uninstalled":
        installed.uninstalled_at = timezone.now()
        installed.save()
    shop = installed.shop_domain if state == "uninstalled" else "nobody.myshopify.com"
    response = _get(client, settings, {"shop": shop})
    assert (response.status_code, response.json()) == (
        404,
        {"error": "shop_not_found", "message": "Shop is not installed."},
    )
    assert response["Cache-Control"] == "no-store"


def test_allowlist_refuses_other_shops_unless_the_view_checks_it_itself(
    client, settings, installed
):
    settings.SEE_IT_NOW_ALLOWED_SHOPS = ["someone-else.myshopify.com"]
    response = _get(client, settings, {"shop": installed.shop_domain})
    assert (response.status_code, response.json()) == (
        403,
        {
            "error": "see_it_now_not_enabled",
            "message": "See It Now is not enabled for this shop.",
        },
    )
    open_view = _get(client, settings, {"shop": installed.shop_domain}, "/proxy/open")
    assert open_view.status_code == 200
    settings.SEE_IT_NOW_ALLOWED_SHOPS = ["LAMP-store.myshopify.com"]
    assert _get(client, settings, {"shop": installed.shop_domain}).status_code == 200


def test_app_error_in_the_view_is_json_with_proxy_headers(client, settings, installed):
    response = _get(client, settings, {"shop": installed.shop_domain, "fail": "1"})
    assert (response.status_code, response.json()) == (
        404,
        {"error": "room_not_found", "message": "Room not found."},
    )
    assert response["Cache-Control"] == "no-store"
    assert response["Access-Control-Allow-Origin"] == "https://lamp-store.myshopify.com"


def test_options_is_204_with_cors(client, settings, installed):
    query = sign_proxy_query(
        {"shop": installed.shop_domain}, settings.SHOPIFY_API_SECRET
    )
    response = client.options(f"/proxy/echo?{query}")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "https://lamp-store.myshopify.com"
    assert response["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    assert response["Cache-Control"] == "no-store"


def test_post_without_csrf_token_is_accepted(settings, installed):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    query = sign_proxy_query(
        {"shop": installed.shop_domain}, settings.SHOPIFY_API_SECRET
    )
    response = client.post(
        f"/proxy/echo?{query}", data="{}", content_type="application/json"
    )
    assert response.status_code == 200


def _post(client, settings, params, body: str | bytes):
    query = sign_proxy_query(params, settings.SHOPIFY_API_SECRET)
    return client.post(f"/proxy/echo?{query}", body, "application/json")


TOO_LARGE = {"error": "payload_too_large", "message": "Request body is too large."}


def test_verification_reads_only_the_url_not_the_body(client, settings, installed):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    big = '{"pad": "' + "x" * 500 + '"}'
    shop = {"shop": installed.shop_domain}

    # A view that never reads the body is not refused for its size...
    assert _post(client, settings, shop, big).json() == {"shop": installed.shop_domain}
    # ...nor for bytes that are not UTF-8: only the query is signed.
    assert _post(client, settings, shop, b"\xff\xfe{}").status_code == 200
    # A forged request is refused before its body is looked at.
    forged = client.post(
        f"/proxy/echo?{urlencode({**shop, 'timestamp': int(time.time())})}",
        big,
        "application/json",
    )
    assert (forged.status_code, forged.json()) == (403, FORBIDDEN)


def test_body_over_the_upload_limit_is_json_413(client, settings, installed):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    params = {"shop": installed.shop_domain, "read_body": "1"}
    small = _post(client, settings, params, '{"a": 1}')
    assert small.json() == {"body": {"a": 1}}

    response = _post(client, settings, params, '{"pad": "' + "x" * 500 + '"}')
    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response["Access-Control-Allow-Origin"] == "https://lamp-store.myshopify.com"
