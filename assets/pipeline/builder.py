"""LLM #2 step: resolved facts + rules + intents (+ merchant notes) → PromptPack."""

from __future__ import annotations

import json

from assets.prompts.texts import BUILDER_INSTRUCTIONS
from seeitnow.ai.base import AIError, AIProvider
from seeitnow.ai.rules import (
    MERCHANT_SECTION_HEADER,
    material_rules_text,
    scale_guardrails_text,
    variant_intents_text,
)
from seeitnow.ai.schema import PromptPack


def build_context(
    *,
    resolved_facts: dict,
    product_instructions: str = "",
    shop_instructions: str = "",
) -> str:
    """The user-side text of the builder call, deterministic for given inputs."""
    material = resolved_facts.get("material_profile", {}).get("primary")
    scale_class = resolved_facts.get("relative_scale", {}).get("class")
    sections = [
        "Resolved product facts (JSON):\n"
        + json.dumps(resolved_facts, indent=2, sort_keys=True, ensure_ascii=False),
        "Material rules:\n" + material_rules_text(material),
        "Scale guardrails:\n" + scale_guardrails_text(scale_class),
        "Variant intents (write exactly these eight, in this order):\n"
        + variant_intents_text(),
    ]
    merchant = [
        text.strip()
        for text in (shop_instructions, product_instructions)
        if text and text.strip()
    ]
    if merchant:
        # Last, so the local builder can find it and an LLM reads it as overriding.
        sections.append(MERCHANT_SECTION_HEADER + "\n" + "\n".join(merchant))
    return "\n\n".join(sections)


def build_prompt_pack(
    *,
    provider: AIProvider,
    resolved_facts: dict,
    product_instructions: str = "",
    shop_instructions: str = "",
) -> PromptPack:
    """Run LLM #2 with the builder instructions; raises AIError."""
    context = build_context(
        resolved_facts=resolved_facts,
        product_instructions=product_instructions,
        shop_instructions=shop_instructions,
    )
    pack = provider.build_prompt_pack(
        resolved_facts=resolved_facts,
        instructions=BUILDER_INSTRUCTIONS,
        context=context,
    )
    if not isinstance(pack, PromptPack):
        raise AIError("ai_bad_response", "the prompt builder returned no pack")
    return pack
