"""Signed URLs of the local backend: which token opens which route, for how long.

The clock is pinned with time_machine (tick=False), so a lifetime is tested at its
last valid second and the first second after, never with a sleep.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import signing

from seeitnow import storage
from seeitnow.storage.local import READ_SALT, UPLOAD_SALT

KEY = "rooms/shop-1/room-1/room.jpg"
T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
INVALID_READ = {"error": "invalid_signature", "message": "URL is invalid or expired."}
INVALID_UPLOAD = {
    "error": "invalid_signature",
    "message": "Upload URL is invalid or expired.",
}


def _path(url: str) -> str:
    return urlsplit(url).path


def _token(url: str) -> str:
    return _path(url).rsplit("/", 1)[1]


def test_an_upload_token_does_not_open_the_read_route(client, media_root):
    storage.save(KEY, b"\xff\xd8secret-room", content_type="image/jpeg")
    upload = storage.signed_upload_url(KEY, content_type="image/jpeg")

    response = client.get(f"/storage/read/{_token(upload.url)}")

    assert (response.status_code, response.json()) == (403, INVALID_READ)


def test_a_read_token_does_not_open_the_upload_route(client, media_root):
    storage.save(KEY, b"original", content_type="image/jpeg")
    read = storage.signed_read_url(KEY)

    response = client.put(f"/storage/upload/{_token(read)}", b"x", "image/jpeg")

    assert (response.status_code, response.json()) == (403, INVALID_UPLOAD)
    assert (media_root / KEY).read_bytes() == b"original"


@pytest.mark.parametrize(
    ("ttl", "default"),
    [(None, 15 * 60), (120, 120)],
    ids=["default-15-min", "explicit"],
)
def test_upload_url_lives_exactly_its_ttl(
    client, media_root, time_machine, ttl, default
):
    time_machine.move_to(T0, tick=False)
    upload = storage.signed_upload_url(KEY, content_type="image/jpeg", ttl=ttl)
    path = _path(upload.url)

    time_machine.move_to(T0 + timedelta(seconds=default + 1), tick=False)
    response = client.put(path, b"late", "image/jpeg")
    assert (response.status_code, response.json()) == (403, INVALID_UPLOAD)
    assert not (media_root / KEY).exists()

    time_machine.move_to(T0 + timedelta(seconds=default), tick=False)
    assert client.put(path, b"in-time", "image/jpeg").status_code == 200
    assert (media_root / KEY).read_bytes() == b"in-time"


@pytest.mark.parametrize(
    ("ttl", "default"),
    [(None, 60 * 60), (30, 30)],
    ids=["default-1-h", "explicit"],
)
def test_read_url_lives_exactly_its_ttl(client, time_machine, ttl, default):
    storage.save(KEY, b"room", content_type="image/jpeg")
    time_machine.move_to(T0, tick=False)
    path = _path(storage.signed_read_url(KEY, ttl=ttl))

    time_machine.move_to(T0 + timedelta(seconds=default), tick=False)
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"room"

    time_machine.move_to(T0 + timedelta(seconds=default + 1), tick=False)
    response = client.get(path)
    assert (response.status_code, response.json()) == (403, INVALID_READ)


def test_token_carries_its_grant(time_machine):
    time_machine.move_to(T0, tick=False)
    upload = storage.signed_upload_url(KEY, content_type="image/png", max_bytes=777)
    read = storage.signed_read_url(KEY)

    assert signing.loads(_token(upload.url), salt=UPLOAD_SALT) == {
        "k": KEY,
        "ct": "image/png",
        "max": 777,
        "exp": int(T0.timestamp()) + 15 * 60,
    }
    assert signing.loads(_token(read), salt=READ_SALT) == {
        "k": KEY,
        "exp": int(T0.timestamp()) + 60 * 60,
    }


FAR = 4_000_000_000


@pytest.mark.parametrize(
    ("salt", "payload", "method"),
    [
        (UPLOAD_SALT, {"k": KEY, "ct": "image/jpeg", "exp": FAR}, "put"),
        (UPLOAD_SALT, {"k": KEY, "ct": "image/jpeg", "max": "x", "exp": FAR}, "put"),
        (UPLOAD_SALT, {"k": KEY, "ct": "image/jpeg", "max": 9, "exp": "9e9"}, "put"),
        (UPLOAD_SALT, ["not", "a", "dict"], "put"),
        (READ_SALT, {"k": 5, "exp": FAR}, "get"),
        (READ_SALT, {"exp": FAR}, "get"),
        (READ_SALT, {"k": KEY}, "get"),
    ],
    ids=[
        "no-max",
        "max-not-int",
        "exp-not-int",
        "not-a-dict",
        "key-not-str",
        "no-key",
        "no-exp",
    ],
)
def test_well_signed_but_malformed_tokens_are_refused(
    client, media_root, salt, payload, method
):
    storage.save(KEY, b"original", content_type="image/jpeg")
    token = signing.dumps(payload, salt=salt)

    if method == "put":
        response = client.put(f"/storage/upload/{token}", b"x", "image/jpeg")
        expected = INVALID_UPLOAD
    else:
        response = client.get(f"/storage/read/{token}")
        expected = INVALID_READ

    assert (response.status_code, response.json()) == (403, expected)
    assert (media_root / KEY).read_bytes() == b"original"


@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("rooms/s/r/room.jpg", "image/jpeg"),
        ("rooms/s/r/room.JPEG", "image/jpeg"),
        ("assets/s/p/cutout.png", "image/png"),
        ("assets/s/p/cutout.webp", "image/webp"),
        ("rooms/s/r/original.heic", "image/heic"),
        ("rooms/s/r/original.heif", "image/heif"),
        ("rooms/s/r/blob.bin", "application/octet-stream"),
        ("rooms/s/r/no-extension", "application/octet-stream"),
    ],
)
def test_read_serves_bytes_with_their_type_and_safe_headers(client, key, content_type):
    storage.save(key, b"bytes", content_type=content_type)

    response = client.get(_path(storage.signed_read_url(key)))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Access-Control-Max-Age"] == "3600"
    assert b"".join(response.streaming_content) == b"bytes"


def test_head_and_preflight_on_the_read_route(client):
    storage.save(KEY, b"bytes", content_type="image/jpeg")
    path = _path(storage.signed_read_url(KEY))

    assert client.head(path).status_code == 200
    preflight = client.options(path)
    assert (preflight.status_code, preflight.content) == (204, b"")
    assert preflight["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("method", "route", "expected"),
    [
        ("post", "read", {"error": "method_not_allowed", "message": "Use GET."}),
        ("put", "read", {"error": "method_not_allowed", "message": "Use GET."}),
        ("get", "upload", {"error": "method_not_allowed", "message": "Use PUT."}),
        ("post", "upload", {"error": "method_not_allowed", "message": "Use PUT."}),
    ],
)
def test_wrong_methods_are_refused(client, media_root, method, route, expected):
    storage.save(KEY, b"original", content_type="image/jpeg")
    if route == "read":
        path = _path(storage.signed_read_url(KEY))
    else:
        path = _path(storage.signed_upload_url(KEY, content_type="image/jpeg").url)

    if method == "get":
        response = client.get(path)
    else:
        response = getattr(client, method)(path, b"x", content_type="image/jpeg")

    assert (response.status_code, response.json()) == (405, expected)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert (media_root / KEY).read_bytes() == b"original"


@pytest.mark.parametrize(
    "content_type", ["image/jpeg; charset=binary", "IMAGE/JPEG", " image/jpeg "]
)
def test_upload_compares_the_media_type_only(client, media_root, content_type):
    upload = storage.signed_upload_url(KEY, content_type="image/jpeg", max_bytes=10)

    response = client.put(_path(upload.url), b"0123456789", content_type=content_type)

    assert response.status_code == 200
    assert (media_root / KEY).read_bytes() == b"0123456789"


def test_upload_refuses_a_declared_length_over_the_cap_before_reading(
    client, media_root
):
    upload = storage.signed_upload_url(KEY, content_type="image/jpeg", max_bytes=10)

    response = client.put(
        _path(upload.url), b"0123456789", "image/jpeg", CONTENT_LENGTH="11"
    )

    assert (response.status_code, response.json()) == (
        413,
        {"error": "file_too_large", "message": "The file exceeds the upload limit."},
    )
    assert not (media_root / KEY).exists()


def test_routes_answer_404_when_storage_is_not_local(client, gcs):
    upload = f"/storage/upload/{signing.dumps({'k': KEY}, salt=UPLOAD_SALT)}"
    read = f"/storage/read/{signing.dumps({'k': KEY}, salt=READ_SALT)}"
    expected = {"error": "not_found", "message": "Not found."}

    for response in (client.put(upload, b"x", "image/jpeg"), client.get(read)):
        assert (response.status_code, response.json()) == (404, expected)


def test_upload_refuses_while_streaming_when_the_length_is_unreadable(
    client, media_root
):
    # "+11" is not digits, so only the streaming cap stands between the body and
    # the disk; Django still reads 11 bytes.
    upload = storage.signed_upload_url(KEY, content_type="image/jpeg", max_bytes=10)

    response = client.put(
        _path(upload.url), b"0123456789A", "image/jpeg", CONTENT_LENGTH="+11"
    )

    assert (response.status_code, response.json()) == (
        413,
        {"error": "file_too_large", "message": "The file exceeds the upload limit."},
    )
    assert not (media_root / KEY).exists()
