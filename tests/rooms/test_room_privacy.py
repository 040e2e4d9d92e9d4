"""The shopper's original photo keeps no metadata: EXIF (GPS, device), XMP and
comments are stripped by a task queued at room/confirm."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from PIL import Image

from renders.models import RoomSession
from renders.services.rooms import room_session_strip_original
from seeitnow import storage
from tests.render.client import proxy

pytestmark = pytest.mark.django_db(transaction=True)

GPS_IFD = 0x8825


def phone_photo(*, orientation: int = 6) -> bytes:
    """A 1200x900 JPEG as a phone writes it: rotated by EXIF, with GPS and make."""
    image = Image.new("RGB", (1200, 900), (180, 160, 140))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Model X"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E"})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"owner: Jane Doe")
    return out.getvalue()


def upload_and_confirm(client, shop, photo: bytes, crop=None) -> str:
    upload = proxy(client, shop, "room/upload", {"content_type": "image/jpeg"}).json()
    url = urlsplit(upload["upload_url"])
    put = client.put(url.path, photo, upload["upload_headers"]["Content-Type"])
    assert put.status_code == 200
    body = {"room_session_id": upload["room_session_id"]}
    if crop:
        body["crop_params"] = crop
    assert proxy(client, shop, "room/confirm", body).status_code == 200
    return upload["room_session_id"]


def test_the_original_keeps_pixels_only_once_confirmed(client, shop):
    room_id = upload_and_confirm(client, shop, phone_photo())

    room = RoomSession.objects.get(pk=room_id)
    stored = storage.read(room.original_room_image_key)
    with Image.open(io.BytesIO(stored)) as im:
        assert not im.getexif()
        assert "comment" not in im.info and "exif" not in im.info
        # Orientation 6 applied: the stored photo is upright, 900 x 1200.
        assert im.size == (900, 1200)
    assert b"PhoneMaker" not in stored and b"Jane Doe" not in stored


def test_a_recrop_after_stripping_still_uses_the_upright_frame(client, shop):
    room_id = upload_and_confirm(client, shop, phone_photo())
    crop = {
        "ratio_label": "1:1",
        "ratio_value": 1.0,
        "crop_rect_norm": {"x": 0.0, "y": 0.0, "w": 1.0, "h": 0.75},
    }

    body = {"room_session_id": room_id, "crop_params": crop}
    response = proxy(client, shop, "room/confirm", body)

    assert response.status_code == 200, response.content
    assert (response.json()["canonical_width"], response.json()["ratio_label"]) == (
        900,
        "1:1",
    )


def test_a_photo_without_metadata_is_left_as_it_was(client, shop):
    plain = io.BytesIO()
    Image.new("RGB", (1200, 900), (90, 90, 90)).save(plain, "JPEG")
    room_id = upload_and_confirm(client, shop, plain.getvalue())

    room = RoomSession.objects.get(pk=room_id)
    assert storage.read(room.original_room_image_key) == plain.getvalue()
    assert room_session_strip_original(room_session_id=room.id) is False


def test_an_expired_or_unknown_room_is_nothing_to_strip(shop):
    import uuid

    assert room_session_strip_original(room_session_id=uuid.uuid4()) is False
