"""The AI provider interface: what Gemini and the local fallback both implement."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

from seeitnow.ai.schema import ProductPlacementFacts, PromptPack

# Both text models (extractor and builder) run near-deterministic: the same listing
# should give the same facts and prompts, not creative variety.
TEXT_TEMPERATURE = 0.2

AI_ERROR_CODES = frozenset(
    {
        "ai_timeout",
        "ai_rate_limited",
        "ai_bad_response",
        "ai_unavailable",
        "ai_refused",
        "ai_error",
    }
)


@dataclass(frozen=True)
class ImageInput:
    """An image handed to a provider, with its Files API URI when one is cached."""

    data: bytes
    mime_type: str
    file_uri: str | None = None


@dataclass(frozen=True)
class UploadedFile:
    """A file stored by the provider (Gemini Files API) and when it expires."""

    uri: str
    expires_at: datetime


@dataclass(frozen=True)
class ProductText:
    """The textual side of a product; `description` is plain text, HTML stripped."""

    title: str
    description: str = ""
    product_type: str = ""
    vendor: str = ""
    tags: tuple[str, ...] = ()
    metafields: dict[str, str] = field(default_factory=dict)


class AIError(Exception):
    """Every provider failure; `code` is one of AI_ERROR_CODES."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        retryable: bool = False,
        retry_after_s: float | None = None,
    ) -> None:
        if code not in AI_ERROR_CODES:
            raise ValueError(f"unknown AI error code: {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
        # How long the service asked us to wait before trying again (429s).
        self.retry_after_s = retry_after_s

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class AIProvider(ABC):
    """A backend for the extractor, prompt builder, renderer and upscaler."""

    name: str
    prep_strategy: str
    # Whether ensure_uploaded keeps images in a file store worth filling ahead
    # of a render (Gemini's Files API); the local provider passes them inline.
    caches_files: bool = False

    @abstractmethod
    def model_for(self, purpose: str) -> str:
        """The model name recorded for `purpose` ("text" | "image" | "upscale")."""

    @abstractmethod
    def extract_facts(
        self, *, product: ProductText, images: list[ImageInput], instructions: str
    ) -> ProductPlacementFacts:
        """LLM #1: product text and images → ProductPlacementFacts; raises AIError."""

    @abstractmethod
    def build_prompt_pack(
        self, *, resolved_facts: dict, instructions: str, context: str
    ) -> PromptPack:
        """LLM #2: resolved facts + builder context → PromptPack; raises AIError."""

    @abstractmethod
    def ensure_uploaded(
        self, *, image: ImageInput, cached: UploadedFile | None
    ) -> UploadedFile | None:
        """Return a still-valid uploaded copy of `image`, or None if not cached."""

    @abstractmethod
    def render_variant(
        self,
        *,
        product_image: ImageInput,
        room_image: ImageInput,
        prompt: str,
        aspect_ratio: str,
        variant_id: str,
        facts: dict,
        timeout_s: float,
    ) -> bytes:
        """Composite the product into the room; JPEG bytes; raises AIError."""

    @abstractmethod
    def upscale(self, *, image: ImageInput, timeout_s: float) -> bytes:
        """A higher-resolution JPEG of the same composition; raises AIError.

        No render brief goes with it: a placement brief invites a re-composition.
        """
