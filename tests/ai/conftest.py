"""Fixtures shared by the provider tests."""

from __future__ import annotations

import pytest

from seeitnow.ai.gemini import GeminiProvider

TEXT_MODEL = "gemini-2.5-flash"
IMAGE_MODEL = "gemini-2.5-flash-image"
UPSCALE_MODEL = "gemini-3-pro-image-preview"


@pytest.fixture
def provider(fake_gemini, settings):
    settings.GEMINI_API_VERSION = "v1beta"
    settings.GEMINI_TEXT_MODEL = TEXT_MODEL
    settings.GEMINI_IMAGE_MODEL = IMAGE_MODEL
    settings.GEMINI_UPSCALE_MODEL = UPSCALE_MODEL
    settings.GEMINI_TIMEOUT_S = 10.0
    settings.GEMINI_RETRY_ATTEMPTS = 3
    return GeminiProvider(retry_initial_delay_s=0.01)
