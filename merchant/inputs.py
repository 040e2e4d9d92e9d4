"""What the products API accepts, parsed into typed values (or AppError 400)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from assets.selectors import PRODUCT_FILTERS
from renders.inputs import room_content_type_parse
from seeitnow.http import AppError

MAX_LIMIT = 100
MAX_BATCH = 250


@dataclass(frozen=True)
class ProductListQuery:
    status: str
    query: str
    cursor: str | None
    limit: int


def product_list_query(request: HttpRequest) -> ProductListQuery:
    """`?status=&query=&cursor=&limit=`; raises AppError `invalid_status` or
    `invalid_limit`."""
    status = request.GET.get("status", "")
    if status and status not in PRODUCT_FILTERS:
        raise AppError(
            "invalid_status",
            f"status must be one of: {', '.join(PRODUCT_FILTERS)}.",
            400,
        )
    raw = request.GET.get("limit", "25")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise AppError(
            "invalid_limit", f"limit must be between 1 and {MAX_LIMIT}.", 400
        )
    return ProductListQuery(
        status=status,
        query=request.GET.get("query", "").strip()[:200],
        cursor=request.GET.get("cursor") or None,
        limit=int(raw),
    )


def product_ids(data: dict) -> list[str] | None:
    """`{"product_ids": [...]}` → the ids, or None for `{"all_unprepared": true}`.

    Raises AppError `invalid_product_ids`.
    """
    if data.get("all_unprepared") is True:
        return None
    ids = data.get("product_ids")
    if (
        not isinstance(ids, list)
        or not ids
        or len(ids) > MAX_BATCH
        or not all(isinstance(i, str | int) and not isinstance(i, bool) for i in ids)
    ):
        raise AppError(
            "invalid_product_ids",
            f"Send product_ids (1 to {MAX_BATCH} ids) or all_unprepared: true.",
            400,
        )
    return [str(i) for i in ids]


def uploaded_cutout(request: HttpRequest) -> bytes:
    """The PNG of a multipart `cutout` field; raises AppError `missing_file`."""
    upload = request.FILES.get("cutout")
    if upload is None:
        raise AppError("missing_file", "Attach the cutout PNG as `cutout`.", 400)
    return upload.read()


@dataclass(frozen=True)
class RoomPhoto:
    data: bytes
    content_type: str


def uploaded_room_photo(request: HttpRequest) -> RoomPhoto:
    """The room photo of a multipart `photo` field, for a test render; raises
    AppError `missing_file` or `invalid_content_type`."""
    upload = request.FILES.get("photo")
    if upload is None:
        raise AppError("missing_file", "Attach the room photo as `photo`.", 400)
    content_type = room_content_type_parse(upload.content_type)
    return RoomPhoto(data=upload.read(), content_type=content_type)
