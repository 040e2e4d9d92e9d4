"""The storage facade on GCS: the real client against gcp-storage-emulator."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from google.auth import credentials as google_credentials

from seeitnow import storage
from seeitnow.storage.gcs import GCSBackend
from tests.storage.emulator import BUCKET, SIGNER_EMAIL

KEY = "rooms/shop-1/room-1/room.jpg"


def test_facade_uses_the_gcs_backend(gcs):
    assert isinstance(storage.backend(), GCSBackend)
    # The client talks to the emulator anonymously; the key is for signing only.
    assert storage.backend().storage.credentials is None


def test_save_read_size_delete(gcs):
    assert storage.size(KEY) is None
    storage.save(KEY, b"first", content_type="image/jpeg")
    storage.save(KEY, b"second!", content_type="image/jpeg")

    assert storage.read(KEY) == b"second!"
    assert storage.size(KEY) == 7
    assert storage.exists(KEY)
    with pytest.raises(storage.ObjectTooLarge):
        storage.read(KEY, max_bytes=6)
    storage.delete(KEY)
    storage.delete(KEY)
    with pytest.raises(storage.ObjectNotFound):
        storage.read(KEY)


def test_delete_prefix(gcs):
    for key in (
        "rooms/s/r1/room.jpg",
        "rooms/s/r1/canonical.jpg",
        "rooms/s/r10/room.jpg",
        "see-it-now/run/V01.jpg",
    ):
        storage.save(key, b"x", content_type="image/jpeg")

    assert storage.delete_prefix("rooms/s/r1/") == 2
    assert not storage.exists("rooms/s/r1/room.jpg")
    assert storage.exists("rooms/s/r10/room.jpg")
    assert storage.exists("see-it-now/run/V01.jpg")


def test_signed_put_is_v4_bound_to_content_type_and_length(gcs):
    upload = storage.signed_upload_url(KEY, content_type="image/webp", max_bytes=1234)

    parts = urlsplit(upload.url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{gcs}/{BUCKET}/{KEY}"
    assert query["X-Goog-Algorithm"] == ["GOOG4-RSA-SHA256"]
    assert query["X-Goog-Credential"][0].startswith(f"{SIGNER_EMAIL}/")
    assert query["X-Goog-Expires"] == ["900"]
    assert query["X-Goog-SignedHeaders"] == [
        "content-type;host;x-goog-content-length-range"
    ]
    assert upload.headers == {
        "Content-Type": "image/webp",
        "x-goog-content-length-range": "0,1234",
    }


def test_signed_put_then_signed_get(gcs):
    upload = storage.signed_upload_url(KEY, content_type="image/jpeg")
    response = httpx.put(upload.url, content=b"\xff\xd8room", headers=upload.headers)
    assert response.status_code == 200
    assert storage.read(KEY) == b"\xff\xd8room"

    url = storage.signed_read_url(KEY)
    assert parse_qs(urlsplit(url).query)["X-Goog-Expires"] == ["3600"]
    response = httpx.get(url)
    assert (response.status_code, response.content) == (200, b"\xff\xd8room")


def test_check(gcs):
    storage.check()


def test_storage_client_takes_the_key_file_outside_the_emulator(
    gcs, monkeypatch, service_account_file
):
    from google.oauth2 import service_account

    from seeitnow.storage.gcs import GoogleCloudStorage

    monkeypatch.delenv("STORAGE_EMULATOR_HOST")
    storage_ = GoogleCloudStorage(bucket_name=BUCKET)
    assert isinstance(storage_.credentials, service_account.Credentials)
    assert storage_.credentials.service_account_email == SIGNER_EMAIL


class RuntimeCredentials(google_credentials.Credentials):
    """Cloud Run / GCE style: a token and an email, no private key."""

    def refresh(self, request):
        self.token = "ya29.runtime-token"
        self.expiry = None
        self.service_account_email = "runtime@project.iam.gserviceaccount.com"


def test_without_a_private_key_urls_are_signed_through_iam(gcs, settings):
    settings.GS_CREDENTIALS_FILE = ""
    backend = storage.backend()
    backend.storage.credentials = RuntimeCredentials()

    assert backend._signing_kwargs() == {
        "service_account_email": "runtime@project.iam.gserviceaccount.com",
        "access_token": "ya29.runtime-token",
    }
