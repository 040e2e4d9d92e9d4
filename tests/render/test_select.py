"""see-it-now/select refusals and the selection analytics."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from renders.models import RenderJob
from renders.selectors import variant_selection_counts
from seeitnow import storage
from tests.factories import make_render_job, make_run, make_variant
from tests.render.client import proxy
from tests.render.scene import confirmed_room, live_asset, room_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(shop):
    """A finished run of `shop` with V01 succeeded and V02 failed."""
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)
    run = make_run(asset=asset, room=room, status="partial", total_duration_ms=3000)
    make_variant(run=run, variant_id="V01")
    make_variant(run=run, variant_id="V02", status="failed", output_image_key=None)
    storage.save(
        f"see-it-now/{run.id}/V01.jpg", room_jpeg((40, 30)), content_type="image/jpeg"
    )
    return {"room_session_id": str(room.id), "product_id": asset.product_id}


@pytest.mark.parametrize(
    ("change", "status", "error", "message"),
    [
        (
            {"selected_variant_id": None},
            400,
            "invalid_variant_id",
            "selected_variant_id is missing or malformed.",
        ),
        (
            {"selected_variant_id": "../V01"},
            400,
            "invalid_variant_id",
            "selected_variant_id is missing or malformed.",
        ),
        (
            {"selected_variant_id": "V" * 65},
            400,
            "invalid_variant_id",
            "selected_variant_id is missing or malformed.",
        ),
        (
            {"room_session_id": None},
            400,
            "missing_room_session",
            "room_session_id is required.",
        ),
        ({"product_id": None}, 400, "missing_product_id", "product_id is required."),
        (
            {"room_session_id": str(uuid.uuid4())},
            404,
            "room_not_found",
            "Room session not found.",
        ),
        (
            {"selected_variant_id": "V02"},
            404,
            "variant_not_found",
            "That variant was not rendered.",
        ),
        (
            {"selected_variant_id": "V09"},
            404,
            "variant_not_found",
            "That variant was not rendered.",
        ),
        (
            {"product_id": "12345"},
            404,
            "variant_not_found",
            "That variant was not rendered.",
        ),
    ],
)
def test_select_refusals(client, shop, rendered, change, status, error, message):
    body = {**rendered, "selected_variant_id": "V01", **change}
    body = {k: v for k, v in body.items() if v is not None}
    response = proxy(client, shop, "see-it-now/select", body)
    assert (response.status_code, response.json()) == (
        status,
        {"error": error, "message": message},
    )
    assert RenderJob.objects.count() == 0


def test_another_shop_cannot_select(client, other_shop, rendered):
    body = {**rendered, "selected_variant_id": "V01"}
    response = proxy(client, other_shop, "see-it-now/select", body)
    assert response.status_code == 404
    assert response.json()["error"] == "room_not_found"


def test_selection_counts_per_variant(shop, other_shop):
    asset, _ = live_asset(shop=shop)
    for vid in ("V01", "V03", "V03"):
        make_render_job(asset=asset, room=None, variant_id=vid)
    other, _ = live_asset(shop=other_shop)
    make_render_job(asset=other, room=None, variant_id="V01")
    assert variant_selection_counts(shop=shop) == {"V01": 1, "V03": 2}
    assert variant_selection_counts(shop=other_shop) == {"V01": 1}


def stored_run(*, asset, room, created_at):
    """A finished run whose V01 succeeded, its image stored."""
    run = make_run(
        asset=asset,
        room=room,
        status="partial",
        total_duration_ms=3000,
        created_at=created_at,
    )
    make_variant(run=run, variant_id="V01")
    storage.save(
        f"see-it-now/{run.id}/V01.jpg", room_jpeg((40, 30)), content_type="image/jpeg"
    )
    return run


def test_a_new_run_is_a_new_choice(client, shop, gemini):
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)
    now = timezone.now()
    first = stored_run(asset=asset, room=room, created_at=now - timedelta(minutes=2))
    body = {
        "room_session_id": str(room.id),
        "product_id": asset.product_id,
        "selected_variant_id": "V01",
    }
    chosen = proxy(client, shop, "see-it-now/select", body).json()
    second = stored_run(asset=asset, room=room, created_at=now)

    upscaled = proxy(client, shop, "see-it-now/select", {**body, "upscale": True})
    again = proxy(client, shop, "see-it-now/select", {**body, "upscale": True})

    first_job = RenderJob.objects.get(pk=chosen["render_job_id"])
    second_job = RenderJob.objects.get(pk=upscaled.json()["render_job_id"])
    assert RenderJob.objects.count() == 2
    assert (first_job.image_key, json.loads(first_job.config_json)) == (
        f"see-it-now/{first.id}/V01.jpg",
        {"run_id": str(first.id), "upscaled": False, "session_id": ""},
    )
    assert (second_job.image_key, json.loads(second_job.config_json)) == (
        f"see-it-now/{second.id}/final-V01.jpg",
        {"run_id": str(second.id), "upscaled": True, "session_id": ""},
    )
    assert (again.json()["render_job_id"], again.json()["upscaled"]) == (
        str(second_job.id),
        True,
    )
    assert len(gemini.generate_calls("gemini-3-pro-image-preview")) == 1
