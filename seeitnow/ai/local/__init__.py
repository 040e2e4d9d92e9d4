"""The local provider: a real offline fallback for every AI step (SPEC §8)."""

from __future__ import annotations

import time

from PIL import UnidentifiedImageError

from seeitnow.ai.base import AIError, AIProvider, ImageInput, ProductText, UploadedFile
from seeitnow.ai.local.builder import build_local_prompt_pack
from seeitnow.ai.local.compositor import VARIANT_PLANS, composite, upscale_jpeg
from seeitnow.ai.local.extractor import extract_local_facts
from seeitnow.ai.schema import ProductPlacementFacts, PromptPack

__all__ = ["LocalProvider"]


class LocalProvider(AIProvider):
    """Keyword extractor, template builder and Pillow compositor; no network."""

    name = "local"
    prep_strategy = "fallback"

    def model_for(self, purpose: str) -> str:
        """'local-heuristics' for text, 'local-compositor' for image and upscale."""
        if purpose == "text":
            return "local-heuristics"
        if purpose in ("image", "upscale"):
            return "local-compositor"
        raise ValueError(f"unknown model purpose: {purpose!r}")

    def extract_facts(
        self, *, product: ProductText, images: list[ImageInput], instructions: str
    ) -> ProductPlacementFacts:
        """Facts from the product text; the first image only for its looks."""
        return extract_local_facts(product, images)

    def build_prompt_pack(
        self, *, resolved_facts: dict, instructions: str, context: str
    ) -> PromptPack:
        """V01-V08 from templates; the merchant section of `context` is kept."""
        return build_local_prompt_pack(resolved_facts, context)

    def ensure_uploaded(
        self, *, image: ImageInput, cached: UploadedFile | None
    ) -> UploadedFile | None:
        """Nothing to upload: images are always passed inline locally."""
        return None

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
        """Composite with Pillow; the room image fixes the output size."""
        if variant_id not in VARIANT_PLANS:
            raise AIError("ai_error", f"unknown variant id {variant_id!r}")
        started = time.monotonic()
        try:
            result = composite(
                product_png=product_image.data,
                room_jpeg=room_image.data,
                facts=facts,
                variant_id=variant_id,
            )
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise AIError("ai_error", f"cannot composite: {exc}") from exc
        if time.monotonic() - started > timeout_s:
            raise AIError("ai_timeout", "local compositing exceeded its timeout")
        return result

    def upscale(self, *, image: ImageInput, timeout_s: float) -> bytes:
        """LANCZOS 2x (long side at most 4096) with sharpening."""
        started = time.monotonic()
        try:
            result = upscale_jpeg(image.data)
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise AIError("ai_error", f"cannot upscale: {exc}") from exc
        if time.monotonic() - started > timeout_s:
            raise AIError("ai_timeout", "local upscaling exceeded its timeout")
        return result
