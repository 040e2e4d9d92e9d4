"""Security review: the patch-id-token page, session token times, request logs."""

from __future__ import annotations

import io
import json
import logging
import time
import uuid

import jwt
import pytest

from seeitnow.logging import JsonFormatter, RequestIdFilter
from shops.models import Shop

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.shopify.urls"),
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]

DOMAIN = "lamp-store.myshopify.com"


@pytest.mark.parametrize(
    "query",
    [
        "shop=*",
        "shop=evil.example.com%20https://*",
        "shop=lamp-store.myshopify.com;%20script-src%20*",
        f"shop={DOMAIN}&shop=evil.myshopify.com",
        "shop=",
    ],
    ids=["star", "other-host", "csp-injection", "two-shops", "empty"],
)
def test_patch_id_token_page_refuses_what_is_not_one_shop_domain(client, query):
    response = client.get(f"/auth/patch-id-token?{query}&shopify-reload=/app/")
    assert (response.status_code, response.content) == (400, b"Bad Request")
    assert "Content-Security-Policy" not in response


def test_patch_id_token_page_frames_only_the_shop(client):
    response = client.get(f"/auth/patch-id-token?shop={DOMAIN}&shopify-reload=/app/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        f"frame-ancestors https://{DOMAIN} https://admin.shopify.com;"
    )


def _token(settings, *, drop=(), lifetime_s=60, nbf_offset=0):
    now = int(time.time())
    claims = {
        "iss": f"https://{DOMAIN}/admin",
        "dest": f"https://{DOMAIN}",
        "aud": settings.SHOPIFY_API_KEY,
        "sub": "42",
        "exp": now + lifetime_s,
        "nbf": now + nbf_offset,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "sid": uuid.uuid4().hex,
    }
    for name in drop:
        del claims[name]
    return jwt.encode(claims, settings.SHOPIFY_API_SECRET, algorithm="HS256")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"drop": ["exp"]},
        {"drop": ["nbf"]},
        {"drop": ["iat"]},
        {"drop": ["exp", "nbf", "iat"]},
        {"lifetime_s": 71},
        {"lifetime_s": 86400},
        {"lifetime_s": 3600, "nbf_offset": 3590},
    ],
    ids=["no-exp", "no-nbf", "no-iat", "no-times", "71s", "a-day", "late-nbf"],
)
def test_session_token_without_times_or_living_too_long_is_refused(
    client, settings, fake_shopify, kwargs
):
    response = client.get(
        "/app/echo", HTTP_AUTHORIZATION=f"Bearer {_token(settings, **kwargs)}"
    )
    assert response.status_code == 401
    assert response["X-Shopify-Retry-Invalid-Session-Request"] == "1"
    assert not Shop.objects.exists()
    assert fake_shopify.calls == []


def test_one_minute_token_with_leeway_is_accepted(client, settings, fake_shopify):
    response = client.get(
        "/app/echo", HTTP_AUTHORIZATION=f"Bearer {_token(settings, lifetime_s=70)}"
    )
    assert response.json() == {"shop": DOMAIN, "plan": "free"}


def test_request_log_never_carries_the_session_token(client, settings):
    # The console handler as configured (its filter and formatter), on a buffer.
    console = settings.LOGGING["handlers"]["console"]
    assert console["filters"] == ["request_id"]
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    secret = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2lnbmF0dXJl"
    try:
        response = client.get(f"/auth/patch-id-token?shop=*&id_token={secret}")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 400
    [line] = buffer.getvalue().splitlines()
    record = json.loads(line)
    assert record["message"] == "Bad Request: /auth/patch-id-token"
    assert record["request"] == (
        "<WSGIRequest: GET '/auth/patch-id-token?shop=*&id_token=[redacted]'>"
    )
    assert secret not in line
