"""AI providers: Gemini when an API key is configured, else the local fallback."""

from __future__ import annotations

from django.conf import settings

from seeitnow.ai.base import AIError, AIProvider, ImageInput, ProductText, UploadedFile

__all__ = [
    "AIError",
    "AIProvider",
    "ImageInput",
    "ProductText",
    "UploadedFile",
    "get_provider",
]


def get_provider() -> AIProvider:
    """The configured provider; only the Gemini path imports google-genai."""
    if getattr(settings, "GEMINI_API_KEY", ""):
        from seeitnow.ai.gemini import GeminiProvider

        return GeminiProvider()
    from seeitnow.ai.local import LocalProvider

    return LocalProvider()
