"""Prompt configuration: fixed texts, variant intents, rules, and their versioning."""

from __future__ import annotations

import hashlib

from django.conf import settings

from assets.prompts.texts import (
    BUILDER_INSTRUCTIONS,
    EXTRACTOR_INSTRUCTIONS,
    GLOBAL_RENDER_RULES,
)
from seeitnow.ai.rules import (
    MATERIAL_RULES,
    RELATIVE_SCALE_THRESHOLDS_CM,
    SCALE_GUARDRAILS,
    VARIANT_INTENTS,
)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prompt_hashes() -> dict[str, str]:
    """sha256 hex of the three fixed texts, as a PromptVersion row stores them."""
    return {
        "global_hash": _sha256(GLOBAL_RENDER_RULES),
        "extractor_hash": _sha256(EXTRACTOR_INSTRUCTIONS),
        "builder_hash": _sha256(BUILDER_INSTRUCTIONS),
    }


def config_snapshot() -> dict:
    """JSON-able snapshot of models, intents, material rules and guardrails."""
    return {
        "models": {
            "text": getattr(settings, "GEMINI_TEXT_MODEL", "gemini-2.5-flash"),
            "image": getattr(settings, "GEMINI_IMAGE_MODEL", "gemini-2.5-flash-image"),
            "upscale": getattr(
                settings, "GEMINI_UPSCALE_MODEL", "gemini-3-pro-image-preview"
            ),
        },
        "variant_intents": {k: dict(v) for k, v in VARIANT_INTENTS.items()},
        "material_rules": dict(MATERIAL_RULES),
        "scale_guardrails": dict(SCALE_GUARDRAILS),
        "relative_scale_thresholds_cm": [
            [name, limit] for name, limit in RELATIVE_SCALE_THRESHOLDS_CM
        ],
    }
