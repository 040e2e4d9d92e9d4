"""The local backend's signed endpoints: the browser PUTs the room photo here and
GETs stored images, cross-origin from the storefront (SPEC §4)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from seeitnow import storage
from seeitnow.storage.base import ObjectTooLarge
from seeitnow.storage.local import (
    LocalBackend,
    TokenInvalid,
    verify_read_token,
    verify_upload_token,
)

CHUNK_BYTES = 64 * 1024
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "heic": "image/heic",
    "heif": "image/heif",
}


def _cors(response: HttpResponse) -> HttpResponse:
    # The same rule as gcs-cors.json: any origin, no credentials.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, PUT, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "3600"
    return response


def _error(code: str, message: str, status: int) -> HttpResponse:
    return _cors(JsonResponse({"error": code, "message": message}, status=status))


def _local() -> LocalBackend | None:
    backend = storage.backend()
    return backend if isinstance(backend, LocalBackend) else None


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def _chunks(request: HttpRequest):
    while chunk := request.read(CHUNK_BYTES):
        yield chunk


@csrf_exempt
def upload(request: HttpRequest, token: str) -> HttpResponse:
    """PUT the bytes of a signed upload; refused past the size cap while streaming."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    if request.method != "PUT":
        return _error("method_not_allowed", "Use PUT.", 405)
    backend = _local()
    if backend is None:
        return _error("not_found", "Not found.", 404)
    try:
        grant = verify_upload_token(token)
    except TokenInvalid:
        return _error("invalid_signature", "Upload URL is invalid or expired.", 403)
    if _media_type(request.headers.get("Content-Type", "")) != grant.content_type:
        return _error(
            "content_type_mismatch",
            f"Content-Type must be {grant.content_type}.",
            403,
        )
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > grant.max_bytes:
        return _error("file_too_large", "The file exceeds the upload limit.", 413)
    try:
        backend.write_stream(grant.key, _chunks(request), max_bytes=grant.max_bytes)
    except ObjectTooLarge:
        return _error("file_too_large", "The file exceeds the upload limit.", 413)
    return _cors(HttpResponse(status=200))


def read(request: HttpRequest, token: str) -> HttpResponse:
    """GET (or HEAD) a stored object through a signed, expiring URL."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    if request.method not in ("GET", "HEAD"):
        return _error("method_not_allowed", "Use GET.", 405)
    backend = _local()
    if backend is None:
        return _error("not_found", "Not found.", 404)
    try:
        key = verify_read_token(token)
    except TokenInvalid:
        return _error("invalid_signature", "URL is invalid or expired.", 403)
    path = backend.path(key)
    if not path.is_file():
        return _error("not_found", "Not found.", 404)
    extension = key.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        path.open("rb"),
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return _cors(response)
