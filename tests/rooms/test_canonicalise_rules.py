"""Room canonicalisation rules pinned at their edges: every EXIF orientation, the
ratio label boundaries, the pixel and size caps, and never upscaling."""

from __future__ import annotations

import io
import math

import pytest
from PIL import Image

from renders import imaging
from tests.rooms import images

MAX_PIXELS = 50_000_000
# The displayed room: four quadrants of distinct colours, so each of the eight
# orientations (rotations and mirrors) puts a different colour top-left.
QUADRANTS = {
    "top-left": (220, 30, 30),
    "top-right": (30, 200, 30),
    "bottom-left": (30, 30, 220),
    "bottom-right": (240, 240, 240),
}
# The stored pixels for each orientation, from the displayed ones (EXIF 2.3, tag
# 0x0112): what a camera writes when it records the turn instead of applying it.
STORED_FROM_DISPLAYED = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def _displayed(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height))
    half_w, half_h = width // 2, height // 2
    image.paste(QUADRANTS["top-left"], (0, 0, half_w, half_h))
    image.paste(QUADRANTS["top-right"], (half_w, 0, width, half_h))
    image.paste(QUADRANTS["bottom-left"], (0, half_h, half_w, height))
    image.paste(QUADRANTS["bottom-right"], (half_w, half_h, width, height))
    return image


def _oriented_jpeg(displayed: Image.Image, orientation: int) -> bytes:
    transform = STORED_FROM_DISPLAYED[orientation]
    stored = displayed if transform is None else displayed.transpose(transform)
    exif = Image.Exif()
    exif[0x0112] = orientation
    return images.encode(stored, "JPEG", quality=95, exif=exif.tobytes())


def _decode(result: imaging.CanonicalImage) -> Image.Image:
    image = Image.open(io.BytesIO(result.jpeg))
    assert (image.format, image.size) == ("JPEG", (result.width, result.height))
    return image.convert("RGB")


def _close(pixel, colour) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(pixel, colour, strict=True))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_shows_the_room_upright(orientation):
    data = _oriented_jpeg(_displayed(1200, 800), orientation)

    result = imaging.canonicalise(data, crop=None, max_pixels=MAX_PIXELS)

    assert (result.width, result.height, result.ratio_label) == (1200, 800, "3:2")
    assert (result.source_width, result.source_height) == (1200, 800)
    image = _decode(result)
    assert image.getexif().get(0x0112) is None
    for name, (x, y) in {
        "top-left": (300, 200),
        "top-right": (900, 200),
        "bottom-left": (300, 600),
        "bottom-right": (900, 600),
    }.items():
        assert _close(image.getpixel((x, y)), QUADRANTS[name]), (orientation, name)


@pytest.mark.parametrize("orientation", [5, 6])
def test_a_turned_photo_is_capped_on_its_displayed_long_side(orientation):
    # Stored 1600×4000 (portrait pixels) shown as 4000×1600: the cap and the
    # ratio apply to what the shopper saw.
    data = _oriented_jpeg(_displayed(4000, 1600), orientation)

    result = imaging.canonicalise(data, crop=None, max_pixels=MAX_PIXELS)

    assert (result.source_width, result.source_height) == (4000, 1600)
    # The 3733×1600 centre crop, decoded at 1/2 (within 7/8 of the cap), kept.
    assert (result.width, result.height, result.ratio_label) == (1866, 800, "21:9")


@pytest.mark.parametrize(
    ("width", "height", "label"),
    [
        # The boundary between two labels is their geometric mean (log space).
        (1118, 1000, "1:1"),
        (1119, 1000, "5:4"),
        (1000, 1118, "1:1"),
        (1000, 1119, "4:5"),
        (2036, 1000, "16:9"),
        (2037, 1000, "21:9"),
        (3000, 1000, "21:9"),
        (1000, 3000, "9:16"),
        (1290, 1000, "5:4"),
        (1291, 1000, "4:3"),
    ],
)
def test_nearest_ratio_boundaries(width, height, label):
    assert imaging.nearest_ratio(width, height) == label


def _boundary(a: str, b: str) -> float:
    return math.sqrt(imaging.RATIOS[a] * imaging.RATIOS[b])


def test_the_boundaries_above_are_the_geometric_means():
    assert 1.118 < _boundary("1:1", "5:4") < 1.119
    assert 1.2909 < _boundary("5:4", "4:3") < 1.2910
    assert 2.0367 < _boundary("16:9", "21:9") < 2.0368


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        # Wider than 16:9: the sides are cut, centred.
        (2000, 1000, (1778, 1000, 111)),
        # Taller than 16:9 (but nearer to it than to 3:2): top and bottom are cut.
        (1750, 1000, (1750, 984, 0)),
        (1000, 1000, (1000, 1000, 0)),
    ],
)
def test_centre_crop_keeps_the_middle(width, height, expected):
    crop_w, crop_h, offset_x = expected
    data = images.encode(_displayed(width, height), "PNG")

    result = imaging.canonicalise(data, crop=None, max_pixels=MAX_PIXELS)

    assert (result.width, result.height) == (crop_w, crop_h)
    rect = result.crop["crop_rect_norm"]
    assert round(rect["x"] * width) == offset_x
    assert round(rect["y"] * height) == (height - crop_h) // 2
    assert (round(rect["w"] * width), round(rect["h"] * height)) == (crop_w, crop_h)


@pytest.mark.parametrize(
    ("make", "size"),
    [
        (lambda: images.encode(_displayed(300, 200), "PNG"), (300, 200)),
        (lambda: images.jpeg(64, 48), (64, 48)),
        (lambda: images.encode(_displayed(2048, 1536), "PNG"), (2048, 1536)),
    ],
    ids=["small-png", "tiny-jpeg", "exactly-the-cap"],
)
def test_small_rooms_are_never_upscaled(make, size):
    result = imaging.canonicalise(make(), crop=None, max_pixels=MAX_PIXELS)
    assert (result.width, result.height) == size


def test_a_small_crop_is_not_upscaled_to_the_cap():
    crop = imaging.parse_crop_params(
        {
            "ratio_label": "1:1",
            "ratio_value": 1.0,
            "crop_rect_norm": {"x": 0.5, "y": 0.5, "w": 0.1, "h": 0.1},
        }
    )
    data = images.encode(_displayed(1000, 1000), "PNG")

    result = imaging.canonicalise(data, crop=crop, max_pixels=MAX_PIXELS)

    assert (result.width, result.height) == (100, 100)
    assert _close(_decode(result).getpixel((50, 50)), QUADRANTS["bottom-right"])


def test_the_long_side_cap_is_a_parameter():
    data = images.encode(_displayed(1200, 800), "PNG")
    result = imaging.canonicalise(
        data, crop=None, max_pixels=MAX_PIXELS, max_long_side=600
    )
    assert (result.width, result.height) == (600, 400)


def test_a_jpeg_draft_never_goes_under_seven_eighths_of_the_cap():
    # 4032 px decodes at 1/2 to 2016 px (over 7/8 of 2048): kept as is.
    result = imaging.canonicalise(
        images.jpeg(4032, 3024), crop=None, max_pixels=MAX_PIXELS
    )
    assert (result.width, result.height) == (2016, 1512)

    # 4400 px at 1/2 would be 2200 (over the cap): resampled down to the cap.
    result = imaging.canonicalise(
        images.jpeg(4400, 3300), crop=None, max_pixels=MAX_PIXELS
    )
    assert (result.width, result.height) == (2048, 1536)


@pytest.mark.parametrize(
    ("width", "height", "max_pixels", "accepted"),
    [(100, 100, 10_000, True), (101, 100, 10_000, False)],
)
def test_pixel_cap_is_inclusive(width, height, max_pixels, accepted):
    data = images.encode(_displayed(width, height), "PNG")
    if accepted:
        result = imaging.canonicalise(data, crop=None, max_pixels=max_pixels)
        assert (result.width, result.height) == (100, 100)
    else:
        with pytest.raises(imaging.InvalidImage) as err:
            imaging.canonicalise(data, crop=None, max_pixels=max_pixels)
        assert str(err.value) == "Image exceeds the limit of 10000 pixels"


@pytest.mark.parametrize(
    ("rect", "accepted"),
    [
        ({"x": 0.0, "y": 0.0, "w": 1.0, "h": 1.0}, True),
        ({"x": 0.5, "y": 0.5, "w": 0.5, "h": 0.5}, True),
        ({"x": 0.5, "y": 0.0, "w": 0.5000001, "h": 1.0}, True),
        ({"x": 0.5, "y": 0.0, "w": 0.5001, "h": 1.0}, False),
        ({"x": 0.0, "y": 0.5, "w": 1.0, "h": 0.5001}, False),
        ({"x": 0.0, "y": 0.0, "w": 0.0, "h": 1.0}, False),
        ({"x": 0.0, "y": 0.0, "w": 1.0, "h": 0.0}, False),
        ({"x": -0.01, "y": 0.0, "w": 0.5, "h": 0.5}, False),
        ({"x": 0.0, "y": 1.01, "w": 0.5, "h": 0.5}, False),
    ],
)
def test_crop_rectangle_edges(rect, accepted):
    raw = {"ratio_label": "1:1", "ratio_value": 1.0, "crop_rect_norm": rect}
    if accepted:
        crop = imaging.parse_crop_params(raw)
        assert crop.x + crop.w <= 1.0 and crop.y + crop.h <= 1.0
    else:
        with pytest.raises(imaging.InvalidCropParams):
            imaging.parse_crop_params(raw)


@pytest.mark.parametrize(
    ("label", "factor", "accepted"),
    [
        ("16:9", 1.019, True),
        ("16:9", 0.981, True),
        ("16:9", 1.021, False),
        ("16:9", 0.979, False),
        ("9:16", 1.019, True),
        ("9:16", 1.021, False),
    ],
)
def test_ratio_value_tolerance_is_two_percent_of_the_label(label, factor, accepted):
    raw = {
        "ratio_label": label,
        "ratio_value": imaging.RATIOS[label] * factor,
        "crop_rect_norm": {"x": 0.0, "y": 0.0, "w": 1.0, "h": 1.0},
    }
    if accepted:
        assert imaging.parse_crop_params(raw).ratio_label == label
    else:
        with pytest.raises(imaging.InvalidCropParams) as err:
            imaging.parse_crop_params(raw)
        assert str(err.value) == "ratio_value does not match ratio_label"
