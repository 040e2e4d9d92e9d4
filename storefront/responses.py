"""Every JSON answer of the storefront routes, built in one place (SPEC §5)."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

from renders.models import RENDER_VERSION, RenderJob, RenderRun, RoomSession
from renders.services.rooms import RoomUpload
from renders.services.selection import Selection
from seeitnow import storage
from seeitnow.http import json_ok

RENDER_POLL_PATH = "see-it-now/render/{run_id}"
DEFAULT_PROXY_PREFIX = "/apps/see-it"


def room_upload(upload: RoomUpload) -> JsonResponse:
    return json_ok(
        {
            "room_session_id": str(upload.room_session.id),
            "upload_url": upload.upload.url,
            "upload_headers": upload.upload.headers,
            "room_image_future_url": upload.room_image_future_url,
            "content_type": upload.content_type,
            "max_file_size_bytes": upload.max_bytes,
            "max_file_size_mb": upload.max_bytes // 2**20,
        }
    )


def room_confirmed(room: RoomSession) -> JsonResponse:
    return json_ok(
        {
            "ok": True,
            "room_session_id": str(room.id),
            "canonical_room_image_url": storage.signed_read_url(
                room.canonical_room_image_key
            ),
            "canonical_width": room.canonical_room_width,
            "canonical_height": room.canonical_room_height,
            "ratio_label": room.canonical_room_ratio_label,
        }
    )


def poll_url(*, path_prefix: str | None, run_id: object) -> str:
    """The storefront path of the poll route, under the shop's signed proxy prefix."""
    prefix = (path_prefix or DEFAULT_PROXY_PREFIX).rstrip("/")
    return f"{prefix}/{RENDER_POLL_PATH.format(run_id=run_id)}"


def render_pending(*, run: RenderRun, status: str, url: str) -> JsonResponse:
    return json_ok(
        {"run_id": str(run.id), "status": status, "poll_url": url}, status=202
    )


def render_state(public: dict[str, Any]) -> JsonResponse:
    return json_ok(public)


def selected(chosen: Selection) -> JsonResponse:
    return json_ok(
        {
            "success": True,
            "render_job_id": str(chosen.job.id),
            "selected_variant": chosen.job.variant_id,
            "final_image_url": storage.signed_read_url(chosen.final_key),
            "upscaled": chosen.upscaled,
            "duration_ms": chosen.duration_ms,
            "version": RENDER_VERSION,
        }
    )


def added_to_cart(job: RenderJob) -> JsonResponse:
    return json_ok(
        {"success": True, "render_job_id": str(job.id), "variant_id": job.variant_id}
    )
