"""Fixtures of the render tests."""

from __future__ import annotations

import pytest

from tests.fakes.gemini import fake_gemini
from tests.render.scene import make_scene

__all__ = ["fake_gemini"]


@pytest.fixture
def scene(shop):
    """A live product and a confirmed room of `shop`, files stored."""
    return make_scene(shop=shop)


@pytest.fixture
def gemini(fake_gemini, settings):
    """The fake Gemini with the provider's settings pinned for render tests."""
    settings.GEMINI_API_VERSION = "v1beta"
    settings.GEMINI_IMAGE_MODEL = "gemini-2.5-flash-image"
    settings.GEMINI_UPSCALE_MODEL = "gemini-3-pro-image-preview"
    settings.GEMINI_TIMEOUT_S = 10.0
    settings.GEMINI_RETRY_ATTEMPTS = 1
    return fake_gemini
