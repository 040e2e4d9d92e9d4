"""Google Cloud Storage backend: V4 signed URLs on django-storages' bucket.

Signing works with a service-account key (GS_CREDENTIALS_FILE, or key-based
application default credentials) and, without a private key (Cloud Run, GCE), via
the IAM signBlob API with the runtime service account's email and access token.
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from typing import Any

import google.auth
from django.conf import settings
from google.auth.transport.requests import Request
from google.cloud.exceptions import NotFound
from google.oauth2 import service_account
from storages.backends import gcloud

from seeitnow.storage.base import (
    ObjectNotFound,
    ObjectTooLarge,
    SignedUpload,
    StorageBackend,
)

SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


def _key_credentials() -> service_account.Credentials | None:
    path = settings.GS_CREDENTIALS_FILE
    if not path:
        return None
    return service_account.Credentials.from_service_account_file(path, scopes=SCOPES)


class GoogleCloudStorage(gcloud.GoogleCloudStorage):
    """django-storages' GCS storage, taking its credentials from GS_CREDENTIALS_FILE.

    Against the emulator (STORAGE_EMULATOR_HOST) the client stays anonymous: key
    credentials would make it fetch tokens from Google.
    """

    def __init__(self, **options: Any):
        super().__init__(**options)
        if self.credentials is None and not os.environ.get("STORAGE_EMULATOR_HOST"):
            self.credentials = _key_credentials()


class GCSBackend(StorageBackend):
    def __init__(self, storage: gcloud.GoogleCloudStorage):
        super().__init__(storage)
        self._signer: Any = None

    @property
    def bucket(self) -> Any:
        return self.storage.bucket

    def save(self, key: str, data: bytes, *, content_type: str) -> None:
        self.bucket.blob(key).upload_from_string(data, content_type=content_type)

    def read(self, key: str, *, max_bytes: int | None = None) -> bytes:
        blob = self.bucket.get_blob(key)
        if blob is None:
            raise ObjectNotFound(key)
        if max_bytes is not None and (blob.size or 0) > max_bytes:
            raise ObjectTooLarge(f"more than {max_bytes} bytes")
        try:
            return blob.download_as_bytes()
        except NotFound as exc:
            raise ObjectNotFound(key) from exc

    def size(self, key: str) -> int | None:
        blob = self.bucket.get_blob(key)
        return None if blob is None else int(blob.size or 0)

    def delete(self, key: str) -> None:
        with contextlib.suppress(NotFound):
            self.bucket.delete_blob(key)

    def delete_prefix(self, prefix: str) -> int:
        count = 0
        for blob in self.bucket.list_blobs(prefix=prefix):
            try:
                blob.delete()
            except NotFound:
                continue
            count += 1
        return count

    def _signing_kwargs(self) -> dict[str, Any]:
        if self._signer is None:
            self._signer = _key_credentials()
            if self._signer is None:
                credentials = self.storage.credentials
                if credentials is None:
                    credentials, _project = google.auth.default(scopes=SCOPES)
                self._signer = credentials
        if isinstance(self._signer, service_account.Credentials):
            return {"credentials": self._signer}
        # No private key here: sign through IAM signBlob as the runtime account.
        if not self._signer.valid:
            self._signer.refresh(Request())
        email = getattr(self.storage, "sa_email", None) or getattr(
            self._signer, "service_account_email", None
        )
        return {"service_account_email": email, "access_token": self._signer.token}

    def signed_read_url(self, key: str, *, ttl: int) -> str:
        return self.bucket.blob(key).generate_signed_url(
            version="v4",
            method="GET",
            expiration=timedelta(seconds=ttl),
            **self._signing_kwargs(),
        )

    def signed_upload(
        self, key: str, *, content_type: str, ttl: int, max_bytes: int
    ) -> SignedUpload:
        # GCS refuses a PUT whose body falls outside this signed header's range;
        # the browser must send it, so it is returned with the URL.
        headers = {
            "Content-Type": content_type,
            "x-goog-content-length-range": f"0,{max_bytes}",
        }
        url = self.bucket.blob(key).generate_signed_url(
            version="v4",
            method="PUT",
            content_type=content_type,
            headers={
                "x-goog-content-length-range": headers["x-goog-content-length-range"]
            },
            expiration=timedelta(seconds=ttl),
            **self._signing_kwargs(),
        )
        return SignedUpload(url=url, headers=headers)

    def check(self) -> None:
        # objects.list is all an object-admin service account may do on the bucket.
        next(iter(self.bucket.list_blobs(max_results=1)), None)
