from __future__ import annotations

import io

import pytest
from PIL import Image

from renders import imaging
from tests.rooms import images

MAX_PIXELS = 50_000_000


def _decode(result: imaging.CanonicalImage) -> Image.Image:
    image = Image.open(io.BytesIO(result.jpeg))
    assert image.format == "JPEG"
    assert image.size == (result.width, result.height)
    return image.convert("RGB")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        # (width, height, ratio label, source format, oriented source size)
        (lambda: images.jpeg(1600, 1000), (1500, 1000, "3:2", "JPEG", 1600, 1000)),
        (lambda: images.jpeg(900, 1600), (900, 1600, "9:16", "JPEG", 900, 1600)),
        (lambda: images.jpeg(1000, 1000), (1000, 1000, "1:1", "JPEG", 1000, 1000)),
        # 4K: decoded at 1/2 scale in the DCT domain, within 7/8 of the 2048 cap.
        (lambda: images.jpeg(3840, 2160), (1920, 1080, "16:9", "JPEG", 3840, 2160)),
        (lambda: images.jpeg(40, 30), (40, 30, "4:3", "JPEG", 40, 30)),
        (images.exif_rotated_jpeg, (800, 1200, "2:3", "JPEG", 800, 1200)),
        (images.png_with_alpha, (800, 600, "4:3", "PNG", 800, 600)),
        (images.webp, (1024, 768, "4:3", "WEBP", 1024, 768)),
        (images.heic, (640, 480, "4:3", "HEIF", 640, 480)),
        # Not a JPEG, so no draft: resampled to exactly 2048 on the long side.
        (
            lambda: images.encode(images.photo(3000, 2000), "PNG"),
            (2048, 1365, "3:2", "PNG", 3000, 2000),
        ),
    ],
    ids=[
        "landscape",
        "portrait",
        "square",
        "4k",
        "tiny",
        "exif-rotated",
        "png-alpha",
        "webp",
        "heic",
        "large-png",
    ],
)
def test_canonicalise_accepted_images(make, expected):
    result = imaging.canonicalise(make(), crop=None, max_pixels=MAX_PIXELS)

    width, height, label, fmt, source_w, source_h = expected
    assert (
        result.width,
        result.height,
        result.ratio_label,
        result.source_format,
        result.source_width,
        result.source_height,
    ) == expected
    assert result.ratio_value == imaging.RATIOS[label]
    assert result.crop["ratio_label"] == label
    assert max(result.width, result.height) <= imaging.MAX_LONG_SIDE
    _decode(result)


def test_cmyk_jpeg_becomes_rgb():
    result = imaging.canonicalise(images.cmyk_jpeg(), crop=None, max_pixels=MAX_PIXELS)
    image = Image.open(io.BytesIO(result.jpeg))
    assert (image.mode, image.size, image.info.get("icc_profile")) == (
        "RGB",
        (400, 300),
        None,
    )


def test_exif_orientation_is_applied():
    result = imaging.canonicalise(
        images.exif_rotated_jpeg(), crop=None, max_pixels=MAX_PIXELS
    )
    image = _decode(result)
    right = image.getpixel((image.width - 10, image.height // 2))
    left = image.getpixel((10, image.height // 2))
    assert right[0] > 180 and right[2] < 80  # the stored top band, now on the right
    assert left[2] > 180 and left[0] < 80


def test_transparency_becomes_white():
    result = imaging.canonicalise(
        images.png_with_alpha(), crop=None, max_pixels=MAX_PIXELS
    )
    image = _decode(result)
    assert all(v > 245 for v in image.getpixel((100, 300)))
    assert image.getpixel((700, 300))[1] > 140


def test_crop_params_are_applied():
    crop = imaging.parse_crop_params(
        {
            "ratio_label": "2:3",
            "ratio_value": 0.6667,
            "crop_rect_norm": {"x": 0.5, "y": 0.0, "w": 0.5, "h": 1.0},
        }
    )
    result = imaging.canonicalise(
        images.png_with_alpha(), crop=crop, max_pixels=MAX_PIXELS
    )
    image = _decode(result)
    assert (result.width, result.height, result.ratio_label) == (400, 600, "2:3")
    assert result.crop == {
        "ratio_label": "2:3",
        "ratio_value": 0.6667,
        "crop_rect_norm": {"x": 0.5, "y": 0.0, "w": 0.5, "h": 1.0},
    }
    # Only the green right half remains.
    assert image.getpixel((5, 300))[1] > 140 and image.getpixel((5, 300))[0] < 60


def test_crop_of_a_large_jpeg_is_capped():
    crop = imaging.parse_crop_params(
        {
            "ratio_label": "16:9",
            "ratio_value": 1.7778,
            "crop_rect_norm": {"x": 0, "y": 0.078125, "w": 1, "h": 0.84375},
        }
    )
    # 4800×3200 cropped to 4800×2700, decoded at 1/2 then resampled to the cap.
    result = imaging.canonicalise(
        images.jpeg(4800, 3200), crop=crop, max_pixels=MAX_PIXELS
    )
    assert (result.width, result.height) == (2048, 1152)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (images.truncated_jpeg, "The image is truncated or corrupt"),
        (images.truncated_png, "The image is truncated or corrupt"),
        (images.text_as_jpg, "Not a JPEG, PNG, WebP, HEIC or HEIF image"),
        (images.gif, "Not a JPEG, PNG, WebP, HEIC or HEIF image"),
        (lambda: b"", "Not a JPEG, PNG, WebP, HEIC or HEIF image"),
        (
            lambda: images.png_bomb(10_000, 10_000),
            "Image exceeds the limit of 50000000 pixels",
        ),
        (
            lambda: images.png_bomb(100_000, 100_000),
            "Image exceeds the limit of 50000000 pixels",
        ),
    ],
    ids=[
        "truncated",
        "truncated-png",
        "text",
        "gif",
        "empty",
        "bomb-100mp",
        "bomb-10gp",
    ],
)
def test_canonicalise_refuses(make, message):
    with pytest.raises(imaging.InvalidImage) as info:
        imaging.canonicalise(make(), crop=None, max_pixels=MAX_PIXELS)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("width", "height", "label"),
    [
        (4032, 3024, "4:3"),
        (3024, 4032, "3:4"),
        (1920, 1080, "16:9"),
        (2560, 1080, "21:9"),
        (1000, 1050, "1:1"),
        (1200, 1000, "5:4"),
        (800, 1000, "4:5"),
        (100, 300, "9:16"),
    ],
)
def test_nearest_ratio(width, height, label):
    assert imaging.nearest_ratio(width, height) == label


GOOD_RECT = {"x": 0.1, "y": 0.1, "w": 0.5, "h": 0.5}


@pytest.mark.parametrize(
    "raw",
    [
        "1:1",
        [],
        {"ratio_label": "7:5", "ratio_value": 1.4, "crop_rect_norm": GOOD_RECT},
        {"ratio_label": "1:1", "ratio_value": 1.5, "crop_rect_norm": GOOD_RECT},
        {"ratio_label": "1:1", "ratio_value": "1", "crop_rect_norm": GOOD_RECT},
        {"ratio_label": "1:1", "ratio_value": True, "crop_rect_norm": GOOD_RECT},
        {
            "ratio_label": "1:1",
            "ratio_value": float("nan"),
            "crop_rect_norm": GOOD_RECT,
        },
        {"ratio_label": "1:1", "ratio_value": 1},
        {"ratio_label": "1:1", "ratio_value": 1, "crop_rect_norm": [0, 0, 1, 1]},
        {"ratio_label": "1:1", "ratio_value": 1, "crop_rect_norm": {"x": 0, "y": 0}},
        {
            "ratio_label": "1:1",
            "ratio_value": 1,
            "crop_rect_norm": {"x": -0.1, "y": 0, "w": 0.5, "h": 0.5},
        },
        {
            "ratio_label": "1:1",
            "ratio_value": 1,
            "crop_rect_norm": {"x": 0.6, "y": 0, "w": 0.5, "h": 0.5},
        },
        {
            "ratio_label": "1:1",
            "ratio_value": 1,
            "crop_rect_norm": {"x": 0, "y": 0, "w": 0, "h": 0.5},
        },
        {
            "ratio_label": "1:1",
            "ratio_value": 1,
            "crop_rect_norm": {"x": 0, "y": 0, "w": 1.5, "h": 0.5},
        },
    ],
)
def test_parse_crop_params_refuses(raw):
    with pytest.raises(imaging.InvalidCropParams):
        imaging.parse_crop_params(raw)


def test_parse_crop_params_accepts_and_clamps_rounding():
    assert imaging.parse_crop_params(None) is None
    crop = imaging.parse_crop_params(
        {
            "ratio_label": "16:9",
            "ratio_value": 1.777,
            "crop_rect_norm": {"x": 0.2, "y": 0, "w": 0.8000000001, "h": 1},
        }
    )
    assert crop == imaging.CropParams("16:9", 1.777, 0.2, 0.0, 0.8, 1.0)


def _crop(label: str, x: float, y: float, w: float, h: float) -> imaging.CropParams:
    raw = {
        "ratio_label": label,
        "ratio_value": imaging.RATIOS[label],
        "crop_rect_norm": {"x": x, "y": y, "w": w, "h": h},
    }
    return imaging.parse_crop_params(raw)


@pytest.mark.parametrize(
    ("make", "crop", "message"),
    [
        # 1600×1000: a 160×1000 strip is nowhere near 16:9.
        (
            lambda: images.jpeg(1600, 1000),
            _crop("16:9", 0, 0, 0.1, 1),
            "crop_rect_norm is 160x1000 px, which is not 16:9.",
        ),
        # The whole 1600×1000 frame is 8:5, 7 % wider than 3:2.
        (
            lambda: images.jpeg(1600, 1000),
            _crop("3:2", 0, 0, 1, 1),
            "crop_rect_norm is 1600x1000 px, which is not 3:2.",
        ),
        # 1025×1000 labelled 1:1: 2.5 % wide, over the tolerance.
        (
            lambda: images.jpeg(1600, 1000),
            _crop("1:1", 0, 0, 0.640625, 1),
            "crop_rect_norm is 1025x1000 px, which is not 1:1.",
        ),
        # Stored 1200×800, displayed 800×1200: the rectangle is on the oriented
        # image, where the whole frame is 2:3, not 3:2.
        (
            images.exif_rotated_jpeg,
            _crop("3:2", 0, 0, 1, 1),
            "crop_rect_norm is 800x1200 px, which is not 3:2.",
        ),
    ],
    ids=["strip", "whole-frame", "over-two-percent", "oriented"],
)
def test_crop_rectangle_must_have_the_labelled_shape(make, crop, message):
    with pytest.raises(imaging.InvalidCropParams) as caught:
        imaging.canonicalise(make(), crop=crop, max_pixels=MAX_PIXELS)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("make", "crop", "size"),
    [
        # 990×1000 labelled 1:1: 1 % narrow, within the 2 % tolerance.
        (lambda: images.jpeg(1600, 1000), _crop("1:1", 0, 0, 0.61875, 1), (990, 1000)),
        # A 40×30 photo: 16:9 would be 40×22.5, the widget sends whole pixels.
        # 120x66 is 16:9 to within 2.7 px (more than 2 %, less than 1 + ratio).
        (lambda: images.jpeg(120, 90), _crop("16:9", 0, 0, 1, 66 / 90), (120, 66)),
        (images.exif_rotated_jpeg, _crop("2:3", 0, 0, 1, 1), (800, 1200)),
    ],
    ids=["one-percent", "whole-pixels", "oriented"],
)
def test_crop_rectangle_within_rounding_is_accepted(make, crop, size):
    result = imaging.canonicalise(make(), crop=crop, max_pixels=MAX_PIXELS)
    assert (result.width, result.height, result.ratio_label) == (
        *size,
        crop.ratio_label,
    )
