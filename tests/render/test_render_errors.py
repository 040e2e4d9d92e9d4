"""Every refusal of see-it-now/render, in SPEC §5's order, leaves nothing behind."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from assets.models import AssetStatus
from renders.models import RenderRun
from shops.models import UsageDaily
from shops.quota import rate_limit_allow
from tests.factories import make_asset, make_ready_asset, make_room
from tests.render.client import proxy
from tests.render.scene import confirmed_room, live_asset

pytestmark = pytest.mark.django_db


def refused(client, shop, body=None, raw=None):
    """POST a render and return (status, JSON) after checking no side effect."""
    before = list(
        UsageDaily.objects.values_list("shop_id", "date", "composite_renders")
    )
    response = proxy(client, shop, "see-it-now/render", body, raw=raw)
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    assert RenderRun.objects.count() == 0
    after = list(UsageDaily.objects.values_list("shop_id", "date", "composite_renders"))
    assert after == before
    return response.status_code, response.json()


def test_not_allowlisted_comes_first(client, shop, settings):
    settings.SEE_IT_NOW_ALLOWED_SHOPS = ["someone-else.myshopify.com"]
    assert refused(client, shop, raw="{not json") == (
        403,
        {
            "error": "see_it_now_not_enabled",
            "message": "See It Now is not enabled for this shop.",
        },
    )


def test_invalid_json(client, shop):
    shop.daily_quota = 0
    shop.save()
    assert refused(client, shop, raw="{not json") == (
        400,
        {"error": "invalid_json", "message": "Request body is not valid JSON."},
    )
    assert refused(client, shop, raw="[1, 2]") == (
        400,
        {"error": "invalid_json", "message": "Request body must be a JSON object."},
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"product_id": "1"}, ("missing_room_session", "room_session_id is required.")),
        (
            {"room_session_id": "not-a-uuid", "product_id": "1"},
            ("missing_room_session", "room_session_id must be a room session id."),
        ),
        (
            {"room_session_id": 12, "product_id": "1"},
            ("missing_room_session", "room_session_id must be a room session id."),
        ),
        (
            {"room_session_id": str(uuid.uuid4())},
            ("missing_product_id", "product_id is required."),
        ),
        (
            {"room_session_id": str(uuid.uuid4()), "product_id": "abc"},
            ("missing_product_id", "product_id must be a Shopify product id."),
        ),
        (
            {"room_session_id": str(uuid.uuid4()), "product_id": True},
            ("missing_product_id", "product_id must be a Shopify product id."),
        ),
    ],
)
def test_missing_or_malformed_ids(client, shop, body, expected):
    # The quota is exhausted too: the ids are checked before it.
    shop.daily_quota = 0
    shop.save()
    assert refused(client, shop, body) == (
        400,
        {"error": expected[0], "message": expected[1]},
    )


def test_rate_limit_before_quota(client, shop, settings):
    shop.daily_quota = 0
    shop.save()
    room_id = str(uuid.uuid4())
    for _ in range(settings.RENDER_RATE_LIMIT):
        assert rate_limit_allow(key=f"render:{room_id}", limit=10, window_s=60)
    body = {"room_session_id": room_id, "product_id": "1"}
    assert refused(client, shop, body) == (
        429,
        {
            "error": "rate_limit_exceeded",
            "message": "Too many renders for this room photo; try again in a minute.",
        },
    )


def test_eleventh_request_in_a_minute_is_rate_limited(client, shop):
    body = {"room_session_id": str(uuid.uuid4()), "product_id": "1"}
    codes = [
        proxy(client, shop, "see-it-now/render", body).json()["error"]
        for _ in range(11)
    ]
    assert codes == ["room_not_found"] * 10 + ["rate_limit_exceeded"]


def test_daily_quota_before_room(client, shop):
    shop.daily_quota = 0
    shop.save()
    body = {"room_session_id": str(uuid.uuid4()), "product_id": "1"}
    assert refused(client, shop, body) == (
        402,
        {
            "error": "quota_exceeded",
            "message": "Daily render limit reached (0 per day).",
        },
    )


def test_monthly_quota(client, shop):
    shop.monthly_quota = 0
    shop.save()
    body = {"room_session_id": str(uuid.uuid4()), "product_id": "1"}
    assert refused(client, shop, body) == (
        402,
        {
            "error": "quota_exceeded",
            "message": "Monthly render limit reached (0 per month).",
        },
    )


ROOM_NOT_FOUND = (
    404,
    {"error": "room_not_found", "message": "Room session not found."},
)


def test_unknown_room(client, shop):
    body = {"room_session_id": str(uuid.uuid4()), "product_id": "1"}
    assert refused(client, shop, body) == ROOM_NOT_FOUND


def test_another_shops_room(client, shop, other_shop):
    room, _ = confirmed_room(shop=other_shop)
    asset, _ = live_asset(shop=shop)
    body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    assert refused(client, shop, body) == ROOM_NOT_FOUND


def test_expired_room(client, shop):
    past = timezone.now() - timedelta(hours=25)
    room, _ = confirmed_room(
        shop=shop, created_at=past, expires_at=past + timedelta(hours=24)
    )
    asset, _ = live_asset(shop=shop)
    body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    assert refused(client, shop, body) == ROOM_NOT_FOUND


def test_room_without_canonical_image(client, shop):
    room = make_room(shop=shop)
    body = {"room_session_id": str(room.id), "product_id": "404"}
    assert refused(client, shop, body) == (
        400,
        {"error": "no_room_image", "message": "The room photo is not confirmed yet."},
    )


def test_room_canonical_file_missing(client, shop):
    room = make_room(
        shop=shop, canonical_room_image_key=f"rooms/{shop.id}/x/canonical.jpg"
    )
    asset, _ = live_asset(shop=shop)
    body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    assert refused(client, shop, body) == (
        400,
        {"error": "no_room_image", "message": "The room photo is not confirmed yet."},
    )


PRODUCT_NOT_ENABLED = (
    422,
    {
        "error": "product_not_enabled",
        "message": "See It Now is not enabled for this product.",
    },
)


@pytest.mark.parametrize(
    "status", [AssetStatus.READY, AssetStatus.PREPARING, AssetStatus.FAILED]
)
def test_product_not_live(client, shop, status):
    room, _ = confirmed_room(shop=shop)
    asset = make_ready_asset(shop=shop, status=status)
    body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    assert refused(client, shop, body) == PRODUCT_NOT_ENABLED


def test_unknown_product_and_non_default_asset(client, shop, other_shop):
    room, _ = confirmed_room(shop=shop)
    body = {"room_session_id": str(room.id), "product_id": "999999"}
    assert refused(client, shop, body) == PRODUCT_NOT_ENABLED
    other, _ = live_asset(shop=other_shop)
    body["product_id"] = other.product_id
    assert refused(client, shop, body) == PRODUCT_NOT_ENABLED
    spare, _ = live_asset(shop=shop, is_default=False)
    body["product_id"] = spare.product_id
    assert refused(client, shop, body) == PRODUCT_NOT_ENABLED


def test_product_cutout_missing(client, shop):
    room, _ = confirmed_room(shop=shop)
    asset = make_ready_asset(shop=shop, status=AssetStatus.LIVE, resolved_facts=None)
    body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    # The cutout is checked before the pipeline's output; its file was never stored.
    assert refused(client, shop, body) == (
        400,
        {"error": "no_product_image", "message": "This product has no prepared image."},
    )


PIPELINE_NOT_READY = (
    422,
    {"error": "pipeline_not_ready", "message": "This product is still being prepared."},
)


@pytest.mark.parametrize(
    "fields",
    [
        {"resolved_facts": None},
        {"prompt_pack": None},
        {"prompt_pack": {"product_context": "x", "variants": []}},
    ],
)
def test_pipeline_not_ready(client, shop, fields):
    room, _ = confirmed_room(shop=shop)
    asset, _ = live_asset(shop=shop, **fields)
    body = {
        "room_session_id": str(room.id),
        "product_id": f"gid://shopify/Product/{asset.product_id}",
    }
    assert refused(client, shop, body) == PIPELINE_NOT_READY


def test_unprepared_asset_is_not_enabled(client, shop):
    room, _ = confirmed_room(shop=shop)
    asset = make_asset(shop=shop)
    body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    assert refused(client, shop, body) == PRODUCT_NOT_ENABLED


def test_get_is_refused(client, shop):
    response = proxy(client, shop, "see-it-now/render", method="get")
    assert (response.status_code, response.json()) == (
        405,
        {"error": "method_not_allowed", "message": "Use POST."},
    )
