"""Local filesystem backend: the app itself serves signed, expiring PUT/GET URLs.

Tokens are Django-signed (SECRET_KEY) payloads carrying the key, the content type,
the size cap and the expiry; `seeitnow.storage_views` verifies and serves them.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.urls import reverse

from seeitnow.storage.base import (
    ObjectNotFound,
    ObjectTooLarge,
    SignedUpload,
    StorageBackend,
)

UPLOAD_SALT = "seeitnow.storage.upload"
READ_SALT = "seeitnow.storage.read"


class TokenInvalid(Exception):
    """The token is tampered with, malformed or expired."""


@dataclass(frozen=True)
class UploadGrant:
    key: str
    content_type: str
    max_bytes: int


def _sign(payload: dict, salt: str, ttl: int) -> str:
    return signing.dumps({**payload, "exp": int(time.time()) + ttl}, salt=salt)


def _unsign(token: str, salt: str) -> dict:
    try:
        payload = signing.loads(token, salt=salt)
    except signing.BadSignature as exc:
        raise TokenInvalid("bad signature") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int):
        raise TokenInvalid("malformed token")
    if payload["exp"] < time.time():
        raise TokenInvalid("expired")
    return payload


def verify_upload_token(token: str) -> UploadGrant:
    """The grant a PUT token carries. Raises TokenInvalid."""
    payload = _unsign(token, UPLOAD_SALT)
    try:
        return UploadGrant(payload["k"], payload["ct"], int(payload["max"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid("malformed token") from exc


def verify_read_token(token: str) -> str:
    """The key a GET token grants. Raises TokenInvalid."""
    key = _unsign(token, READ_SALT).get("k")
    if not isinstance(key, str):
        raise TokenInvalid("malformed token")
    return key


def _absolute(path: str) -> str:
    return settings.SHOPIFY_APP_URL.rstrip("/") + path


class LocalBackend(StorageBackend):
    def path(self, key: str) -> Path:
        # FileSystemStorage.path() refuses keys that escape MEDIA_ROOT.
        return Path(self.storage.path(key))

    def save(self, key: str, data: bytes, *, content_type: str) -> None:
        self.write_stream(key, iter((data,)), max_bytes=None)

    def write_stream(
        self, key: str, chunks: Iterator[bytes], *, max_bytes: int | None
    ) -> int:
        """Write chunks atomically; raises ObjectTooLarge (writing nothing) past
        max_bytes, as soon as the cap is crossed."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        total = 0
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    total += len(chunk)
                    if max_bytes is not None and total > max_bytes:
                        raise ObjectTooLarge(f"more than {max_bytes} bytes")
                    handle.write(chunk)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return total

    def read(self, key: str, *, max_bytes: int | None = None) -> bytes:
        path = self.path(key)
        try:
            with path.open("rb") as handle:
                if (
                    max_bytes is not None
                    and os.fstat(handle.fileno()).st_size > max_bytes
                ):
                    raise ObjectTooLarge(f"more than {max_bytes} bytes")
                return handle.read()
        except (FileNotFoundError, IsADirectoryError) as exc:
            raise ObjectNotFound(key) from exc

    def size(self, key: str) -> int | None:
        path = self.path(key)
        return path.stat().st_size if path.is_file() else None

    def delete_prefix(self, prefix: str) -> int:
        root = self.path(prefix)
        if not root.is_dir():
            return 0
        count = 0
        for directory, _dirs, files in os.walk(root, topdown=False):
            for name in files:
                Path(directory, name).unlink(missing_ok=True)
                count += 1
            # A file that arrived meanwhile keeps its folder; the next purge takes it.
            with contextlib.suppress(OSError):
                Path(directory).rmdir()
        return count

    def signed_read_url(self, key: str, *, ttl: int) -> str:
        token = _sign({"k": key}, READ_SALT, ttl)
        return _absolute(reverse("storage-read", args=[token]))

    def signed_upload(
        self, key: str, *, content_type: str, ttl: int, max_bytes: int
    ) -> SignedUpload:
        self.path(key)  # refuse an unsafe key now, not at PUT time
        token = _sign(
            {"k": key, "ct": content_type, "max": max_bytes}, UPLOAD_SALT, ttl
        )
        return SignedUpload(
            url=_absolute(reverse("storage-upload", args=[token])),
            headers={"Content-Type": content_type},
        )

    def check(self) -> None:
        root = Path(self.storage.location)
        root.mkdir(parents=True, exist_ok=True)
        if not os.access(root, os.W_OK):
            raise OSError(f"{root} is not writable")
