"""The render of one run: eight variants in parallel, each stored as it finishes.

Runs in a q2 worker. Provider calls and uploads happen in a thread pool; the
VariantResult rows are written by the calling thread as each variant completes, so
a poll shows the first image as soon as it exists and the database is touched from
one connection only. The task is idempotent: a run that is already finished is left
alone, and a run resumed after a dead worker renders only the variants it lacks.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, OperationalError, connection, transaction

from assets.models import ProductAsset
from renders.assembler import (
    PromptPackInvalid,
    assemble_prompts,
    sha256_bytes,
    sha256_text,
)
from renders.models import RenderRun, RoomSession, VariantResult, VariantStatus
from renders.services.closing import log_run_stage, render_run_finish
from renders.thumbnails import thumbnail_jpeg
from seeitnow import storage
from seeitnow.ai import AIError, AIProvider, ImageInput, UploadedFile, get_provider
from seeitnow.ai.schema import VARIANT_IDS
from seeitnow.metrics import VARIANT_LATENCY, VARIANT_OUTCOMES
from seeitnow.storage import keys
from seeitnow.wakeup import wakeup_send

logger = logging.getLogger("renders.render")

# Past its own budget a variant gets this long to report before it is written off
# as a timeout (the provider enforces the budget itself; this is the backstop).
VARIANT_GRACE_S = 5.0
# Thumbnails are made beside the calls still running (Pillow frees the GIL).
THUMBNAIL_THREADS = 2


@dataclass(frozen=True)
class VariantOutcome:
    variant_id: str
    status: str
    latency_ms: int
    prompt_hash: str
    output_key: str | None = None
    output_hash: str | None = None
    error: str | None = None
    # The stored image itself, for its thumbnail (made once the row is written).
    image: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class RunInputs:
    product: ImageInput
    room: ImageInput
    aspect_ratio: str


class InputUnavailable(Exception):
    """An input image is gone or differs from the one recorded on the run."""


class _Handoff:
    """Settles once per variant whether its image is delivered or written off.

    A pool thread that stored its image after the run wrote the variant off as a
    timeout must delete it again: the run's folder holds only recorded successes.
    Deciding under one lock closes the gap between the two threads' checks.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fate: dict[str, str] = {}

    def deliver(self, variant_id: str) -> bool:
        """True unless the variant was already written off."""
        with self._lock:
            return self._fate.setdefault(variant_id, "delivered") == "delivered"

    def write_off(self, variant_id: str) -> bool:
        """True unless the variant's image was already delivered."""
        with self._lock:
            return self._fate.setdefault(variant_id, "written-off") == "written-off"


def run_started_key(run_id: object) -> str:
    """Shared-cache flag telling pollers that a worker has picked the run up."""
    return f"render-run-started:{run_id}"


def _cached_upload(uri: str | None, expires_at: datetime | None) -> UploadedFile | None:
    if uri and expires_at:
        return UploadedFile(uri=uri, expires_at=expires_at)
    return None


def with_file_uri(
    *, provider: AIProvider, image: ImageInput, owner: ProductAsset | RoomSession
) -> ImageInput:
    """Upload once to the provider's file cache and remember the URI on `owner`;
    on an upload failure the image is simply sent inline."""
    cached = _cached_upload(owner.gemini_file_uri, owner.gemini_file_expires_at)
    try:
        uploaded = provider.ensure_uploaded(image=image, cached=cached)
    except AIError as exc:
        logger.warning("file upload failed, sending inline: %s", exc)
        return image
    if uploaded is None:
        return image
    if uploaded != cached:
        type(owner).objects.filter(pk=owner.pk).update(
            gemini_file_uri=uploaded.uri, gemini_file_expires_at=uploaded.expires_at
        )
    return ImageInput(data=image.data, mime_type=image.mime_type, file_uri=uploaded.uri)


def _read_checked(key: str | None, expected_hash: str, what: str) -> bytes:
    if not key:
        raise InputUnavailable(f"the {what} image is no longer available")
    try:
        data = storage.read(key, max_bytes=settings.FETCH_MAX_BYTES)
    except (storage.ObjectNotFound, storage.ObjectTooLarge) as exc:
        raise InputUnavailable(f"the {what} image is no longer available") from exc
    if sha256_bytes(data) != expected_hash:
        raise InputUnavailable(f"the {what} image changed after the run started")
    return data


def _load_inputs(*, run: RenderRun, provider: AIProvider) -> RunInputs:
    """Both images as recorded on the run, with Files API URIs when the provider
    caches them. Raises InputUnavailable."""
    asset = run.product_asset
    room = RoomSession.objects.filter(pk=run.room_session_id).first()
    if room is None:
        raise InputUnavailable("the room session has expired")
    product = ImageInput(
        data=_read_checked(asset.prepared_image_key, run.product_image_hash, "product"),
        mime_type="image/png",
    )
    room_image = ImageInput(
        data=_read_checked(room.canonical_room_image_key, run.room_image_hash, "room"),
        mime_type="image/jpeg",
    )
    # The room's upload is queued at room/confirm; a render that starts before it
    # finished sends the room inline rather than wait for an upload of its own.
    room_cached = _cached_upload(room.gemini_file_uri, room.gemini_file_expires_at)
    return RunInputs(
        product=with_file_uri(provider=provider, image=product, owner=asset),
        room=room_image
        if room_cached is None
        else with_file_uri(provider=provider, image=room_image, owner=room),
        aspect_ratio=room.canonical_room_ratio_label or "1:1",
    )


def _render_one(
    *,
    provider: AIProvider,
    run_id: object,
    variant_id: str,
    prompt: str,
    inputs: RunInputs,
    facts: dict,
    timeout_s: float,
    handoff: _Handoff,
) -> VariantOutcome:
    """One variant: provider call, then upload (runs in a pool thread, no DB)."""
    prompt_hash = sha256_text(prompt)
    started = time.monotonic()
    try:
        data = provider.render_variant(
            product_image=inputs.product,
            room_image=inputs.room,
            prompt=prompt,
            aspect_ratio=inputs.aspect_ratio,
            variant_id=variant_id,
            facts=facts,
            timeout_s=timeout_s,
        )
        key = keys.variant_key(run_id=run_id, variant_id=variant_id)
        storage.save(key, data, content_type="image/jpeg")
        if not handoff.deliver(variant_id):
            # Too late: the run has already recorded this variant as a timeout.
            storage.delete(key)
            return VariantOutcome(
                variant_id=variant_id,
                status=VariantStatus.TIMEOUT,
                latency_ms=int((time.monotonic() - started) * 1000),
                prompt_hash=prompt_hash,
                error="finished after the run's deadline",
            )
    except AIError as exc:
        status = (
            VariantStatus.TIMEOUT if exc.code == "ai_timeout" else VariantStatus.FAILED
        )
        return VariantOutcome(
            variant_id=variant_id,
            status=status,
            latency_ms=int((time.monotonic() - started) * 1000),
            prompt_hash=prompt_hash,
            error=str(exc),
        )
    except Exception as exc:
        logger.exception("variant %s of run %s crashed", variant_id, run_id)
        return VariantOutcome(
            variant_id=variant_id,
            status=VariantStatus.FAILED,
            latency_ms=int((time.monotonic() - started) * 1000),
            prompt_hash=prompt_hash,
            error=f"internal error: {type(exc).__name__}",
        )
    return VariantOutcome(
        variant_id=variant_id,
        status=VariantStatus.SUCCESS,
        latency_ms=int((time.monotonic() - started) * 1000),
        prompt_hash=prompt_hash,
        output_key=key,
        output_hash=sha256_bytes(data),
        image=data,
    )


def _store_thumbnail(*, run_id: object, variant_id: str, image: bytes) -> None:
    """The variant's 400 px rendition (a pool thread, no DB). Made after the row
    is written, off the shopper's wait; without it the widget shows the full
    image, so a failure is logged, never raised."""
    try:
        storage.save(
            keys.thumb_key(run_id=run_id, variant_id=variant_id),
            thumbnail_jpeg(image),
            content_type="image/jpeg",
        )
    except Exception:
        logger.exception("thumbnail of %s in run %s failed", variant_id, run_id)


def _record(run: RenderRun, outcome: VariantOutcome) -> None:
    """Write the variant's row now; a row already there (a sweeper or another
    worker got to it first) wins."""
    try:
        _create_variant_row(run, outcome)
    except IntegrityError:
        logger.info("variant %s of run %s already recorded", outcome.variant_id, run.id)
        return
    except OperationalError:
        # The database ended this worker's connection mid-run (failover, a pool
        # recycle, pg_terminate_backend): Django never reopens a broken one by
        # itself, so the stored image would be left without its row. Retry once
        # on a fresh connection (is_usable() may still answer True for it).
        if connection.in_atomic_block:
            raise
        logger.warning("database connection lost during run %s; reconnecting", run.id)
        connection.close()
        _create_variant_row(run, outcome)
    # Waiting polls of this run look again now (not at their next step).
    wakeup_send(str(run.id))
    VARIANT_OUTCOMES.labels(variant_id=outcome.variant_id, status=outcome.status).inc()
    VARIANT_LATENCY.observe(outcome.latency_ms / 1000)
    stage = (
        f"variant-{outcome.variant_id}-complete"
        if outcome.status == VariantStatus.SUCCESS
        else f"variant-{outcome.variant_id}-failed"
    )
    log_run_stage(
        stage, run, latency_ms=outcome.latency_ms, variant_status=outcome.status
    )


def _create_variant_row(run: RenderRun, outcome: VariantOutcome) -> None:
    with transaction.atomic():
        VariantResult.objects.create(
            render_run=run,
            variant_id=outcome.variant_id,
            final_prompt_hash=outcome.prompt_hash,
            status=outcome.status,
            latency_ms=outcome.latency_ms,
            output_image_key=outcome.output_key,
            output_image_hash=outcome.output_hash,
            error_message=outcome.error,
        )


def _render_variants(
    *,
    run: RenderRun,
    provider: AIProvider,
    prompts: dict[str, str],
    inputs: RunInputs,
    thumbnails: ThreadPoolExecutor,
) -> None:
    """Render `prompts` concurrently and record each outcome as it arrives; each
    success's thumbnail is queued on `thumbnails` once its row is written."""
    timeout_s = settings.RENDER_VARIANT_TIMEOUT_S
    handoff = _Handoff()
    pool = ThreadPoolExecutor(
        max_workers=len(prompts), thread_name_prefix=f"render-{str(run.id)[:8]}"
    )
    futures: dict[Future, str] = {
        pool.submit(
            _render_one,
            provider=provider,
            run_id=run.id,
            variant_id=vid,
            prompt=prompt,
            inputs=inputs,
            facts=run.resolved_facts_json,
            timeout_s=timeout_s,
            handoff=handoff,
        ): vid
        for vid, prompt in prompts.items()
    }
    deadline = time.monotonic() + timeout_s + VARIANT_GRACE_S
    pending = set(futures)
    try:
        while pending:
            done, pending = wait(
                pending,
                timeout=max(0.0, deadline - time.monotonic()),
                return_when=FIRST_COMPLETED,
            )
            if not done:
                break
            for future in done:
                _deliver(run, future.result(), thumbnails)
        for future in pending:
            vid = futures[future]
            if not handoff.write_off(vid):
                # Its image was stored just now: the outcome is moments away.
                _deliver(run, future.result(), thumbnails)
                continue
            _record(
                run,
                VariantOutcome(
                    variant_id=vid,
                    status=VariantStatus.TIMEOUT,
                    latency_ms=int((timeout_s + VARIANT_GRACE_S) * 1000),
                    prompt_hash=sha256_text(prompts[vid]),
                    error=f"no answer within {timeout_s:g}s",
                ),
            )
    finally:
        # A stuck call is abandoned, not awaited: the run must end on time.
        pool.shutdown(wait=False, cancel_futures=True)


def _deliver(
    run: RenderRun, outcome: VariantOutcome, thumbnails: ThreadPoolExecutor
) -> None:
    _record(run, outcome)
    if outcome.image is not None:
        thumbnails.submit(
            _store_thumbnail,
            run_id=run.id,
            variant_id=outcome.variant_id,
            image=outcome.image,
        )


def _fail_all(run: RenderRun, prompts: dict[str, str], message: str) -> None:
    for vid in VARIANT_IDS:
        _record(
            run,
            VariantOutcome(
                variant_id=vid,
                status=VariantStatus.FAILED,
                latency_ms=0,
                prompt_hash=sha256_text(prompts.get(vid, "")),
                error=message,
            ),
        )


def render_run_execute(
    *, run_id: object, provider: AIProvider | None = None
) -> RenderRun:
    """Render the variants the run still lacks, then finish it (idempotent)."""
    run = RenderRun.objects.select_related("shop", "product_asset").get(pk=run_id)
    if run.is_finished:
        return run
    cache.set(run_started_key(run.id), True, timeout=3600)
    recorded = set(run.variant_results.values_list("variant_id", flat=True))
    log_run_stage("render-start", run, resumed=bool(recorded))
    try:
        prompts = assemble_prompts(prompt_pack=run.prompt_pack_json)
    except PromptPackInvalid as exc:
        _fail_all(run, {}, str(exc))
        return render_run_finish(run_id=run.id)
    todo = {vid: p for vid, p in prompts.items() if vid not in recorded}
    # The run closes (and its waiters are answered) before the last thumbnails
    # are done; the task ends only once they are.
    with ThreadPoolExecutor(
        max_workers=THUMBNAIL_THREADS, thread_name_prefix=f"thumbs-{str(run.id)[:8]}"
    ) as thumbnails:
        if todo:
            provider = provider or get_provider()
            try:
                inputs = _load_inputs(run=run, provider=provider)
            except InputUnavailable as exc:
                _fail_all(run, prompts, str(exc))
            else:
                _render_variants(
                    run=run,
                    provider=provider,
                    prompts=todo,
                    inputs=inputs,
                    thumbnails=thumbnails,
                )
        return render_run_finish(run_id=run.id)
