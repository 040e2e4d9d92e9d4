"""Final render prompts and the hashes of a run's lineage (SPEC §7).

The final prompt is a fixed concatenation, never an LLM's output, so the same
prompt pack always yields byte-identical prompts and therefore identical hashes.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from PIL import Image

from assets.prompts.texts import ASSEMBLY_TEMPLATE, GLOBAL_RENDER_RULES
from seeitnow.ai.schema import VARIANT_IDS


class PromptPackInvalid(ValueError):
    """The stored prompt pack lacks its product context or one of V01-V08."""


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of raw bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """Hex sha256 of a text's UTF-8 encoding."""
    return sha256_bytes(text.encode("utf-8"))


def sha256_json(value: Any) -> str:
    """Hex sha256 of canonical JSON (sorted keys, no spaces), stable across runs."""
    canonical = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return sha256_text(canonical)


def image_meta(data: bytes) -> dict[str, Any]:
    """`{width, height, bytes, format}` of an encoded image (header read only)."""
    with Image.open(io.BytesIO(data)) as im:
        return {
            "width": im.width,
            "height": im.height,
            "bytes": len(data),
            "format": im.format,
        }


def assemble_prompt(*, product_context: str, variation: str) -> str:
    """Global render rules + product context + one variation, deterministically."""
    return ASSEMBLY_TEMPLATE.format(
        rules=GLOBAL_RENDER_RULES.rstrip(),
        product_context=product_context.strip(),
        variation=variation.strip(),
    )


def assemble_prompts(*, prompt_pack: dict[str, Any]) -> dict[str, str]:
    """The eight final prompts keyed V01..V08; raises PromptPackInvalid."""
    context = prompt_pack.get("product_context") if prompt_pack else None
    if not isinstance(context, str) or not context.strip():
        raise PromptPackInvalid("the prompt pack has no product_context")
    variations: dict[str, str] = {}
    for entry in prompt_pack.get("variants") or []:
        if isinstance(entry, dict) and isinstance(entry.get("variation"), str):
            variations[str(entry.get("id"))] = entry["variation"]
    missing = [vid for vid in VARIANT_IDS if not variations.get(vid, "").strip()]
    if missing:
        raise PromptPackInvalid(f"the prompt pack lacks {', '.join(missing)}")
    return {
        vid: assemble_prompt(product_context=context, variation=variations[vid])
        for vid in VARIANT_IDS
    }
