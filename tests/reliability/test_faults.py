"""Faults during the shopper's flow: each ends in a clear state, nothing half-written.

Gemini faults come from the fake Gemini over real HTTP; storage faults are real
OS write failures (a file where the run's folder must be created, a folder where
the canonical image must be written: ENOTDIR / EISDIR, which unlike a read-only
mode also fail for root); the database fault is PostgreSQL terminating the app's
connections mid-render (`pg_terminate_backend` on the test database only — the
server is shared, so it is never restarted).
"""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from django.db import connection

from renders.models import RenderRun, RoomSession, VariantResult
from tests.factories import make_shop
from tests.fakes.gemini import FakeGemini, Reply, error_reply, image_reply, text_reply
from tests.reliability.conftest import ALL_EIGHT, usage
from tests.render.client import proxy, proxy_url
from tests.render.processes import app_env, app_server, start_cluster, stop, wait_for
from tests.render.scene import confirmed_room, live_asset, room_jpeg

pytestmark = [pytest.mark.django_db(transaction=True)]

IMAGE_MODEL = "gemini-2.5-flash-image"
ALL_FAILED = {
    "error": "all_variants_failed",
    "message": "No image could be rendered; please try again.",
}


def not_an_image() -> Reply:
    """A well-formed answer whose inline image bytes are not an image."""
    part = {
        "inlineData": {
            "mimeType": "image/jpeg",
            "data": base64.b64encode(b"\xff\xd8 this is no jpeg").decode(),
        }
    }
    body = {
        "candidates": [
            {"content": {"role": "model", "parts": [part]}, "finishReason": "STOP"}
        ]
    }
    return Reply(body=body)


FAULTS = {
    "500": lambda: error_reply(500),
    "503": lambda: error_reply(503),
    "429": lambda: error_reply(429),
    "text instead of an image": lambda: text_reply("I cannot draw that."),
    "garbage body": lambda: Reply(body={"candidates": "garbage"}),
    "image bytes that are not an image": not_an_image,
    "timeout": lambda: image_reply(delay_s=3.0),
}


def stored_files(root: Path, prefix: str) -> list[str]:
    folder = root / prefix
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def render(client, shop, asset, room):
    body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    return proxy(client, shop, "see-it-now/render", body)


@pytest.mark.parametrize("fault", FAULTS)
def test_gemini_fault_on_every_variant(
    client, shop, gemini, settings, fault, media_root
):
    # The per-variant budget bounds each call (a late answer is written off).
    settings.RENDER_VARIANT_TIMEOUT_S = 1.0
    gemini.queue(IMAGE_MODEL, *[FAULTS[fault]() for _ in range(8)])
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)

    response = render(client, shop, asset, room)

    assert (response.status_code, response.json()) == (422, ALL_FAILED)
    run = RenderRun.objects.get()
    assert run.status == "failed"
    expected = "timeout" if fault == "timeout" else "failed"
    statuses = list(run.variant_results.values_list("status", flat=True))
    assert statuses == [expected] * 8
    assert all(run.variant_results.values_list("error_message", flat=True))
    assert (usage(shop), stored_files(media_root, f"see-it-now/{run.id}")) == (0, [])


def test_half_the_variants_failing_charges_once_and_stores_only_successes(
    client, shop, gemini, media_root
):
    gemini.queue(IMAGE_MODEL, *[image_reply(), error_reply(500)] * 4)
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)

    response = render(client, shop, asset, room)

    assert response.status_code == 200
    run = RenderRun.objects.get()
    ok = sorted(
        run.variant_results.filter(status="success").values_list(
            "variant_id", flat=True
        )
    )
    assert (run.status, len(ok), usage(shop)) == ("partial", 4, 1)
    assert sorted(v["id"] for v in response.json()["variants"]) == ok
    # Only recorded successes have files (full size and thumbnail).
    files = stored_files(media_root, f"see-it-now/{run.id}")
    assert {Path(name).stem.removeprefix("thumb-") for name in files} == set(ok)
    assert len(files) == 2 * len(ok)


def test_variant_images_that_cannot_be_written(client, shop, media_root):
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)
    # A file where the runs' folder must be: every variant write fails (ENOTDIR).
    (media_root / "see-it-now").write_bytes(b"")

    response = render(client, shop, asset, room)

    assert (response.status_code, response.json()) == (422, ALL_FAILED)
    run = RenderRun.objects.get()
    assert (run.status, usage(shop)) == ("failed", 0)
    assert set(run.variant_results.values_list("status", flat=True)) == {"failed"}


def test_canonical_image_that_cannot_be_written(client, shop, media_root):
    upload = proxy(client, shop, "room/upload", {"content_type": "image/jpeg"}).json()
    room = RoomSession.objects.get()
    (media_root / room.original_room_image_key).parent.mkdir(parents=True)
    (media_root / room.original_room_image_key).write_bytes(room_jpeg())
    # A folder where canonical.jpg must be written: the write fails (EISDIR).
    original = media_root / room.original_room_image_key
    (original.parent / "canonical.jpg").mkdir()

    body = {"room_session_id": upload["room_session_id"]}
    response = proxy(client, shop, "room/confirm", body)

    # A JSON error (the proxy view's catch-all); the room stays unconfirmed.
    assert (response.status_code, response.json()) == (
        500,
        {"error": "internal_error", "message": "Something went wrong."},
    )
    room.refresh_from_db()
    assert (room.canonical_room_image_key, room.canonical_created_at) == (None, None)
    assert VariantResult.objects.count() == 0


def terminate_app_connections() -> int:
    """End every other backend on the test database (never the server itself)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_database_connections_lost_mid_render(media_root, tmp_path):
    gemini = FakeGemini().start()
    gemini.queue("*", *[image_reply(delay_s=4)] * 8)
    shop = make_shop(daily_quota=10, monthly_quota=300)
    asset, _ = live_asset(shop=shop)
    room, _ = confirmed_room(shop=shop)
    env = app_env(
        media_root=media_root,
        GEMINI_API_KEY=gemini.api_key,
        GEMINI_BASE_URL=gemini.url,
        GEMINI_RETRY_ATTEMPTS="1",
    )
    body = {"room_session_id": str(room.id), "product_id": asset.product_id}
    try:
        with app_server(env, tmp_path / "server.log") as base:
            cluster = start_cluster(env, tmp_path / "cluster.log")
            try:
                started = httpx.post(
                    proxy_url(base, shop, "see-it-now/render"),
                    json={**body, "async": True},
                    timeout=30,
                )
                assert started.status_code == 202, started.text
                run_id = started.json()["run_id"]
                wait_for(
                    lambda: len(gemini.generate_calls()) == 8,
                    timeout=30,
                    what="the eight Gemini calls",
                )
                killed = terminate_app_connections()
                assert killed >= 1
                # Whatever the worker made of it, the run closes: finished on
                # fresh connections, or failed and redelivered.
                wait_for(
                    lambda: (
                        RenderRun.objects.get(pk=run_id).total_duration_ms is not None
                    ),
                    timeout=90,
                    what="the run to close",
                )
                poll = httpx.get(
                    proxy_url(base, shop, f"see-it-now/render/{run_id}"), timeout=30
                )
            finally:
                stop(cluster)
    finally:
        gemini.stop()

    run = RenderRun.objects.get(pk=run_id)
    assert poll.status_code == 200, poll.text
    assert poll.json()["status"] == run.status
    results = dict(run.variant_results.values_list("variant_id", "status"))
    ok = sorted(v for v, status in results.items() if status == "success")
    assert sorted(results) == ALL_EIGHT
    assert sorted(v["id"] for v in poll.json()["variants"]) == ok
    # Files only for recorded successes; charged once if anything succeeded.
    files = stored_files(media_root, f"see-it-now/{run_id}")
    assert sorted({Path(f).stem.removeprefix("thumb-") for f in files}) == ok
    assert usage(shop) == (1 if ok else 0)
    print(f"pg_terminate_backend ended {killed} connections; run {run.status}")
