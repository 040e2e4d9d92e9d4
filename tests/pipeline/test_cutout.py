from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from assets.pipeline.cutout import (
    CutoutError,
    remove_background,
    validate_manual_cutout,
)
from tests.pipeline.studio import png_bytes, studio_shot


def _iou(result, truth: np.ndarray) -> float:
    alpha = np.zeros(truth.shape, bool)
    left, top, right, bottom = result.bbox
    alpha[top:bottom, left:right] = (
        np.asarray(Image.open(io.BytesIO(result.png_bytes)).getchannel("A")) > 127
    )
    return float((alpha & truth).sum() / (alpha | truth).sum())


@pytest.mark.parametrize(
    "shape,background,colour",
    [
        ("vase", (255, 255, 255), (170, 60, 40)),
        ("chair", (215, 215, 212), (90, 60, 35)),
        ("lamp", (248, 248, 246), (30, 70, 140)),
        ("cabinet", (200, 200, 200), (35, 35, 38)),
    ],
)
def test_studio_shot_cutout_matches_the_known_mask(shape, background, colour):
    data, truth = studio_shot(shape, background=background, colour=colour)
    result = remove_background(data)
    assert _iou(result, truth) >= 0.9
    image = Image.open(io.BytesIO(result.png_bytes))
    assert (image.format, image.mode) == ("PNG", "RGBA")
    assert image.size == (result.width, result.height)
    left, top, right, bottom = result.bbox
    assert (right - left, bottom - top) == image.size
    assert 0.05 < result.foreground_ratio < 0.5
    alpha = np.asarray(image.getchannel("A"))
    assert alpha[0].max() < 16 and alpha[-1].max() < 16  # trimmed with a clear margin
    feathered = ((alpha > 0) & (alpha < 255)).sum()
    assert feathered > 0  # soft edge, not a hard binary matte


def test_busy_photo_has_no_separable_background():
    noise = np.random.default_rng(1).integers(0, 255, (600, 800, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, "JPEG")
    with pytest.raises(CutoutError) as err:
        remove_background(buffer.getvalue())
    assert err.value.code == "no_separable_background"


def test_plain_frame_without_product_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (250, 250, 250)).save(buffer, "JPEG")
    with pytest.raises(CutoutError) as err:
        remove_background(buffer.getvalue())
    assert err.value.code == "no_separable_background"


@pytest.mark.parametrize(
    "data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n" + b"0" * 40]
)
def test_undecodable_bytes_are_invalid_image(data):
    with pytest.raises(CutoutError) as err:
        remove_background(data)
    assert err.value.code == "invalid_image"


def test_valid_manual_cutout_is_trimmed():
    image = Image.new("RGBA", (200, 160), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (50, 40, 150, 120))
    result = validate_manual_cutout(png_bytes(image))
    assert result.bbox == (50, 40, 150, 120)
    assert (result.width, result.height) == (100, 80)
    assert result.foreground_ratio == 0.25


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (100, 100), "red").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "make,code",
    [
        (_jpeg, "not_png"),
        (lambda: png_bytes(Image.new("RGB", (100, 100), "red")), "no_alpha"),
        (
            lambda: png_bytes(Image.new("RGBA", (100, 100), (1, 2, 3, 255))),
            "no_transparency",
        ),
        (
            lambda: png_bytes(Image.new("RGBA", (100, 100), (1, 2, 3, 0))),
            "no_opaque_pixels",
        ),
        (
            lambda: png_bytes(Image.new("RGBA", (10, 10), (1, 2, 3, 0))),
            "image_too_small",
        ),
        (lambda: b"garbage", "invalid_image"),
        (lambda: b"\x89PNG" + b"\0" * (25 * 1024 * 1024), "image_too_large"),
    ],
)
def test_manual_cutout_errors(make, code):
    with pytest.raises(CutoutError) as err:
        validate_manual_cutout(make())
    assert err.value.code == code


def test_pixel_limit_comes_from_settings(settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    data, _ = studio_shot("vase", size=(120, 160))
    with pytest.raises(CutoutError) as err:
        remove_background(data)
    assert err.value.code == "invalid_image"
