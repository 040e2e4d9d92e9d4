"""AI providers: Gemini when an API key is configured, else the local fallback."""

from __future__ import annotations

import threading

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


# What a provider instance is built from: a change of any of them (tests switch
# providers per test) builds a new one.
_PROVIDER_SETTINGS = (
    "GEMINI_API_KEY",
    "GEMINI_BASE_URL",
    "GEMINI_API_VERSION",
    "GEMINI_TIMEOUT_S",
    "GEMINI_RETRY_ATTEMPTS",
)
_lock = threading.Lock()
_built: tuple[tuple, AIProvider] | None = None


def get_provider() -> AIProvider:
    """The configured provider, built once per process and shared by threads.

    Building a Gemini client costs ~70 ms (TLS setup), which every preparation,
    render request and render run would pay otherwise. Only the Gemini path
    imports google-genai.
    """
    global _built
    key = tuple(getattr(settings, name, None) for name in _PROVIDER_SETTINGS)
    with _lock:
        if _built is None or _built[0] != key:
            _built = (key, _build_provider())
        return _built[1]


def _build_provider() -> AIProvider:
    if settings.GEMINI_API_KEY:
        from seeitnow.ai.gemini import GeminiProvider

        return GeminiProvider()
    from seeitnow.ai.local import LocalProvider

    return LocalProvider()
