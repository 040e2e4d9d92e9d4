"""Embedded admin auth: session tokens, token exchange and refresh against the fake
Admin API, install / reinstall, and the local dev login."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from assets.models import ProductAsset
from shops.models import Shop
from tests.factories import make_asset, make_shop
from tests.fakes.shopify_proxy import make_session_token

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.shopify.urls"),
    # The test settings' secret is short; Shopify's are 32+ characters.
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]

DOMAIN = "lamp-store.myshopify.com"


@pytest.fixture
def token(settings, fake_shopify):
    def make(**overrides):
        return make_session_token(
            shop=overrides.pop("shop", DOMAIN),
            api_key=settings.SHOPIFY_API_KEY,
            secret=overrides.pop("secret", settings.SHOPIFY_API_SECRET),
            **overrides,
        )

    return make


def _fetch(client, jwt_token, path="/app/echo"):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {jwt_token}")


def test_first_document_load_installs_the_shop(client, fake_shopify, token):
    response = client.get(f"/app/echo?shop={DOMAIN}&host=abc&id_token={token()}")
    assert response.status_code == 200
    assert response.json() == {"shop": DOMAIN, "plan": "free"}
    assert response["Content-Security-Policy"] == (
        f"frame-ancestors https://{DOMAIN} https://admin.shopify.com;"
    )
    assert "X-Frame-Options" not in response
    shop = Shop.objects.get(shop_domain=DOMAIN)
    assert (shop.plan, shop.daily_quota, shop.monthly_quota) == ("free", 10, 300)
    assert shop.uninstalled_at is None
    stored = json.loads(shop.access_token)
    assert sorted(stored) == [
        "access_expires_at",
        "access_token",
        "refresh_expires_at",
        "refresh_token",
        "scope",
    ]
    assert stored["access_token"] in fake_shopify.access_tokens
    assert stored["refresh_token"] in fake_shopify.refresh_tokens
    assert shop.shopify_shop_id.isdigit()
    assert [c.get("grant_type") or c["operation"] for c in fake_shopify.calls] == [
        "urn:ietf:params:oauth:grant-type:token-exchange",
        "ShopIdentity",
    ]


def test_token_is_encrypted_at_rest(client, token):
    _fetch(client, token())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token FROM shops WHERE shop_domain = %s", [DOMAIN]
        )
        raw = cursor.fetchone()[0]
    assert raw.startswith("fernet:")
    assert "shpat_" not in raw


def test_known_shop_fetch_does_not_call_shopify(client, fake_shopify, token):
    make_shop(shop_domain=DOMAIN, access_token=fake_shopify.stored_token(DOMAIN))
    response = _fetch(client, token())
    assert response.json() == {"shop": DOMAIN, "plan": "free"}
    assert "Content-Security-Policy" not in response
    assert fake_shopify.calls == []


def test_expiring_token_is_refreshed_and_stored(client, fake_shopify, token):
    shop = make_shop(
        shop_domain=DOMAIN,
        access_token=fake_shopify.stored_token(DOMAIN, access_ttl_s=30),
    )
    old = json.loads(shop.access_token)
    assert _fetch(client, token()).status_code == 200
    shop.refresh_from_db()
    new = json.loads(shop.access_token)
    assert new["access_token"] != old["access_token"]
    assert new["refresh_token"] != old["refresh_token"]
    assert old["refresh_token"] not in fake_shopify.refresh_tokens
    assert [c["grant_type"] for c in fake_shopify.calls] == ["refresh_token"]


def test_refused_refresh_falls_back_to_token_exchange(client, fake_shopify, token):
    shop = make_shop(
        shop_domain=DOMAIN,
        access_token=fake_shopify.stored_token(DOMAIN, access_ttl_s=30),
    )
    fake_shopify.revoke_tokens(DOMAIN)
    assert _fetch(client, token()).status_code == 200
    shop.refresh_from_db()
    assert json.loads(shop.access_token)["access_token"] in fake_shopify.access_tokens
    assert [c.get("grant_type") for c in fake_shopify.calls] == [
        "refresh_token",
        "urn:ietf:params:oauth:grant-type:token-exchange",
    ]


def test_reinstall_revives_the_shop_and_keeps_its_assets(client, fake_shopify, token):
    shop = make_shop(
        shop_domain=DOMAIN,
        plan="pro",
        daily_quota=100,
        monthly_quota=3000,
        access_token="",
        uninstalled_at=timezone.now(),
    )
    asset = make_asset(shop=shop)
    response = client.get(f"/app/echo?shop={DOMAIN}&id_token={token()}")
    assert response.json() == {"shop": DOMAIN, "plan": "free"}
    shop.refresh_from_db()
    assert shop.uninstalled_at is None
    assert (shop.plan, shop.daily_quota) == ("free", 10)
    assert json.loads(shop.access_token)["access_token"] in fake_shopify.access_tokens
    assert ProductAsset.objects.get(pk=asset.pk).shop_id == shop.pk


RETRY = {"X-Shopify-Retry-Invalid-Session-Request": "1"}


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "another-app"},
        # Times are computed when the test runs, not when it is collected.
        lambda: {"issued_at": time.time() - 120},
        {"secret": "another-secret"},
        {"iss": "https://evil-store.myshopify.com/admin"},
        {
            "dest": "https://lamp-store.example.com",
            "iss": "https://lamp-store.example.com/admin",
        },
        lambda: {"nbf": int(time.time()) + 60},
    ],
    ids=["audience", "expired", "secret", "iss", "dest", "not-yet-valid"],
)
def test_bad_session_token_on_fetch_is_401_with_retry_header(client, token, claims):
    claims = claims() if callable(claims) else claims
    response = _fetch(client, token(**claims))
    assert response.status_code == 401
    assert response["X-Shopify-Retry-Invalid-Session-Request"] == "1"
    assert not Shop.objects.exists()


def test_bad_session_token_on_document_load_bounces(client, token):
    response = client.get(
        f"/app/echo?shop={DOMAIN}&host=h&id_token={token(secret='x')}"
    )
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == "/auth/patch-id-token"
    assert parse_qs(location.query) == {
        "shop": [DOMAIN],
        "host": ["h"],
        "shopify-reload": ["/app/echo?shop=lamp-store.myshopify.com&host=h"],
    }
    assert not Shop.objects.exists()


def test_document_load_without_token_bounces_and_patch_page_loads_app_bridge(
    client, settings, fake_shopify
):
    settings.DEV_ADMIN_LOGIN = False
    response = client.get(f"/app/?shop={DOMAIN}&host=h")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.content.decode() == (
        f'<script data-api-key="{settings.SHOPIFY_API_KEY}" '
        'src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>'
    )


def test_exchange_refused_by_shopify_is_not_an_install(
    client, settings, fake_shopify, token
):
    fake_shopify.api_secret = "rotated-on-shopify"
    response = _fetch(client, token())
    assert response.status_code == 500
    assert not Shop.objects.exists()


def test_dev_login_opens_the_demo_shop_only_when_enabled(
    client, settings, fake_shopify
):
    settings.DEV_ADMIN_LOGIN = True
    demo = settings.DEMO_SHOP_DOMAIN
    response = client.get(f"/app/echo?shop={demo}")
    assert response.json() == {"shop": demo, "plan": "free"}
    # The page's own fetches carry no token: the Django session remembers the login.
    assert client.get("/app/echo").json() == {"shop": demo, "plan": "free"}
    assert client.get(f"/app/echo?shop={DOMAIN}").status_code == 302
    settings.DEV_ADMIN_LOGIN = False
    assert client.get(f"/app/echo?shop={demo}").status_code == 302
    assert client.get("/app/echo").status_code == 302


def test_application_url_forwards_to_the_app_home(client):
    response = client.get(f"/?shop={DOMAIN}&host=h&embedded=1")
    assert (response.status_code, response["Location"]) == (
        302,
        f"/app/?shop={DOMAIN}&host=h&embedded=1",
    )
    assert client.get("/").status_code == 200


def test_app_home_installs_and_goes_to_the_dashboard_inside_the_iframe(client, token):
    response = client.get(f"/app/?shop={DOMAIN}&host=h&id_token={token()}")
    assert response.status_code == 302
    assert response["Location"].startswith("/app/dashboard?")
    assert response["Content-Security-Policy"].startswith("frame-ancestors")
    assert Shop.objects.filter(shop_domain=DOMAIN, uninstalled_at=None).exists()
