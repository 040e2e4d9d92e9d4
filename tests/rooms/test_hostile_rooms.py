"""Security review: hostile room photos and crops (memory, metadata, tiny crops)."""

from __future__ import annotations

import io
import tempfile
import threading

import pytest
from PIL import Image

from bench.bench_room_memory import make_png, measure
from renders import imaging
from seeitnow import storage
from tests.rooms import images
from tests.rooms.test_room_proxy import proxy, put

MAX_PIXELS = 50_000_000


@pytest.mark.django_db
@pytest.mark.parametrize("side", [1e-300, 0.1])
def test_confirm_refuses_a_crop_below_the_minimum_size(client, shop, side):
    upload = proxy(client, shop, "room/upload").json()
    put(client, upload, images.jpeg(400, 300))
    crop = {
        "ratio_label": "1:1",
        "ratio_value": 1,
        "crop_rect_norm": {"x": 0, "y": 0, "w": side * 3 / 4, "h": side},
    }
    body = {"room_session_id": upload["room_session_id"], "crop_params": crop}
    response = proxy(client, shop, "room/confirm", body)
    size = round(side * 300)
    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "invalid_crop_params",
            "message": f"crop_rect_norm is {size}x{size} px; each side must be at "
            "least 64 px.",
        },
    )
    assert not storage.exists(
        f"rooms/{shop.id}/{upload['room_session_id']}/canonical.jpg"
    )


def test_a_64_px_crop_is_accepted():
    crop = imaging.parse_crop_params(
        {
            "ratio_label": "1:1",
            "ratio_value": 1,
            "crop_rect_norm": {"x": 0, "y": 0, "w": 0.16, "h": 64 / 300},
        }
    )
    result = imaging.canonicalise(
        images.jpeg(400, 300), crop=crop, max_pixels=MAX_PIXELS
    )
    assert (result.width, result.height) == (64, 64)


def test_canonical_jpeg_keeps_no_exif_gps_or_comment():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPSLatitude
    exif[0x0112] = 1
    source = images.encode(
        images.photo(800, 600), "JPEG", exif=exif.tobytes(), comment=b"home address"
    )
    assert Image.open(io.BytesIO(source)).info.get("comment") == b"home address"
    for size in [(800, 600), (3000, 2000)]:
        data = images.encode(
            images.photo(*size), "JPEG", exif=exif.tobytes(), comment=b"home address"
        )
        canonical = Image.open(
            io.BytesIO(
                imaging.canonicalise(data, crop=None, max_pixels=MAX_PIXELS).jpeg
            )
        )
        assert "comment" not in canonical.info
        assert "exif" not in canonical.info
        assert dict(canonical.getexif()) == {}


@pytest.mark.parametrize(
    ("mode", "refused"), [("RGB", False), ("RGBA", True), ("LA", False)]
)
def test_pixel_budget_counts_bands(mode, refused):
    # 1000x1000 under a 1.2 MP cap: 3 M samples for RGB fit the 3.6 M budget,
    # 4 M for RGBA do not, 2 M for LA do.
    data = images.encode(Image.new(mode, (1000, 1000)), "PNG")
    if refused:
        with pytest.raises(imaging.InvalidImage):
            imaging.canonicalise(data, crop=None, max_pixels=1_200_000)
    else:
        result = imaging.canonicalise(data, crop=None, max_pixels=1_200_000)
        assert (result.width, result.height) == (1000, 1000)


def test_transparent_png_is_flattened_on_white_after_the_resize():
    image = Image.new("RGBA", (3000, 2000), (0, 0, 0, 0))
    image.paste((20, 160, 20, 255), (1500, 0, 3000, 2000))
    result = imaging.canonicalise(
        images.encode(image, "PNG"), crop=None, max_pixels=MAX_PIXELS
    )
    canonical = Image.open(io.BytesIO(result.jpeg)).convert("RGB")
    assert (result.width, result.height) == (2048, 1365)
    assert all(
        abs(a - b) <= 3 for a, b in zip(canonical.getpixel((10, 10)), (255,) * 3)
    )
    right = canonical.getpixel((2000, 600))
    assert all(abs(a - b) <= 6 for a, b in zip(right, (20, 160, 20)))


def test_large_rgba_png_peak_memory_stays_near_one_decode():
    # Measured in a fresh process (Pillow's buffers are invisible to tracemalloc).
    # One 5000x5000 RGBA decode is 95 MB; before the fix the flatten made four
    # full-size copies (+393 MB measured); now +163 MB: the decode plus the
    # resize's intermediate buffer.
    with tempfile.NamedTemporaryFile(suffix=".png") as png:
        png.write(make_png(5000))
        png.flush()
        figures = measure(imaging.__file__, png.name, MAX_PIXELS)
    assert figures["outcome"] == "2048x2048"
    growth_mb = (figures["peak_kb"] - figures["before_kb"]) / 1024
    assert growth_mb < 95 * 2.5, f"+{growth_mb:.0f} MB"


def test_canonicalisations_wait_for_a_free_slot(settings, monkeypatch):
    settings.IMAGE_CANONICALISE_CONCURRENCY = 1
    monkeypatch.setattr(imaging, "_slots", None)  # sized again from the setting
    slots = imaging._canonicalise_slots()
    results = []
    worker = threading.Thread(
        target=lambda: results.append(
            imaging.canonicalise(
                images.jpeg(400, 300), crop=None, max_pixels=MAX_PIXELS
            )
        )
    )
    slots.acquire()
    try:
        worker.start()
        worker.join(timeout=0.5)
        assert worker.is_alive() and results == []
    finally:
        slots.release()
    worker.join()
    assert [(r.width, r.height) for r in results] == [(400, 300)]
