"""The storefront's availability, written as app-data metafields the theme reads:
on the last unit of quota, a plan change, an install and the hourly reset."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django_q.models import Schedule

from shops import shopify
from shops.apps import AVAILABILITY_SCHEDULE_NAME
from shops.models import UsageDaily
from shops.services import shop_install_or_revive, shop_set_plan
from shops.shopify.graphql import METAFIELDS_SET
from shops.tasks import shops_availability_refresh_task
from tests.factories import make_shop
from tests.render.client import proxy
from tests.render.scene import confirmed_room, live_asset

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine("2026-11-18T12:00:00Z", tick=False),
]

DOMAIN = "lamp-store.myshopify.com"
TODAY = date(2026, 11, 18)


@pytest.fixture
def shop(fake_shopify):
    return make_shop(
        shop_domain=DOMAIN,
        access_token=fake_shopify.stored_token(DOMAIN),
        daily_quota=3,
        monthly_quota=100,
    )


def metafields(fake):
    return {
        key: fake.app_metafield(DOMAIN, "see_it_now", key)
        for key in ("available", "live_tag")
    }


def written(value):
    return {
        "available": {"type": "boolean", "value": value},
        "live_tag": {"type": "single_line_text_field", "value": "see-it-live"},
    }


def use(shop, day, renders):
    UsageDaily.objects.update_or_create(
        shop=shop, date=day, defaults={"composite_renders": renders}
    )


def test_the_render_that_takes_the_last_unit_hides_the_button(
    client, shop, fake_shopify, django_capture_on_commit_callbacks
):
    use(shop, TODAY, 1)
    asset, _ = live_asset(shop=shop)
    for expected in (None, written("false")):
        room, _ = confirmed_room(shop=shop)
        body = {
            "room_session_id": str(room.id),
            "product_id": asset.product_id,
            "async": True,
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = proxy(client, shop, "see-it-now/render", body)
        assert response.status_code == 202, response.content
        if expected is None:
            assert fake_shopify.graphql_calls("MetafieldsSet") == []
        else:
            assert metafields(fake_shopify) == expected
    refused = proxy(client, shop, "see-it-now/render", body)
    assert refused.status_code == 402


def test_plan_change_shows_and_hides_the_button(
    shop, fake_shopify, django_capture_on_commit_callbacks
):
    use(shop, TODAY, 12)
    with django_capture_on_commit_callbacks(execute=True):
        shop_set_plan(shop=shop, plan="free")
    assert metafields(fake_shopify) == written("false")
    with django_capture_on_commit_callbacks(execute=True):
        shop_set_plan(shop=shop, plan="pro")
    assert metafields(fake_shopify) == written("true")
    with django_capture_on_commit_callbacks(execute=True):
        shop_set_plan(shop=shop, plan="pro")
    assert len(fake_shopify.graphql_calls("MetafieldsSet")) == 2


def test_daily_and_monthly_resets_show_the_button_again(shop, fake_shopify):
    shop.monthly_quota = 5
    shop.save()
    use(shop, TODAY, 3)
    assert shops_availability_refresh_task() == 1
    assert metafields(fake_shopify) == written("false")
    assert shops_availability_refresh_task() == 0

    with time_machine.travel("2026-11-19T00:30:00Z", tick=False):
        assert shops_availability_refresh_task() == 1
        assert metafields(fake_shopify) == written("true")
        use(shop, date(2026, 11, 19), 2)
        assert shops_availability_refresh_task() == 1
        assert metafields(fake_shopify) == written("false")

    with time_machine.travel("2026-12-01T00:30:00Z", tick=False):
        assert shops_availability_refresh_task() == 1
        assert metafields(fake_shopify) == written("true")
    assert len(fake_shopify.graphql_calls("MetafieldsSet")) == 4


def test_a_shop_off_the_allowlist_is_unavailable(shop, fake_shopify, settings):
    settings.SEE_IT_NOW_ALLOWED_SHOPS = ["someone-else.myshopify.com"]
    assert shops_availability_refresh_task() == 1
    assert metafields(fake_shopify) == written("false")


def test_install_writes_both_metafields(
    fake_shopify, django_capture_on_commit_callbacks
):
    tokens = fake_shopify.issue_tokens(DOMAIN)
    bundle = shopify.TokenBundle(
        access_token=tokens["access_token"], refresh_token=tokens["refresh_token"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        shop_install_or_revive(shop_domain=DOMAIN, bundle=bundle)
    assert metafields(fake_shopify) == written("true")
    [call] = fake_shopify.graphql_calls("MetafieldsSet")
    owner = fake_shopify.app_installation_gid(DOMAIN)
    assert call["variables"]["metafields"] == [
        {
            "ownerId": owner,
            "namespace": "see_it_now",
            "key": "available",
            "type": "boolean",
            "value": "true",
        },
        {
            "ownerId": owner,
            "namespace": "see_it_now",
            "key": "live_tag",
            "type": "single_line_text_field",
            "value": "see-it-live",
        },
    ]


def test_shopify_refusing_the_write_is_retried_by_the_next_refresh(shop, fake_shopify):
    fake_shopify.rate_limit_next(times=20)
    assert shops_availability_refresh_task() == 0
    fake_shopify.scripted.clear()
    assert shops_availability_refresh_task() == 1
    assert metafields(fake_shopify) == written("true")


def test_the_refresh_is_scheduled_hourly():
    schedule = Schedule.objects.get(name=AVAILABILITY_SCHEDULE_NAME)
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == (
        "shops.tasks.shops_availability_refresh_task",
        Schedule.HOURLY,
        -1,
    )


# --- the fake refuses what Shopify refuses --------------------------------------


def good(fake, **changes):
    item = {
        "ownerId": fake.app_installation_gid(DOMAIN),
        "namespace": "see_it_now",
        "key": "available",
        "type": "boolean",
        "value": "true",
    }
    item.update(changes)
    return {k: v for k, v in item.items() if v is not Ellipsis}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ownerId": ...}, "invalid value for 0.ownerId"),
        ({"value": True}, "invalid value for 0.value"),
        ({"key": None}, "invalid value for 0.key"),
    ],
)
def test_fake_refuses_ill_typed_input_as_a_graphql_error(
    shop, fake_shopify, changes, message
):
    client = shopify.AdminClient(
        shop_domain=DOMAIN,
        access_token=fake_shopify.issue_tokens(DOMAIN)["access_token"],
    )
    with pytest.raises(shopify.ShopifyAdminError) as caught:
        client.execute(METAFIELDS_SET, {"metafields": [good(fake_shopify, **changes)]})
    assert caught.value.code == "graphql_errors"
    assert message in caught.value.message
    assert fake_shopify.app_metafields == {}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"key": "a"}, (["metafields", "0", "key"], "TOO_SHORT")),
        ({"key": "k" * 65}, (["metafields", "0", "key"], "TOO_LONG")),
        ({"key": "is available"}, (["metafields", "0", "key"], "INVALID")),
        ({"namespace": "ab"}, (["metafields", "0", "namespace"], "TOO_SHORT")),
        ({"namespace": "see.it"}, (["metafields", "0", "namespace"], "INVALID")),
        ({"type": ...}, (["metafields", "0", "type"], "BLANK")),
        ({"type": "colour"}, (["metafields", "0", "type"], "INVALID_TYPE")),
        ({"value": "yes"}, (["metafields", "0", "value"], "INVALID_VALUE")),
        (
            {"ownerId": "gid://shopify/AppInstallation/1"},
            (["metafields", "0", "ownerId"], "INVALID"),
        ),
    ],
)
def test_fake_refuses_bad_metafields_as_user_errors_and_stores_none(
    shop, fake_shopify, changes, error
):
    client = shopify.AdminClient(
        shop_domain=DOMAIN,
        access_token=fake_shopify.issue_tokens(DOMAIN)["access_token"],
    )
    batch = [good(fake_shopify, key="live_tag", type="single_line_text_field")]
    batch.append(good(fake_shopify, **changes))
    payload = client.execute(METAFIELDS_SET, {"metafields": batch})["metafieldsSet"]
    [user_error] = payload["userErrors"]
    field, code = error
    assert (user_error["field"], user_error["code"]) == (
        [field[0], "1", field[2]],
        code,
    )
    assert payload["metafields"] is None
    assert fake_shopify.app_metafields == {}


def test_fake_refuses_more_than_25_metafields(shop, fake_shopify):
    client = shopify.AdminClient(
        shop_domain=DOMAIN,
        access_token=fake_shopify.issue_tokens(DOMAIN)["access_token"],
    )
    batch = [good(fake_shopify, key=f"k{n}") for n in range(26)]
    payload = client.execute(METAFIELDS_SET, {"metafields": batch})["metafieldsSet"]
    assert payload == {
        "metafields": None,
        "userErrors": [
            {
                "field": ["metafields"],
                "message": "Exceeded the maximum metafields input limit of 25.",
                "code": "LESS_THAN_OR_EQUAL_TO",
            }
        ],
    }
    assert fake_shopify.app_metafields == {}
    assert (
        len(
            client.execute(METAFIELDS_SET, {"metafields": batch[:25]})["metafieldsSet"][
                "metafields"
            ]
        )
        == 25
    )
