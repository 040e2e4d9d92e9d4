"""The storage facade: the only code that knows about buckets and signed URLs.

Wraps `storages["default"]` (FileSystemStorage or django-storages'
GoogleCloudStorage) and adds what Django's API lacks: signed upload and read URLs,
size-capped reads and delete-by-prefix. Keys follow SPEC §4 and are built by
`seeitnow.storage.keys` alone.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

from seeitnow.storage.base import (
    ObjectNotFound,
    ObjectTooLarge,
    SignedUpload,
    StorageBackend,
)

__all__ = [
    "ObjectNotFound",
    "ObjectTooLarge",
    "SignedUpload",
    "backend",
    "check",
    "delete",
    "delete_prefix",
    "exists",
    "read",
    "save",
    "signed_read_url",
    "signed_upload_url",
    "size",
]

_cached: tuple[object, StorageBackend] | None = None


def backend() -> StorageBackend:
    """The backend for the current default storage (rebuilt when settings change)."""
    global _cached
    storage = storages["default"]
    if _cached is None or _cached[0] is not storage:
        if isinstance(storage, FileSystemStorage):
            from seeitnow.storage.local import LocalBackend

            _cached = (storage, LocalBackend(storage))
        else:
            from seeitnow.storage.gcs import GCSBackend

            _cached = (storage, GCSBackend(storage))
    return _cached[1]


def save(key: str, data: bytes, *, content_type: str) -> None:
    """Store bytes under key, replacing what was there."""
    backend().save(key, data, content_type=content_type)


def read(key: str, *, max_bytes: int | None = None) -> bytes:
    """Bytes under key. Raises ObjectNotFound, ObjectTooLarge (over max_bytes)."""
    return backend().read(key, max_bytes=max_bytes)


def size(key: str) -> int | None:
    """Size in bytes of the object under key, None when absent."""
    return backend().size(key)


def exists(key: str) -> bool:
    """Whether an object is stored under key."""
    return backend().exists(key)


def delete(key: str) -> None:
    """Delete the object under key; a missing object is not an error."""
    backend().delete(key)


def delete_prefix(prefix: str) -> int:
    """Delete every object whose key starts with prefix (ends with '/'); count."""
    if not prefix.endswith("/") or prefix.strip("/") == "":
        raise ValueError("prefix must name a folder, e.g. 'rooms/1/2/'")
    return backend().delete_prefix(prefix)


def signed_read_url(key: str, *, ttl: int | None = None) -> str:
    """A GET URL valid for ttl seconds (default SIGNED_READ_TTL_S)."""
    return backend().signed_read_url(key, ttl=ttl or settings.SIGNED_READ_TTL_S)


def signed_upload_url(
    key: str,
    *,
    content_type: str,
    ttl: int | None = None,
    max_bytes: int | None = None,
) -> SignedUpload:
    """A PUT URL bound to key, content type and expiry, plus the headers to send."""
    return backend().signed_upload(
        key,
        content_type=content_type,
        ttl=ttl or settings.SIGNED_UPLOAD_TTL_S,
        max_bytes=max_bytes or settings.ROOM_MAX_UPLOAD_BYTES,
    )


def check() -> None:
    """Raise when the storage is unreachable (healthz)."""
    backend().check()
