"""The render task: parallel variants, lineage, Files API cache, resume, sweeper."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from renders import renderer
from renders.assembler import (
    assemble_prompts,
    image_meta,
    sha256_bytes,
    sha256_json,
    sha256_text,
)
from renders.inputs import RenderInput
from renders.models import RenderRun, VariantResult
from renders.renderer import render_run_execute
from renders.services.closing import (
    ABANDONED_MESSAGE,
    render_run_finish,
    render_runs_sweep,
)
from renders.services.rooms import room_session_upload_to_provider
from renders.services.runs import render_start
from renders.tasks import render_run
from seeitnow import storage
from seeitnow.ai.gemini import GeminiProvider
from seeitnow.ai.local import LocalProvider
from seeitnow.ai.schema import VARIANT_IDS
from seeitnow.logging import RequestIdFilter
from shops.models import UsageDaily
from tests.factories import SAMPLE_FACTS, SAMPLE_PROMPT_PACK, make_variant
from tests.fakes.gemini import UPLOAD, blocked_reply, error_reply, image_reply

pytestmark = pytest.mark.django_db


def start(scene, request_id: str = "req-render-1") -> RenderRun:
    return render_start(
        shop=scene.shop,
        request=RenderInput(
            room_session_id=scene.room.id,
            product_id=scene.asset.product_id,
            is_async=False,
        ),
        request_id=request_id,
    )


def usage(shop) -> int:
    row = UsageDaily.objects.filter(shop=shop, date=timezone.localdate()).first()
    return row.composite_renders if row else 0


def results(run) -> dict[str, VariantResult]:
    return {r.variant_id: r for r in run.variant_results.all()}


def test_local_run_completes_with_full_lineage(scene):
    run = start(scene)
    assert run.total_duration_ms is None
    assert usage(scene.shop) == 1

    run = render_run_execute(run_id=run.id)

    assert run.status == "complete"
    assert run.total_duration_ms is not None
    assert run.request_id == "req-render-1"
    assert run.model == "local-compositor"
    assert run.prompt_pack_version == 1
    assert run.product_image_hash == sha256_bytes(scene.product_png)
    assert run.product_image_meta == image_meta(scene.product_png)
    assert run.room_image_hash == sha256_bytes(scene.room_jpg)
    assert run.room_image_meta == {
        "width": 800,
        "height": 600,
        "bytes": len(scene.room_jpg),
        "format": "JPEG",
    }
    assert run.resolved_facts_json == SAMPLE_FACTS
    assert run.resolved_facts_hash == sha256_json(SAMPLE_FACTS)
    assert run.prompt_pack_json == SAMPLE_PROMPT_PACK
    assert run.prompt_pack_hash == sha256_json(SAMPLE_PROMPT_PACK)
    prompts = assemble_prompts(prompt_pack=SAMPLE_PROMPT_PACK)
    rows = results(run)
    assert sorted(rows) == list(VARIANT_IDS)
    for vid, row in rows.items():
        key = f"see-it-now/{run.id}/{vid}.jpg"
        assert (row.status, row.output_image_key, row.error_message) == (
            "success",
            key,
            None,
        )
        assert row.output_image_hash == sha256_bytes(storage.read(key))
        assert row.final_prompt_hash == sha256_text(prompts[vid])
        assert row.latency_ms >= 0
    assert usage(scene.shop) == 1


def test_finished_run_is_left_alone(scene):
    run = render_run_execute(run_id=start(scene).id)
    before = list(run.variant_results.values_list("id", "status"))
    again = render_run_execute(run_id=run.id)
    assert (again.status, again.total_duration_ms) == (
        run.status,
        run.total_duration_ms,
    )
    assert list(again.variant_results.values_list("id", "status")) == before
    assert usage(scene.shop) == 1


def test_gemini_partial_run_records_why(scene, gemini, settings):
    settings.RENDER_VARIANT_TIMEOUT_S = 1.5
    gemini.queue(
        "gemini-2.5-flash-image",
        error_reply(400, "bad request from the model"),
        blocked_reply("SAFETY"),
        image_reply(delay_s=4.0),
    )
    run = start(scene)
    assert run.model == "gemini-2.5-flash-image"
    # What room/confirm queues: the room in the Files API before the render.
    room_session_upload_to_provider(room_session_id=scene.room.id)

    run = render_run_execute(run_id=run.id)

    assert run.status == "partial"
    rows = results(run)
    statuses = sorted(r.status for r in rows.values())
    assert statuses == [
        "failed",
        "failed",
        "success",
        "success",
        "success",
        "success",
        "success",
        "timeout",
    ]
    for row in rows.values():
        if row.status == "success":
            assert row.error_message is None
            assert storage.exists(row.output_image_key)
        else:
            assert row.output_image_key is None
            assert row.error_message
    messages = sorted(r.error_message for r in rows.values() if r.status != "success")
    assert any("bad request from the model" in m for m in messages)
    assert any(m.startswith("ai_refused") for m in messages)
    assert any(m.startswith("ai_timeout") for m in messages)
    assert usage(scene.shop) == 1
    # Each call sends the product file, the room file, then the prompt.
    calls = gemini.generate_calls("gemini-2.5-flash-image")
    assert len(calls) == 8
    scene.asset.refresh_from_db()
    scene.room.refresh_from_db()
    assert scene.asset.gemini_file_uri and scene.room.gemini_file_uri
    assert scene.asset.gemini_file_expires_at > timezone.now() + timedelta(hours=40)
    prompts = assemble_prompts(prompt_pack=SAMPLE_PROMPT_PACK)
    for call in calls:
        parts = call.part_summary()
        assert parts[:2] == [
            ("file", "image/png", scene.asset.gemini_file_uri),
            ("file", "image/jpeg", scene.room.gemini_file_uri),
        ]
        assert parts[2][0] == "text" and parts[2][1] in prompts.values()
        assert call.body["generationConfig"]["imageConfig"] == {"aspectRatio": "4:3"}
    assert len(gemini.upload_starts()) == 2


def test_variants_run_in_parallel_and_uploads_are_reused(scene, gemini):
    gemini.queue("*", *[image_reply(delay_s=0.5)] * 8)
    room_session_upload_to_provider(room_session_id=scene.room.id)
    render_run_execute(run_id=start(scene).id)
    assert gemini.max_in_flight == 8
    assert len(gemini.upload_starts()) == 2
    run = render_run_execute(run_id=start(scene, "req-2").id)
    assert run.status == "complete"
    assert len(gemini.upload_starts()) == 2
    assert usage(scene.shop) == 2


def test_failed_upload_falls_back_to_inline_images(scene, gemini):
    gemini.queue(UPLOAD, error_reply(400), error_reply(400))
    run = render_run_execute(run_id=start(scene).id)
    assert run.status == "complete"
    parts = gemini.generate_calls()[0].part_summary()
    assert parts[0] == ("inline", "image/png", scene.product_png)
    assert parts[1] == ("inline", "image/jpeg", scene.room_jpg)
    scene.asset.refresh_from_db()
    assert scene.asset.gemini_file_uri is None


def test_all_variants_failing_releases_the_reservation(scene, gemini):
    gemini.queue("gemini-2.5-flash-image", *[error_reply(400)] * 8)
    run = start(scene)
    assert usage(scene.shop) == 1
    run = render_run_execute(run_id=run.id)
    assert run.status == "failed"
    assert [r.status for r in results(run).values()] == ["failed"] * 8
    assert usage(scene.shop) == 0
    # Finishing again (a retried task, the sweeper) releases nothing more.
    render_run_finish(run_id=run.id)
    render_run_execute(run_id=run.id)
    assert usage(scene.shop) == 0


def test_resumed_run_renders_only_missing_variants(scene, gemini):
    run = start(scene)
    for vid in ("V01", "V02", "V03"):
        make_variant(run=run, variant_id=vid)
    run = render_run_execute(run_id=run.id)
    assert run.status == "complete"
    assert len(gemini.generate_calls()) == 5
    assert results(run)["V01"].output_image_hash == "5" * 64
    assert usage(scene.shop) == 1


def test_changed_input_fails_the_run(scene):
    run = start(scene)
    storage.save(
        scene.asset.prepared_image_key, b"\x89PNG changed", content_type="image/png"
    )
    run = render_run_execute(run_id=run.id)
    assert run.status == "failed"
    assert {r.error_message for r in results(run).values()} == {
        "the product image changed after the run started"
    }
    assert usage(scene.shop) == 0


def test_expired_room_fails_the_run(scene):
    run = start(scene)
    scene.room.delete()
    run = render_run_execute(run_id=run.id)
    assert run.status == "failed"
    assert {r.error_message for r in results(run).values()} == {
        "the room session has expired"
    }


def test_sweeper_closes_abandoned_runs_once(scene):
    abandoned = start(scene)
    make_variant(run=abandoned, variant_id="V02")
    empty = start(scene, "req-empty")
    fresh = start(scene, "req-fresh")
    RenderRun.objects.filter(pk=fresh.pk).update(
        created_at=timezone.now() + timedelta(minutes=15)
    )
    assert usage(scene.shop) == 3
    later = timezone.now() + timedelta(minutes=20)

    assert render_runs_sweep(now=later, stale_after_s=600) == 2
    assert render_runs_sweep(now=later, stale_after_s=600) == 0

    abandoned.refresh_from_db()
    assert abandoned.status == "partial"
    rows = results(abandoned)
    assert sorted(rows) == list(VARIANT_IDS)
    assert rows["V02"].status == "success"
    prompts = assemble_prompts(prompt_pack=SAMPLE_PROMPT_PACK)
    for vid in set(VARIANT_IDS) - {"V02"}:
        assert (rows[vid].status, rows[vid].error_message) == (
            "failed",
            ABANDONED_MESSAGE,
        )
        assert rows[vid].final_prompt_hash == sha256_text(prompts[vid])
    empty.refresh_from_db()
    assert (empty.status, empty.total_duration_ms >= 20 * 60 * 1000) == ("failed", True)
    fresh.refresh_from_db()
    assert fresh.total_duration_ms is None
    # The empty run's reservation went back; the partial one stays charged.
    assert usage(scene.shop) == 2
    # A worker that comes back later changes nothing.
    render_run_execute(run_id=empty.id)
    assert usage(scene.shop) == 2


def test_task_logs_every_stage_with_the_carried_request_id(scene, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO, logger="renders.render")
    run = start(scene, request_id="req-from-http")
    caplog.clear()

    assert render_run(str(run.id), "req-from-http") == "complete"

    records = [r for r in caplog.records if r.name == "renders.render"]
    stages = [r.stage for r in records]
    assert stages[0] == "render-start"
    assert sorted(stages[1:-1]) == [f"variant-{vid}-complete" for vid in VARIANT_IDS]
    assert stages[-1] == "see-it-now-complete"
    for record in records:
        assert record.request_id == "req-from-http"
        assert (record.operation, record.run_id) == ("see-it-now", str(run.id))
        assert (record.shop, record.product) == (
            scene.shop.shop_domain,
            scene.asset.product_id,
        )
    assert {r.latency_ms >= 0 for r in records[1:-1]} == {True}
    assert records[-1].duration_ms >= 0
    assert records[-1].status == "complete"


class StuckProvider(LocalProvider):
    """A provider whose V04 call hangs until released (a wedged connection)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def render_variant(self, *, variant_id: str, **kwargs) -> bytes:
        if variant_id == "V04":
            self.release.wait(timeout=30)
        return super().render_variant(variant_id=variant_id, **kwargs)


def test_a_call_that_ignores_its_budget_is_written_off(scene, settings, monkeypatch):
    settings.RENDER_VARIANT_TIMEOUT_S = 0.3
    monkeypatch.setattr(renderer, "VARIANT_GRACE_S", 0.2)
    provider = StuckProvider()

    try:
        run = render_run_execute(run_id=start(scene).id, provider=provider)
        # The run ended while the V04 call was still hanging: it did not wait.
        assert not provider.release.is_set()
    finally:
        provider.release.set()

    assert run.status == "partial"
    stuck = results(run)["V04"]
    assert (stuck.status, stuck.error_message, stuck.latency_ms) == (
        "timeout",
        "no answer within 0.3s",
        500,
    )


class BudgetIgnoringGemini(GeminiProvider):
    """The Gemini provider on a call that outlives its budget (e.g. a slow body)."""

    def render_variant(self, *, timeout_s: float, **kwargs) -> bytes:
        return super().render_variant(timeout_s=10.0, **kwargs)


def test_a_late_answer_leaves_no_image(scene, gemini, settings, monkeypatch):
    settings.RENDER_VARIANT_TIMEOUT_S = 0.5
    monkeypatch.setattr(renderer, "VARIANT_GRACE_S", 0.2)
    gemini.queue("gemini-2.5-flash-image", image_reply(delay_s=1.5))
    run = start(scene)

    run = render_run_execute(run_id=run.id, provider=BudgetIgnoringGemini())
    # The late call's pool thread is still running: wait for it to finish.
    for thread in threading.enumerate():
        if thread.name.startswith(f"render-{str(run.id)[:8]}"):
            thread.join(timeout=10)

    assert run.status == "partial"
    rows = results(run)
    late = [vid for vid, row in rows.items() if row.status == "timeout"]
    assert len(late) == 1
    assert (rows[late[0]].error_message, rows[late[0]].output_image_key) == (
        "no answer within 0.5s",
        None,
    )
    assert storage.exists(f"see-it-now/{run.id}/{late[0]}.jpg") is False
    stored = sorted(
        vid for vid in VARIANT_IDS if storage.exists(f"see-it-now/{run.id}/{vid}.jpg")
    )
    assert stored == sorted(set(VARIANT_IDS) - set(late))


@pytest.mark.django_db(transaction=True)
def test_inputs_are_read_before_the_quota_row_is_locked(scene, monkeypatch):
    # Reading two images of up to 25 MB each must not hold today's usage row,
    # which every render of the shop needs.
    read = storage.read
    reads: list[tuple[str, bool]] = []

    def observed_read(key: str, **kwargs) -> bytes:
        reads.append((key, connection.in_atomic_block))
        return read(key, **kwargs)

    monkeypatch.setattr(storage, "read", observed_read)
    run = start(scene)

    # The first two are the request's; the task (run synchronously in tests on
    # commit) reads both again.
    assert reads[:2] == [
        (scene.room.canonical_room_image_key, False),
        (scene.asset.prepared_image_key, False),
    ]
    assert (run.room_image_hash, run.product_image_hash) == (
        sha256_bytes(scene.room_jpg),
        sha256_bytes(scene.product_png),
    )
    assert usage(scene.shop) == 1


def test_each_thumbnail_is_made_after_its_variant_is_recorded(scene, monkeypatch):
    events: list[tuple[str, str]] = []
    record, thumbnail = renderer._record, renderer._store_thumbnail

    def recording(run, outcome):
        record(run, outcome)
        events.append(("recorded", outcome.variant_id))

    def thumbnailing(*, run_id, variant_id, image):
        events.append(("thumbnail", variant_id))
        thumbnail(run_id=run_id, variant_id=variant_id, image=image)

    monkeypatch.setattr(renderer, "_record", recording)
    monkeypatch.setattr(renderer, "_store_thumbnail", thumbnailing)

    run = render_run_execute(run_id=start(scene).id)

    assert run.status == "complete"
    for vid in VARIANT_IDS:
        assert events.index(("recorded", vid)) < events.index(("thumbnail", vid))
        # Made by the time the task returns.
        assert storage.exists(f"see-it-now/{run.id}/thumb-{vid}.jpg")


def test_a_thumbnail_that_fails_costs_the_shopper_nothing(scene, monkeypatch, caplog):
    def broken(data, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(renderer, "thumbnail_jpeg", broken)

    with caplog.at_level(logging.ERROR, logger="renders.render"):
        run = render_run_execute(run_id=start(scene).id)

    # Every variant still counts (the widget shows the full image instead).
    assert run.status == "complete"
    assert {r.status for r in run.variant_results.all()} == {"success"}
    assert not storage.exists(f"see-it-now/{run.id}/thumb-V01.jpg")
    assert sum("thumbnail of" in r.getMessage() for r in caplog.records) == 8
