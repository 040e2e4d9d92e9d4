"""The local backend at its edges: exact size caps, nested folders, a missing root."""

from __future__ import annotations

import pytest

from seeitnow import storage
from seeitnow.storage.base import ObjectTooLarge

KEY = "rooms/shop-1/room-1/room.jpg"


def test_write_stream_counts_the_bytes_and_allows_exactly_the_cap(media_root):
    written = storage.backend().write_stream(
        KEY, iter([b"01234", b"56789"]), max_bytes=10
    )

    assert written == 10
    assert (media_root / KEY).read_bytes() == b"0123456789"


def test_read_allows_exactly_the_cap_and_refuses_one_byte_more():
    storage.save(KEY, b"0123456789", content_type="image/jpeg")

    assert storage.read(KEY, max_bytes=10) == b"0123456789"
    with pytest.raises(ObjectTooLarge):
        storage.read(KEY, max_bytes=9)


def test_delete_prefix_removes_nested_folders(media_root):
    for key in ("see-it-now/run/a/V01.jpg", "see-it-now/run/a/b/V02.jpg"):
        storage.save(key, b"x", content_type="image/jpeg")

    assert storage.delete_prefix("see-it-now/run/") == 2
    assert not (media_root / "see-it-now/run").exists()
    assert (media_root / "see-it-now").is_dir()


def test_check_creates_a_missing_media_root(settings, tmp_path):
    root = tmp_path / "not-yet" / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }

    storage.check()

    assert root.is_dir()
