"""room/upload → PUT → room/confirm through the App Proxy, on both backends."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from django.utils import timezone
from PIL import Image

from renders.models import RoomSession
from seeitnow import storage
from tests.factories import make_room
from tests.fakes.shopify_proxy import sign_proxy_query
from tests.rooms import images

pytestmark = pytest.mark.django_db

SECRET = "test-api-secret"


def proxy(client, shop, route: str, body=None, method: str = "post"):
    query = sign_proxy_query({"shop": shop.shop_domain}, SECRET)
    url = f"/proxy/{route}?{query}"
    if method == "options":
        return client.options(url)
    if method == "get":
        return client.get(url)
    return client.post(url, body if body is not None else {}, "application/json")


def put(client, upload: dict, data: bytes):
    """PUT the way the browser does: to the URL, with the headers it was given."""
    url = upload["upload_url"]
    if urlsplit(url).netloc == "see-it-now.test":
        return client.put(
            urlsplit(url).path, data, upload["upload_headers"]["Content-Type"]
        )
    return httpx.put(url, content=data, headers=upload["upload_headers"])


def fetch(client, url: str) -> bytes:
    if urlsplit(url).netloc == "see-it-now.test":
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200
        return b"".join(response.streaming_content)
    response = httpx.get(url)
    assert response.status_code == 200
    return response.content


@pytest.fixture(params=["local", "gcs"])
def backend(request):
    """Run the flow on the local filesystem and on GCS (emulator)."""
    if request.param == "gcs":
        request.getfixturevalue("gcs")
    return request.param


def test_upload_put_confirm_flow(client, shop, backend):
    started = timezone.now()
    response = proxy(client, shop, "room/upload", {"content_type": "image/jpg"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    upload = response.json()
    room = RoomSession.objects.get(id=upload["room_session_id"])
    original_key = f"rooms/{shop.id}/{room.id}/room.jpg"
    assert room.shop == shop
    assert room.original_room_image_key == original_key
    assert started + timedelta(hours=24) <= room.expires_at
    assert room.expires_at - room.created_at == timedelta(hours=24)
    assert upload == {
        "room_session_id": str(room.id),
        "upload_url": upload["upload_url"],
        "upload_headers": upload["upload_headers"],
        "room_image_future_url": upload["room_image_future_url"],
        "content_type": "image/jpeg",
        "max_file_size_bytes": 10485760,
        "max_file_size_mb": 10,
    }
    assert upload["upload_headers"]["Content-Type"] == "image/jpeg"

    photo = images.jpeg(1600, 1000)
    assert put(client, upload, photo).status_code == 200
    assert fetch(client, upload["room_image_future_url"]) == photo

    body = {"room_session_id": str(room.id)}
    response = proxy(client, shop, "room/confirm", body)
    assert response.status_code == 200, response.content
    confirmed = response.json()
    assert confirmed == {
        "ok": True,
        "room_session_id": str(room.id),
        "canonical_room_image_url": confirmed["canonical_room_image_url"],
        "canonical_width": 1500,
        "canonical_height": 1000,
        "ratio_label": "3:2",
    }
    canonical = fetch(client, confirmed["canonical_room_image_url"])
    assert canonical[:2] == b"\xff\xd8"

    room.refresh_from_db()
    assert room.canonical_room_image_key == f"rooms/{shop.id}/{room.id}/canonical.jpg"
    assert (room.canonical_room_width, room.canonical_room_height) == (1500, 1000)
    assert room.canonical_room_ratio_label == "3:2"
    assert room.canonical_room_ratio_value == 1.5
    assert room.canonical_room_crop["ratio_label"] == "3:2"
    assert room.canonical_created_at is not None
    assert storage.read(room.canonical_room_image_key) == canonical

    # Confirming twice is harmless: same answer, nothing rewritten.
    first_created = room.canonical_created_at
    again = proxy(client, shop, "room/confirm", body)
    assert again.status_code == 200
    assert {
        k: v for k, v in again.json().items() if k != "canonical_room_image_url"
    } == {k: v for k, v in confirmed.items() if k != "canonical_room_image_url"}
    room.refresh_from_db()
    assert room.canonical_created_at == first_created


def test_confirm_with_crop_params(client, shop, backend):
    upload = proxy(client, shop, "room/upload", {"content_type": "image/png"}).json()
    assert put(client, upload, images.png_with_alpha()).status_code == 200
    crop = {
        "ratio_label": "2:3",
        "ratio_value": 0.6667,
        "crop_rect_norm": {"x": 0.5, "y": 0, "w": 0.5, "h": 1},
    }
    body = {"room_session_id": upload["room_session_id"], "crop_params": crop}
    response = proxy(client, shop, "room/confirm", body)

    assert response.status_code == 200
    assert (
        response.json()["canonical_width"],
        response.json()["canonical_height"],
        response.json()["ratio_label"],
    ) == (400, 600, "2:3")
    room = RoomSession.objects.get(id=upload["room_session_id"])
    assert room.canonical_room_crop == crop


@pytest.mark.parametrize(
    ("content_type", "expected", "extension"),
    [
        (None, "image/jpeg", "jpg"),
        ("image/jpeg", "image/jpeg", "jpg"),
        ("jpg", "image/jpeg", "jpg"),
        ("IMAGE/PNG", "image/png", "png"),
        ("image/webp", "image/webp", "webp"),
        ("image/heic", "image/heic", "heic"),
        ("image/heif", "image/heif", "heif"),
    ],
)
def test_upload_normalises_content_type(
    client, shop, content_type, expected, extension
):
    body = {} if content_type is None else {"content_type": content_type}
    response = proxy(client, shop, "room/upload", body)
    assert response.status_code == 200
    assert response.json()["content_type"] == expected
    room = RoomSession.objects.get(id=response.json()["room_session_id"])
    assert room.original_room_image_key.endswith(f"/room.{extension}")


@pytest.mark.parametrize("content_type", ["image/gif", "text/plain", 42, "video/mp4"])
def test_upload_refuses_other_content_types(client, shop, content_type):
    response = proxy(client, shop, "room/upload", {"content_type": content_type})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_content_type",
        "message": "content_type must be image/jpeg, image/png, image/webp, "
        "image/heic or image/heif.",
    }
    assert RoomSession.objects.count() == 0


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (images.exif_rotated_jpeg, "image/jpeg"),
        (images.webp, "image/webp"),
        (images.heic, "image/heic"),
        (lambda: images.jpeg(3840, 2160), "image/jpeg"),
        (lambda: images.jpeg(40, 30), "image/jpeg"),
    ],
    ids=["exif", "webp", "heic", "4k", "tiny"],
)
def test_confirm_accepts_formats(client, shop, make, content_type):
    upload = proxy(client, shop, "room/upload", {"content_type": content_type}).json()
    put(client, upload, make())
    response = proxy(
        client, shop, "room/confirm", {"room_session_id": upload["room_session_id"]}
    )
    assert response.status_code == 200
    canonical = Image.open(
        storage.backend().path(
            f"rooms/{shop.id}/{upload['room_session_id']}/canonical.jpg"
        )
    )
    assert (canonical.format, canonical.size) == (
        "JPEG",
        (response.json()["canonical_width"], response.json()["canonical_height"]),
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (images.truncated_jpeg, "The image is truncated or corrupt"),
        (images.text_as_jpg, "Not a JPEG, PNG, WebP, HEIC or HEIF image"),
        (images.gif, "Not a JPEG, PNG, WebP, HEIC or HEIF image"),
        (
            lambda: images.png_bomb(100_000, 100_000),
            "Image exceeds the limit of 50000000 pixels",
        ),
    ],
    ids=["truncated", "text", "gif", "bomb"],
)
def test_confirm_refuses_bad_images_and_writes_nothing(
    client, shop, backend, make, message
):
    upload = proxy(client, shop, "room/upload", {"content_type": "image/jpeg"}).json()
    put(client, upload, make())
    response = proxy(
        client, shop, "room/confirm", {"room_session_id": upload["room_session_id"]}
    )

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_image", "message": message}
    room = RoomSession.objects.get(id=upload["room_session_id"])
    assert room.canonical_room_image_key is None
    assert room.canonical_created_at is None
    assert not storage.exists(f"rooms/{shop.id}/{room.id}/canonical.jpg")


def test_confirm_refuses_an_oversized_object(client, shop, settings):
    upload = proxy(client, shop, "room/upload").json()
    put(client, upload, images.jpeg(400, 300))
    settings.ROOM_MAX_UPLOAD_BYTES = 1000
    response = proxy(
        client, shop, "room/confirm", {"room_session_id": upload["room_session_id"]}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_image"


def test_confirm_before_upload(client, shop, backend):
    upload = proxy(client, shop, "room/upload").json()
    response = proxy(
        client, shop, "room/confirm", {"room_session_id": upload["room_session_id"]}
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "room_not_uploaded",
        "message": "Room image not uploaded yet",
    }


NOT_FOUND = {"error": "room_not_found", "message": "Room session not found."}
MALFORMED = {
    "error": "invalid_session_id",
    "message": "room_session_id must be a UUID.",
}


@pytest.mark.parametrize(
    ("make_id", "status", "expected"),
    [
        (lambda shop, other: "not-a-uuid", 400, MALFORMED),
        (lambda shop, other: None, 400, MALFORMED),
        (lambda shop, other: 12345, 400, MALFORMED),
        (lambda shop, other: {"id": "x"}, 400, MALFORMED),
        (lambda shop, other: str(uuid.uuid4()), 404, NOT_FOUND),
        (lambda shop, other: str(make_room(shop=other).id), 404, NOT_FOUND),
        (
            lambda shop, other: str(
                make_room(
                    shop=shop,
                    created_at=timezone.now() - timedelta(hours=25),
                    expires_at=timezone.now() - timedelta(hours=1),
                ).id
            ),
            404,
            NOT_FOUND,
        ),
    ],
    ids=[
        "malformed",
        "missing",
        "number",
        "object",
        "unknown",
        "other-shop",
        "expired",
    ],
)
def test_confirm_session_errors(client, shop, other_shop, make_id, status, expected):
    body = {"room_session_id": make_id(shop, other_shop)}
    response = proxy(client, shop, "room/confirm", body)
    assert response.status_code == status
    assert response.json() == expected
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "crop_params",
    [
        "1:1",
        {"ratio_label": "7:5", "ratio_value": 1.4, "crop_rect_norm": {}},
        {
            "ratio_label": "1:1",
            "ratio_value": 1,
            "crop_rect_norm": {"x": 0.8, "y": 0, "w": 0.5, "h": 0.5},
        },
    ],
)
def test_confirm_invalid_crop_params(client, shop, crop_params):
    upload = proxy(client, shop, "room/upload").json()
    put(client, upload, images.jpeg(400, 300))
    body = {"room_session_id": upload["room_session_id"], "crop_params": crop_params}
    response = proxy(client, shop, "room/confirm", body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_crop_params"
    assert not storage.exists(
        f"rooms/{shop.id}/{upload['room_session_id']}/canonical.jpg"
    )


def _crop(label: str, value: float, x: float, w: float, h: float = 1) -> dict:
    return {
        "ratio_label": label,
        "ratio_value": value,
        "crop_rect_norm": {"x": x, "y": 0, "w": w, "h": h},
    }


def test_confirm_refuses_a_rectangle_of_another_shape(client, shop, backend):
    upload = proxy(client, shop, "room/upload").json()
    put(client, upload, images.jpeg(1600, 1000))
    body = {
        "room_session_id": upload["room_session_id"],
        "crop_params": _crop("16:9", 1.7778, 0, 0.1),
    }
    response = proxy(client, shop, "room/confirm", body)

    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "invalid_crop_params",
            "message": "crop_rect_norm is 160x1000 px, which is not 16:9.",
        },
    )
    assert response["Cache-Control"] == "no-store"
    room = RoomSession.objects.get(id=upload["room_session_id"])
    assert room.canonical_room_image_key is None
    assert room.canonical_room_crop is None
    assert not storage.exists(f"rooms/{shop.id}/{room.id}/canonical.jpg")


def test_reconfirm_with_a_new_crop_replaces_the_image_and_its_gemini_file(client, shop):
    upload = proxy(client, shop, "room/upload").json()
    put(client, upload, images.jpeg(1600, 1000))
    room_id = upload["room_session_id"]
    first = proxy(client, shop, "room/confirm", {"room_session_id": room_id})
    assert first.json()["ratio_label"] == "3:2"
    room = RoomSession.objects.get(id=room_id)
    key = room.canonical_room_image_key
    first_bytes = storage.read(key)
    # The renderer cached the first canonical image at Gemini.
    expires = timezone.now() + timedelta(hours=40)
    room.gemini_file_uri = "https://gemini.test/v1beta/files/first"
    room.gemini_file_expires_at = expires
    room.save()

    # A crop of another shape is refused: the image and its upload stay.
    bad = {"room_session_id": room_id, "crop_params": _crop("1:1", 1, 0, 0.3)}
    assert proxy(client, shop, "room/confirm", bad).status_code == 400
    room.refresh_from_db()
    assert room.canonical_room_ratio_label == "3:2"
    assert room.gemini_file_uri == "https://gemini.test/v1beta/files/first"
    assert room.gemini_file_expires_at == expires
    assert storage.read(key) == first_bytes

    # A new crop rewrites canonical.jpg, so the cached upload is forgotten.
    body = {"room_session_id": room_id, "crop_params": _crop("1:1", 1, 0.5, 0.5, 0.8)}
    second = proxy(client, shop, "room/confirm", body)
    assert second.status_code == 200, second.content
    assert (
        second.json()["canonical_width"],
        second.json()["canonical_height"],
        second.json()["ratio_label"],
    ) == (800, 800, "1:1")
    room.refresh_from_db()
    assert room.canonical_room_image_key == key
    assert room.canonical_room_ratio_label == "1:1"
    assert (room.gemini_file_uri, room.gemini_file_expires_at) == (None, None)
    assert storage.read(key) != first_bytes


def test_unknown_proxy_route_is_json_404_after_verification(client, shop):
    response = proxy(client, shop, "room/nowhere", {})
    assert (response.status_code, response.json()) == (
        404,
        {"error": "not_found", "message": "Unknown storefront route."},
    )
    assert response["Cache-Control"] == "no-store"
    assert response["Access-Control-Allow-Origin"] == f"https://{shop.shop_domain}"
    assert proxy(client, shop, "a/b/c", method="get").status_code == 404

    unsigned = client.get(f"/proxy/nowhere?shop={shop.shop_domain}")
    assert (unsigned.status_code, unsigned.json()["error"]) == (403, "forbidden")
    assert unsigned["Content-Type"] == "application/json"


def test_oversized_body_is_json_413(client, shop, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    query = sign_proxy_query({"shop": shop.shop_domain}, SECRET)
    body = '{"content_type": "image/jpeg", "pad": "' + "x" * 2000 + '"}'
    response = client.post(f"/proxy/room/upload?{query}", body, "application/json")

    assert (response.status_code, response.json()) == (
        413,
        {"error": "payload_too_large", "message": "Request body is too large."},
    )
    assert response["Cache-Control"] == "no-store"
    assert response["Access-Control-Allow-Origin"] == f"https://{shop.shop_domain}"
    assert RoomSession.objects.count() == 0


def test_proxy_rules(client, shop):
    preflight = proxy(client, shop, "room/upload", method="options")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == f"https://{shop.shop_domain}"

    wrong_method = proxy(client, shop, "room/confirm", method="get")
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {
        "error": "method_not_allowed",
        "message": "Use POST.",
    }

    bad_json = client.post(
        f"/proxy/room/upload?{sign_proxy_query({'shop': shop.shop_domain}, SECRET)}",
        "{not json",
        "application/json",
    )
    assert bad_json.status_code == 400
    assert bad_json.json()["error"] == "invalid_json"

    unsigned = client.post(f"/proxy/room/upload?shop={shop.shop_domain}", {})
    assert unsigned.status_code == 403
    assert unsigned["Cache-Control"] == "no-store"
    assert RoomSession.objects.count() == 0
