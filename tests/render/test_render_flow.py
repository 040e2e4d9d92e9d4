"""upload → PUT → confirm → render (sync, async + poll) → select, through the proxy."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
import redis
from PIL import Image

from renders.models import RenderJob, RenderRun, RoomSession
from renders.selectors import variant_selection_counts
from renders.services import runs
from seeitnow import storage
from shops.models import UsageDaily
from tests.factories import make_room, make_run, make_variant
from tests.fakes.gemini import blocked_reply, error_reply, image_reply
from tests.render.client import fetch, poll_route, proxy
from tests.render.scene import confirmed_room, live_asset, room_jpeg

pytestmark = [
    pytest.mark.django_db(transaction=True),
]

IMAGE_MODEL = "gemini-2.5-flash-image"
UPSCALE_MODEL = "gemini-3-pro-image-preview"


def usage(shop) -> int:
    return sum(
        UsageDaily.objects.filter(shop=shop).values_list("composite_renders", flat=True)
    )


def confirmed_room_via_proxy(client, shop) -> str:
    upload = proxy(client, shop, "room/upload", {"content_type": "image/jpeg"}).json()
    url = urlsplit(upload["upload_url"])
    put = client.put(
        url.path, room_jpeg((1200, 900)), upload["upload_headers"]["Content-Type"]
    )
    assert put.status_code == 200
    body = {"room_session_id": upload["room_session_id"]}
    assert proxy(client, shop, "room/confirm", body).status_code == 200
    return upload["room_session_id"]


def assert_variants(client, variants, ids):
    assert [v["id"] for v in variants] == ids
    for variant in variants:
        assert set(variant) == {"id", "image_url", "thumb_url", "latency_ms"}
        assert isinstance(variant["latency_ms"], int)
        full = fetch(client, variant["image_url"])
        with Image.open(io.BytesIO(full)) as im:
            assert (im.format, im.size[0] / im.size[1]) == ("JPEG", 4 / 3)
        thumb = fetch(client, variant["thumb_url"])
        with Image.open(io.BytesIO(thumb)) as im:
            # The small rendition: 400 px on the long side, same frame, lighter.
            assert (im.format, max(im.size)) == ("JPEG", 400)
            assert abs(im.size[0] / im.size[1] - 4 / 3) < 0.01
        assert len(thumb) < len(full) / 2


ALL = ["V01", "V02", "V03", "V04", "V05", "V06", "V07", "V08"]


def test_full_flow_on_the_local_provider(client, shop):
    asset, _ = live_asset(shop=shop)
    room_id = confirmed_room_via_proxy(client, shop)
    body = {"room_session_id": room_id, "product_id": asset.product_id}

    response = proxy(client, shop, "see-it-now/render", body)

    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    result = response.json()
    run = RenderRun.objects.get()
    assert result == {
        "run_id": str(run.id),
        "status": "complete",
        "variants": result["variants"],
        "duration_ms": run.total_duration_ms,
        "version": "see-it-now-v2",
    }
    assert_variants(client, result["variants"], ALL)
    assert run.request_id == response["X-Request-ID"]
    assert usage(shop) == 1

    # The storefront polls the same run and gets the same answer.
    polled = proxy(client, shop, f"see-it-now/render/{run.id}", method="get")
    assert polled.status_code == 200
    assert {k: v for k, v in polled.json().items() if k != "variants"} == {
        k: v for k, v in result.items() if k != "variants"
    }

    select = {
        "room_session_id": room_id,
        "product_id": asset.product_id,
        "selected_variant_id": "V03",
        "selected_image_url": result["variants"][2]["image_url"],
    }
    chosen = proxy(client, shop, "see-it-now/select", select)
    assert chosen.status_code == 200, chosen.content
    job = RenderJob.objects.get()
    payload = chosen.json()
    assert payload == {
        "success": True,
        "render_job_id": str(job.id),
        "selected_variant": "V03",
        "final_image_url": payload["final_image_url"],
        "upscaled": False,
        "duration_ms": payload["duration_ms"],
        "version": "see-it-now-v2",
    }
    assert fetch(client, payload["final_image_url"]) == storage.read(
        f"see-it-now/{run.id}/V03.jpg"
    )
    assert (job.variant_id, job.product_id, job.status, job.model_id) == (
        "V03",
        asset.product_id,
        "completed",
        "local-compositor",
    )

    # Asking again with upscale enhances the same choice once.
    upscaled = proxy(
        client, shop, "see-it-now/select", {**select, "upscale": True}
    ).json()
    assert (upscaled["render_job_id"], upscaled["upscaled"]) == (str(job.id), True)
    final_key = f"see-it-now/{run.id}/final-V03.jpg"
    final = fetch(client, upscaled["final_image_url"])
    assert final == storage.read(final_key)
    variant = storage.read(f"see-it-now/{run.id}/V03.jpg")
    with Image.open(io.BytesIO(final)) as big, Image.open(io.BytesIO(variant)) as small:
        assert big.size == (2 * small.width, 2 * small.height)
    again = proxy(client, shop, "see-it-now/select", {**select, "upscale": True}).json()
    assert (again["render_job_id"], again["upscaled"]) == (str(job.id), True)
    assert RenderJob.objects.count() == 1
    assert variant_selection_counts(shop=shop) == {"V03": 1}
    assert usage(shop) == 1


def test_async_render_then_poll(client, shop):
    asset, _ = live_asset(shop=shop)
    room_id = confirmed_room_via_proxy(client, shop)
    body = {"room_session_id": room_id, "product_id": asset.product_id, "async": True}

    response = proxy(client, shop, "see-it-now/render", body)

    assert response.status_code == 202
    run = RenderRun.objects.get()
    assert response.json() == {
        "run_id": str(run.id),
        "status": "pending",
        "poll_url": f"/apps/see-it/see-it-now/render/{run.id}",
    }
    polled = proxy(client, shop, poll_route(response.json()["poll_url"]), method="get")
    assert polled.status_code == 200
    result = polled.json()
    assert result["status"] == "complete"
    assert_variants(client, result["variants"], ALL)


def test_poll_shows_a_run_in_progress(client, shop, other_shop):
    asset, _ = live_asset(shop=shop)
    room = make_room(shop=shop)
    run = make_run(asset=asset, room=room)
    route = f"see-it-now/render/{run.id}"
    assert proxy(client, shop, route, method="get").json() == {
        "run_id": str(run.id),
        "status": "pending",
        "variants": [],
        "duration_ms": None,
        "version": "see-it-now-v2",
    }
    make_variant(run=run, variant_id="V02", latency_ms=900)
    make_variant(run=run, variant_id="V01", status="failed", output_image_key=None)
    storage.save(
        f"see-it-now/{run.id}/V02.jpg", room_jpeg((40, 30)), content_type="image/jpeg"
    )
    polled = proxy(client, shop, route, method="get").json()
    assert {k: v for k, v in polled.items() if k != "variants"} == {
        "run_id": str(run.id),
        "status": "running",
        "duration_ms": None,
        "version": "see-it-now-v2",
    }
    assert [(v["id"], v["latency_ms"]) for v in polled["variants"]] == [("V02", 900)]
    # Another shop's run, or no run at all: 404.
    not_found = {"error": "run_not_found", "message": "Render run not found."}
    for other_route, target in ((route, other_shop), ("see-it-now/render/nope", shop)):
        response = proxy(client, target, other_route, method="get")
        assert (response.status_code, response.json()) == (404, not_found)


@pytest.mark.django_db
def test_sync_render_still_running_at_the_limit_answers_202(client, shop, settings):
    # Inside the test's transaction the commit never comes, so the queued task never
    # runs: to the view this is a run that outlasts the sync wait.
    settings.RENDER_SYNC_WAIT_S = 0.3
    asset, _ = live_asset(shop=shop)
    room_id = confirmed_room_via_proxy(client, shop)
    body = {"room_session_id": room_id, "product_id": asset.product_id}
    response = proxy(client, shop, "see-it-now/render", body)
    run = RenderRun.objects.get()
    assert (response.status_code, response.json()) == (
        202,
        {
            "run_id": str(run.id),
            "status": "pending",
            "poll_url": f"/apps/see-it/see-it-now/render/{run.id}",
        },
    )
    assert usage(shop) == 1


def test_gemini_flow_with_eight_images(client, shop, gemini):
    asset, _ = live_asset(shop=shop)
    room_id = confirmed_room_via_proxy(client, shop)
    body = {"room_session_id": room_id, "product_id": asset.product_id}
    response = proxy(client, shop, "see-it-now/render", body)
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["status"] == "complete"
    assert_variants(client, result["variants"], ALL)
    assert len(gemini.generate_calls(IMAGE_MODEL)) == 8
    run = RenderRun.objects.get()
    assert run.model == IMAGE_MODEL

    select = {
        "room_session_id": room_id,
        "product_id": asset.product_id,
        "selected_variant_id": "V05",
        "upscale": True,
    }
    chosen = proxy(client, shop, "see-it-now/select", select).json()
    assert chosen["upscaled"] is True
    assert len(gemini.generate_calls(UPSCALE_MODEL)) == 1
    job = RenderJob.objects.get()
    assert (job.model_id, job.image_key) == (
        UPSCALE_MODEL,
        f"see-it-now/{run.id}/final-V05.jpg",
    )
    again = proxy(client, shop, "see-it-now/select", select).json()
    volatile = ("final_image_url", "duration_ms")
    assert {k: v for k, v in again.items() if k not in volatile} == {
        k: v for k, v in chosen.items() if k not in volatile
    }
    assert len(gemini.generate_calls(UPSCALE_MODEL)) == 1


def test_gemini_partial_render_returns_the_successes(client, shop, gemini, settings):
    settings.RENDER_VARIANT_TIMEOUT_S = 1.5
    gemini.queue(IMAGE_MODEL, error_reply(400), blocked_reply(), image_reply(delay_s=4))
    asset, _ = live_asset(shop=shop)
    room_id = confirmed_room_via_proxy(client, shop)
    body = {"room_session_id": room_id, "product_id": asset.product_id}
    response = proxy(client, shop, "see-it-now/render", body)
    assert response.status_code == 200
    result = response.json()
    run = RenderRun.objects.get()
    assert result["status"] == "partial"
    ok = sorted(
        run.variant_results.filter(status="success").values_list(
            "variant_id", flat=True
        )
    )
    assert_variants(client, result["variants"], ok)
    assert len(ok) == 5
    statuses = sorted(
        run.variant_results.exclude(status="success").values_list("status", flat=True)
    )
    assert statuses == ["failed", "failed", "timeout"]
    assert usage(shop) == 1


def test_all_variants_failing_answers_422_and_charges_nothing(client, shop, gemini):
    gemini.queue(IMAGE_MODEL, *[error_reply(400)] * 8)
    asset, _ = live_asset(shop=shop)
    room_id = confirmed_room_via_proxy(client, shop)
    body = {"room_session_id": room_id, "product_id": asset.product_id}
    response = proxy(client, shop, "see-it-now/render", body)
    assert (response.status_code, response.json()) == (
        422,
        {
            "error": "all_variants_failed",
            "message": "No image could be rendered; please try again.",
        },
    )
    run = RenderRun.objects.get()
    assert (run.status, run.variant_results.count()) == ("failed", 8)
    assert usage(shop) == 0
    polled = proxy(client, shop, f"see-it-now/render/{run.id}", method="get").json()
    assert (polled["status"], polled["variants"]) == ("failed", [])


def test_the_room_goes_to_the_files_api_at_confirm_not_at_render(client, shop, gemini):
    asset, _ = live_asset(shop=shop)
    room_id = confirmed_room_via_proxy(client, shop)

    room = RoomSession.objects.get(pk=room_id)
    assert room.gemini_file_uri  # uploaded by the task queued at confirm
    assert len(gemini.upload_starts()) == 1

    body = {"room_session_id": room_id, "product_id": asset.product_id}
    assert proxy(client, shop, "see-it-now/render", body).status_code == 200

    # The render uploaded only the product's cutout; every call names the room's
    # file instead of carrying its bytes.
    assert len(gemini.upload_starts()) == 2
    calls = gemini.generate_calls(IMAGE_MODEL)
    assert len(calls) == 8
    for call in calls:
        assert call.part_summary()[1] == ("file", "image/jpeg", room.gemini_file_uri)


def test_no_upload_is_queued_for_the_local_provider(client, shop):
    room_id = confirmed_room_via_proxy(client, shop)

    room = RoomSession.objects.get(pk=room_id)
    assert (room.gemini_file_uri, room.gemini_file_expires_at) == (None, None)


def test_a_render_before_the_rooms_upload_sends_the_room_inline(client, shop, gemini):
    asset, _ = live_asset(shop=shop)
    room, room_bytes = confirmed_room(shop=shop)  # confirmed, never uploaded

    body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    assert proxy(client, shop, "see-it-now/render", body).status_code == 200

    # No upload of the room in the render's path: only the cutout went up.
    assert len(gemini.upload_starts()) == 1
    for call in gemini.generate_calls(IMAGE_MODEL):
        assert call.part_summary()[1] == ("inline", "image/jpeg", room_bytes)


@pytest.mark.parametrize("is_async", [True, False])
def test_a_queue_that_refuses_the_run_charges_nothing(
    client, shop, monkeypatch, is_async
):
    """The run committed, then the broker refused its task: the shopper is told
    to retry (503 + Retry-After) and the run is closed at once, not charged."""

    def broker_down(*args, **kwargs):
        raise redis.exceptions.ConnectionError(
            "Error 111 connecting to 127.0.0.1:6379. Connection refused."
        )

    monkeypatch.setattr(runs, "async_task", broker_down)
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)

    response = proxy(
        client,
        shop,
        "see-it-now/render",
        {
            "room_session_id": str(room.id),
            "product_id": asset.product_id,
            "async": is_async,
        },
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"] == "service_unavailable"
    run = RenderRun.objects.get(shop=shop)
    assert (run.status, run.total_duration_ms is not None) == ("failed", True)
    assert {(v.status, v.error_message) for v in run.variant_results.all()} == {
        ("failed", runs.UNQUEUED_MESSAGE)
    }
    assert run.variant_results.count() == 8
    assert usage(shop) == 0
