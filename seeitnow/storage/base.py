"""What a storage backend must do; Django's storage does the plain file work."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.storage import Storage


class ObjectNotFound(FileNotFoundError):
    """No object is stored under the key."""


class ObjectTooLarge(ValueError):
    """The stored object is larger than the caller accepts."""


@dataclass(frozen=True)
class SignedUpload:
    """A URL the browser PUTs to, with the headers it must send along."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)


class StorageBackend:
    """One bucket or directory addressed by keys like `rooms/{shop}/{room}/x.jpg`."""

    def __init__(self, storage: Storage):
        self.storage = storage

    def save(self, key: str, data: bytes, *, content_type: str) -> None:
        raise NotImplementedError

    def read(self, key: str, *, max_bytes: int | None = None) -> bytes:
        raise NotImplementedError

    def size(self, key: str) -> int | None:
        """Size in bytes, or None when nothing is stored under the key."""
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def delete(self, key: str) -> None:
        self.storage.delete(key)

    def delete_prefix(self, prefix: str) -> int:
        raise NotImplementedError

    def signed_read_url(self, key: str, *, ttl: int) -> str:
        raise NotImplementedError

    def signed_upload(
        self, key: str, *, content_type: str, ttl: int, max_bytes: int
    ) -> SignedUpload:
        raise NotImplementedError

    def check(self) -> None:
        """Cheap reachability check for /healthz; raises on failure."""
        raise NotImplementedError
