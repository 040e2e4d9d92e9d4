"""The storage facade on the local filesystem, and its signed PUT/GET endpoints."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.core import signing

from seeitnow import storage
from seeitnow.storage.base import ObjectTooLarge
from seeitnow.storage.local import UPLOAD_SALT

KEY = "rooms/shop-1/room-1/room.jpg"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, PUT, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
}


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "https://see-it-now.test"
    return parts.path


def _cors(response) -> dict[str, str]:
    return {name: response.headers.get(name) for name in CORS}


def test_save_read_size_exists_delete(media_root):
    assert storage.exists(KEY) is False
    assert storage.size(KEY) is None
    storage.save(KEY, b"first", content_type="image/jpeg")
    storage.save(KEY, b"second", content_type="image/jpeg")  # replaces, no rename

    assert storage.read(KEY) == b"second"
    assert storage.size(KEY) == 6
    assert storage.exists(KEY) is True
    assert sorted(p.name for p in (media_root / "rooms/shop-1/room-1").iterdir()) == [
        "room.jpg"
    ]
    with pytest.raises(ObjectTooLarge):
        storage.read(KEY, max_bytes=5)
    storage.delete(KEY)
    storage.delete(KEY)  # deleting twice is fine
    with pytest.raises(storage.ObjectNotFound):
        storage.read(KEY)


def test_delete_prefix_removes_only_that_folder(media_root):
    for key in (
        "rooms/s/r1/room.jpg",
        "rooms/s/r1/canonical.jpg",
        "rooms/s/r10/room.jpg",
        "see-it-now/run/V01.jpg",
    ):
        storage.save(key, b"x", content_type="image/jpeg")

    assert storage.delete_prefix("rooms/s/r1/") == 2
    assert storage.delete_prefix("rooms/s/r1/") == 0
    assert not (media_root / "rooms/s/r1").exists()
    assert storage.exists("rooms/s/r10/room.jpg")
    assert storage.exists("see-it-now/run/V01.jpg")
    with pytest.raises(ValueError):
        storage.delete_prefix("rooms/s/r1")
    with pytest.raises(ValueError):
        storage.delete_prefix("/")


def test_unsafe_keys_are_refused():
    with pytest.raises(Exception, match="outside"):
        storage.save("../escape.jpg", b"x", content_type="image/jpeg")
    with pytest.raises(Exception, match="outside"):
        storage.signed_upload_url("../../etc/passwd", content_type="image/jpeg")


def test_signed_put_then_get(client, media_root):
    upload = storage.signed_upload_url(KEY, content_type="image/jpeg", max_bytes=1000)
    assert upload.headers == {"Content-Type": "image/jpeg"}

    response = client.put(_path(upload.url), b"\xff\xd8jpeg-bytes", "image/jpeg")
    assert response.status_code == 200
    assert _cors(response) == CORS
    assert (media_root / KEY).read_bytes() == b"\xff\xd8jpeg-bytes"

    response = client.get(_path(storage.signed_read_url(KEY)))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == b"\xff\xd8jpeg-bytes"
    assert _cors(response) == CORS


def test_upload_preflight(client):
    upload = storage.signed_upload_url(KEY, content_type="image/png")
    response = client.options(
        _path(upload.url),
        HTTP_ORIGIN="https://shop-1.myshopify.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert response.status_code == 204
    assert _cors(response) == CORS


def _tampered(url: str) -> str:
    path = _path(url)
    token = path.rsplit("/", 1)[1]
    value, signature = token.rsplit(":", 1)
    return path.replace(
        token, f"{value}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    )


def _forged_with_other_key(url: str) -> str:
    # A validly signed read token presented to the upload endpoint (wrong salt).
    read = _path(storage.signed_read_url(KEY))
    return _path(url).rsplit("/", 1)[0] + "/" + read.rsplit("/", 1)[1]


@pytest.mark.parametrize(
    ("make_path", "content_type", "body", "status", "error"),
    [
        (lambda u: _path(u), "image/png", b"x", 403, "content_type_mismatch"),
        (_tampered, "image/jpeg", b"x", 403, "invalid_signature"),
        (_forged_with_other_key, "image/jpeg", b"x", 403, "invalid_signature"),
        (lambda u: _path(u), "image/jpeg", b"x" * 1001, 413, "file_too_large"),
    ],
    ids=["content-type", "tampered", "wrong-salt", "too-large"],
)
def test_signed_put_refusals_write_nothing(
    client, media_root, make_path, content_type, body, status, error
):
    upload = storage.signed_upload_url(KEY, content_type="image/jpeg", max_bytes=1000)
    response = client.put(make_path(upload.url), body, content_type)

    assert response.status_code == status
    assert response.json() == {"error": error, "message": response.json()["message"]}
    assert _cors(response) == CORS
    assert not (media_root / "rooms").exists() or not any(
        (media_root / "rooms").rglob("*.*")
    )


def test_expired_upload_and_read_urls_are_refused(client):
    upload = storage.signed_upload_url(KEY, content_type="image/jpeg", ttl=-1)
    response = client.put(_path(upload.url), b"x", "image/jpeg")
    assert (response.status_code, response.json()["error"]) == (
        403,
        "invalid_signature",
    )

    storage.save(KEY, b"x", content_type="image/jpeg")
    response = client.get(_path(storage.signed_read_url(KEY, ttl=-1)))
    assert (response.status_code, response.json()["error"]) == (
        403,
        "invalid_signature",
    )


def test_token_expiry_is_part_of_the_signature(client):
    upload = storage.signed_upload_url(KEY, content_type="image/jpeg")
    token = _path(upload.url).rsplit("/", 1)[1]
    payload = signing.loads(token, salt=UPLOAD_SALT)
    assert payload["exp"] > time.time()
    payload["exp"] += 86400
    # Re-encoding the payload without the secret cannot produce a valid token.
    forged = signing.dumps(payload, key="not-the-secret", salt=UPLOAD_SALT)
    response = client.put(f"/storage/upload/{forged}", b"x", "image/jpeg")
    assert response.status_code == 403


def test_read_missing_object_is_404(client):
    response = client.get(_path(storage.signed_read_url("rooms/s/r/none.jpg")))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_write_stream_refuses_as_soon_as_the_cap_is_passed(media_root):
    consumed = []

    def endless():
        while True:
            consumed.append(1)
            yield b"\0" * 64 * 1024

    with pytest.raises(ObjectTooLarge):
        storage.backend().write_stream(KEY, endless(), max_bytes=100 * 1024)
    assert len(consumed) == 2  # stopped at the chunk that crossed the cap
    assert list((media_root / "rooms/shop-1/room-1").iterdir()) == []


def test_check_passes_on_a_writable_media_root():
    storage.check()
