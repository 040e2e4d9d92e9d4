"""Prompt configuration and its versioning: everything that shapes a prompt.

A PromptVersion stores the texts themselves (config_snapshot["texts"]), so an old
version can be read back and rebuilt; its three hashes are sha256 of three of
those texts. Each text is the fixed instruction plus every datum and template
that goes with it, so a change to any of them is a new version.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
from functools import cache

from django.conf import settings

from assets.prompts import texts
from seeitnow.ai import base, rules
from seeitnow.ai.local import builder as local_builder
from seeitnow.ai.schema import (
    ProductPlacementFacts,
    PromptPack,
    response_json_schema,
)

# Functions whose code turns the data below into prompt text; their source is
# hashed into the snapshot (module → function or Class.method names).
PROMPT_CODE: dict[str, tuple[str, ...]] = {
    "seeitnow.ai.rules": (
        "relative_scale_for",
        "scale_guardrail_for",
        "cropping_rule_for",
        "material_rules_for",
        "material_rules_text",
        "variant_intents_text",
    ),
    "seeitnow.ai.local.builder": (
        "_main_dimension",
        "_target",
        "_dims_text",
        "product_context",
        "variation",
        "merchant_instructions",
        "build_local_prompt_pack",
    ),
    "seeitnow.ai.local.extractor": ("extract_local_facts", "_dimensions"),
    "seeitnow.ai.local.looks": ("describe_looks", "colour_name", "_pixels"),
    "seeitnow.ai.gemini": (
        "GeminiProvider.extract_facts",
        "GeminiProvider.build_prompt_pack",
        "GeminiProvider._structured",
        "GeminiProvider.render_variant",
        "GeminiProvider.upscale",
    ),
    "seeitnow.ai.schema": ("response_json_schema", "_json_schema_subset"),
    "assets.pipeline.builder": ("build_context", "with_fixed_lines"),
    "assets.pipeline.extractor": ("product_text", "strip_html", "extract_facts"),
}


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dump(value: object) -> str:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)


@cache
def _code_hashes() -> dict[str, str]:
    """sha256 of each prompt-shaping function's source, read without importing
    the module (seeitnow.ai.gemini would pull in google-genai)."""
    hashes = {}
    for module, names in PROMPT_CODE.items():
        path = importlib.util.find_spec(module).origin
        with open(path, encoding="utf-8") as fh:
            source = fh.read()
        tree = ast.parse(source)
        found: dict[str, ast.AST] = {}
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        found[f"{node.name}.{item.name}"] = item
            elif isinstance(node, ast.FunctionDef):
                found[node.name] = node
        for name in names:
            segment = ast.get_source_segment(source, found[name])
            hashes[f"{module}.{name}"] = _sha256(segment)
    return hashes


def _schemas() -> dict:
    return {
        "ProductPlacementFacts": response_json_schema(ProductPlacementFacts),
        "PromptPack": response_json_schema(PromptPack),
    }


def prompt_texts() -> dict[str, str]:
    """Every prompt-shaping text of the running configuration, by purpose.

    `global` / `extractor` / `builder` are what the three hashes cover; `local`
    and `code` cover the offline templates and the formatting functions.
    """
    schemas = _schemas()
    return {
        "global": "\n\n".join(
            [
                texts.GLOBAL_RENDER_RULES,
                "Assembly template:\n" + texts.ASSEMBLY_TEMPLATE,
                "Upscale instruction:\n" + rules.UPSCALE_INSTRUCTION,
            ]
        ),
        "extractor": "\n\n".join(
            [
                texts.EXTRACTOR_INSTRUCTIONS,
                "Response schema:\n" + _dump(schemas["ProductPlacementFacts"]),
                f"Temperature: {base.TEXT_TEMPERATURE}",
            ]
        ),
        "builder": "\n\n".join(
            [
                texts.BUILDER_INSTRUCTIONS,
                "Response schema:\n" + _dump(schemas["PromptPack"]),
                f"Temperature: {base.TEXT_TEMPERATURE}",
                "Variant intents:\n" + _dump(rules.VARIANT_INTENTS),
                "Material rules:\n" + _dump(rules.MATERIAL_RULES),
                "Scale guardrails:\n" + _dump(rules.SCALE_GUARDRAILS),
                "Scale classes:\n"
                + _dump(
                    {
                        "thresholds_cm": rules.RELATIVE_SCALE_THRESHOLDS_CM,
                        "kind_ranges": rules.KIND_SIZE_RANGES,
                        "size_words": rules.SIZE_WORDS,
                        "anchors_cm": rules.SIZE_ANCHORS_CM,
                    }
                ),
                "Cropping rules:\n" + _dump(rules.CROPPING_RULES),
                "Merchant header: " + rules.MERCHANT_SECTION_HEADER,
            ]
        ),
        "local": _dump(local_builder.templates()),
        "code": _dump(_code_hashes()),
    }


def prompt_hashes() -> dict[str, str]:
    """sha256 hex of the global, extractor and builder texts, as a row stores them."""
    stored = prompt_texts()
    return {
        "global_hash": _sha256(stored["global"]),
        "extractor_hash": _sha256(stored["extractor"]),
        "builder_hash": _sha256(stored["builder"]),
    }


def config_snapshot() -> dict:
    """JSON-able snapshot: the models and every prompt-shaping text itself."""
    return {
        "models": {
            "text": getattr(settings, "GEMINI_TEXT_MODEL", "gemini-2.5-flash"),
            "image": getattr(settings, "GEMINI_IMAGE_MODEL", "gemini-2.5-flash-image"),
            "upscale": getattr(
                settings, "GEMINI_UPSCALE_MODEL", "gemini-3-pro-image-preview"
            ),
        },
        "texts": prompt_texts(),
    }
