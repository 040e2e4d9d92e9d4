"""see-it-now/cart: add-to-carts counted per chosen variant (SPEC §13)."""

from __future__ import annotations

import json
import uuid

import pytest

from renders.models import RenderJob
from renders.selectors import variant_cart_counts
from seeitnow import storage
from tests.factories import make_run, make_variant
from tests.render.client import proxy
from tests.render.scene import confirmed_room, live_asset, room_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def chosen(client, shop):
    """`shop`'s shopper rendered and chose V01; returns the select answer."""
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)
    run = make_run(asset=asset, room=room, status="complete", total_duration_ms=3000)
    make_variant(run=run, variant_id="V01")
    storage.save(
        f"see-it-now/{run.id}/V01.jpg", room_jpeg((40, 30)), content_type="image/jpeg"
    )
    response = proxy(
        client,
        shop,
        "see-it-now/select",
        {
            "room_session_id": str(room.id),
            "product_id": asset.product_id,
            "selected_variant_id": "V01",
        },
    )
    assert response.status_code == 200
    return response.json()


def test_an_add_to_cart_is_counted_once_per_choice(client, shop, chosen):
    body = {"render_job_id": chosen["render_job_id"]}
    first = proxy(client, shop, "see-it-now/cart", body)
    again = proxy(client, shop, "see-it-now/cart", body)

    expected = {
        "success": True,
        "render_job_id": chosen["render_job_id"],
        "variant_id": "V01",
    }
    assert (first.status_code, first.json()) == (200, expected)
    assert (again.status_code, again.json()) == (200, expected)
    assert first["Cache-Control"] == "no-store"
    assert variant_cart_counts(shop=shop) == {"V01": 1}
    job = RenderJob.objects.get(pk=chosen["render_job_id"])
    assert "added_to_cart_at" in json.loads(job.config_json)


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({}, 400, "invalid_render_job"),
        ({"render_job_id": "not-an-id"}, 400, "invalid_render_job"),
        ({"render_job_id": str(uuid.uuid4())}, 404, "render_job_not_found"),
    ],
)
def test_bad_add_to_cart_reports_are_refused(client, shop, chosen, body, status, error):
    response = proxy(client, shop, "see-it-now/cart", body)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert variant_cart_counts(shop=shop) == {}


def test_another_shops_choice_is_not_found(client, shop, other_shop, chosen):
    response = proxy(
        client,
        other_shop,
        "see-it-now/cart",
        {"render_job_id": chosen["render_job_id"]},
    )
    assert (response.status_code, response.json()["error"]) == (
        404,
        "render_job_not_found",
    )
    assert variant_cart_counts(shop=shop) == {}


def test_get_is_refused(client, shop, chosen):
    response = proxy(client, shop, "see-it-now/cart", method="get")
    assert (response.status_code, response.json()["error"]) == (
        405,
        "method_not_allowed",
    )
