from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from assets.pipeline.cutout import (
    CutoutError,
    remove_background,
    validate_manual_cutout,
)
from demo.images import PRODUCT_KINDS, encode, product_photo
from tests.pipeline.studio import png_bytes, studio_shot


def _opaque_in_frame(result, shape: tuple[int, int]) -> np.ndarray:
    alpha = np.zeros(shape, bool)
    left, top, right, bottom = result.bbox
    alpha[top:bottom, left:right] = (
        np.asarray(Image.open(io.BytesIO(result.png_bytes)).getchannel("A")) > 127
    )
    return alpha


def _iou(result, truth: np.ndarray) -> float:
    alpha = _opaque_in_frame(result, truth.shape)
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


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize("kind", PRODUCT_KINDS)
def test_demo_product_cutout_keeps_the_product_and_drops_its_shadow(kind, fmt):
    image, mask = product_photo(kind, 512)
    truth = np.asarray(mask) > 127
    result = remove_background(encode(image, fmt))
    alpha = _opaque_in_frame(result, truth.shape)
    assert _iou(result, truth) >= 0.9
    # Nothing a few pixels beyond the product (its contact shadow, the backdrop) is
    # kept, and nothing well inside it (a mirror's glass, a white shade) is lost.
    ring = np.ones((7, 7), np.uint8)
    near = cv2.dilate(truth.astype(np.uint8), ring).astype(bool)
    core = cv2.erode(truth.astype(np.uint8), ring).astype(bool)
    assert (alpha & ~near).sum() < truth.sum() * 0.005
    assert (core & ~alpha).sum() < truth.sum() * 0.005


def test_enclosed_backdrop_coloured_panel_stays_in_the_cutout():
    background = (236, 236, 233)
    image = Image.new("RGB", (600, 600), background)
    truth = Image.new("L", (600, 600), 0)
    for canvas, frame, panel in ((image, (120, 90, 40), background), (truth, 255, 255)):
        ImageDraw.Draw(canvas).ellipse((150, 150, 450, 450), fill=frame)
        ImageDraw.Draw(canvas).ellipse((175, 175, 425, 425), fill=panel)
    result = remove_background(png_bytes(image))
    assert _iou(result, np.asarray(truth) > 127) >= 0.97


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
