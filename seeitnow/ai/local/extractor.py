"""Deterministic LLM #1 stand-in: facts from product text by parsing and keywords."""

from __future__ import annotations

import re

from seeitnow.ai.base import ImageInput, ProductText
from seeitnow.ai.local.dimensions import ParsedDimensions, parse_dimensions
from seeitnow.ai.local.lexicon import (
    KINDS,
    MATERIAL_DEFAULTS,
    MATERIALS,
    STYLE_CUES,
    WOODS,
    Kind,
)
from seeitnow.ai.local.looks import describe_looks
from seeitnow.ai.rules import relative_scale_for, scale_guardrail_for
from seeitnow.ai.schema import ProductPlacementFacts

# A familiar object of each size class, for relative_scale.comparisons.
_COMPARISON = {
    "tiny": "a coffee mug",
    "small": "a table lamp",
    "medium": "a dining chair",
    "large": "a three-seat sofa",
    "oversized": "a doorway",
    "architectural": "the ceiling height",
}

_AFFORDANCES = {
    "floor mirror": ["reflect", "lean against a wall"],
    "wall mirror": ["reflect", "hang"],
    "floor lamp": ["light"],
    "table lamp": ["light"],
    "pendant light": ["light"],
    "wall clock": ["tell time", "hang"],
    "wall shelf": ["store", "display"],
    "rug": ["cover floor", "walk on"],
    "wall art": ["display", "hang"],
    "sofa": ["sit", "lounge"],
    "bed": ["sleep"],
    "storage furniture": ["store", "display"],
    "table": ["put things on"],
    "seating": ["sit"],
    "planter": ["hold a plant"],
    "soft furnishing": ["soften", "decorate"],
    "decor object": ["decorate", "display"],
}


def _contains(text: str, word: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(word)}s?(?![a-z])", text) is not None


def _sources(product: ProductText) -> list[str]:
    meta = " ".join(f"{k} {v}" for k, v in product.metafields.items())
    return [
        s.lower()
        for s in (
            product.title,
            product.product_type,
            " ".join(product.tags),
            f"{product.description} {meta}",
        )
    ]


def _find_kind(sources: list[str]) -> tuple[Kind | None, str]:
    for source in sources:
        for words, kind in KINDS:
            for word in words:
                if _contains(source, word):
                    return kind, word
    return None, ""


def _find_material(sources: list[str]) -> tuple[str, str]:
    for source in sources:
        hits = []
        for words, material in MATERIALS:
            for word in words:
                if _contains(source, word):
                    hits.append((source.find(word), material, word))
                    break
        if len({m for _, m, _ in hits}) > 1 and source is sources[0]:
            return "mixed", ", ".join(w for _, _, w in sorted(hits))
        if hits:
            _, material, word = min(hits)
            return material, word
    for source in sources:
        for word in WOODS:
            if _contains(source, word):
                return "unknown", word
    return "unknown", ""


def _dimensions(parsed: ParsedDimensions, kind: Kind | None) -> dict:
    dims = {"h": parsed.h, "w": parsed.w, "d": parsed.d}
    dims["diameter"] = parsed.diameter
    dims["thickness"] = parsed.thickness
    rug = kind is not None and kind.pair == "wl"
    if parsed.l is not None:
        # "L 200 x W 90" on furniture: length is the long side and width the depth.
        if rug:
            dims["d"] = dims["d"] if dims["d"] is not None else parsed.l
        elif dims["w"] is None:
            dims["w"] = parsed.l
        elif dims["d"] is None:
            dims["w"], dims["d"] = parsed.l, dims["w"]
    bare = parsed.unlabelled
    if len(bare) == 3 and kind is not None and kind.triple != "wdh":
        # "180 x 90 x 4 cm" on a mirror or a print: 4 cm is its depth, never its
        # height, whatever the order the merchant wrote.
        rest = list(bare)
        rest.remove(min(bare))
        if kind.triple == "tall_flat":
            rest.sort()
        bare = (rest[0], min(bare), rest[1])
    if len(bare) == 3:
        for key, value in zip(("w", "d", "h"), bare, strict=True):
            if dims[key] is None:
                dims[key] = value
    elif len(bare) == 2:
        keys = ("w", "d") if rug else ("w", "h")
        for key, value in zip(keys, bare, strict=True):
            if dims[key] is None:
                dims[key] = value
    return dims


def _weight(kind: Kind | None, material: str, largest: float | None) -> str:
    if kind is None:
        return "unknown"
    if material == "stone" and largest is not None and largest >= 60:
        return "very_heavy"
    return kind.weight


def _sheen(text: str, material: str) -> str:
    for words, sheen in (
        (("high gloss", "glossy", "gloss", "polished", "lacquer"), "gloss"),
        (("satin", "semi-gloss", "brushed"), "satin"),
        (("matte", "matt", "unglazed", "raw"), "matte"),
    ):
        if any(_contains(text, w) for w in words):
            return sheen
    return MATERIAL_DEFAULTS[material][0]


def extract_local_facts(
    product: ProductText, images: list[ImageInput] | None = None
) -> ProductPlacementFacts:
    """Facts from the product's text, and from its first photo what it looks like
    (`identity.visual_description`); what is not found goes in `unknowns`."""
    sources = _sources(product)
    everything = " ".join(sources)
    kind, kind_word = _find_kind(sources)
    if kind is not None and kind.material:
        material, material_word = kind.material, kind_word
    else:
        material, material_word = _find_material(sources)
    dims = _dimensions(parse_dimensions(" \n ".join(sources)), kind)
    known = [v for v in dims.values() if v is not None]
    largest = max(known) if known else None
    # The keyword ("coffee table", "wardrobe") is more specific than the kind.
    scale_class = relative_scale_for(
        largest, kind=f"{kind_word} {kind.name}" if kind else "", text=everything
    )
    sheen = _sheen(everything, material)
    _, transparency, surface_kind, lighting_kind = MATERIAL_DEFAULTS[material]
    if material == "glass" and any(
        _contains(everything, w) for w in ("frosted", "smoked", "tinted")
    ):
        transparency = "translucent"

    unknowns = []
    if kind is None:
        unknowns += ["identity.product_kind", "placement", "weight_class"]
    if not known:
        unknowns.append("dimensions_cm")
    elif kind is not None and kind.pair != "wl" and dims["h"] is None:
        unknowns.append("dimensions_cm.h")
    if material == "unknown":
        unknowns.append("material")
    if sheen == "unknown":
        unknowns.append("material_profile.sheen")

    modes = kind.modes if kind else ()
    allowed = [
        {
            "mode": mode,
            "confidence": "high" if i == 0 else "medium",
            "evidence": f'keyword "{kind_word}"',
        }
        for i, mode in enumerate(modes)
    ]
    surfaces = [
        {"surface": s, "confidence": "medium", "evidence": f'typical for "{kind_word}"'}
        for s in (kind.surfaces if kind else ())
    ]
    do_not_do = ["do not change the product's proportions or colour"]
    if kind and "wall" in modes:
        do_not_do.append("do not add a frame or hanging hardware")
    if kind and kind.modes[0] in ("floor", "rug"):
        do_not_do.append("do not float the product above the floor")

    dims_text = ", ".join(f"{k} {v:g} cm" for k, v in dims.items() if v is not None)
    facts = {
        "identity": {
            "title": product.title,
            "product_kind": kind.name if kind else "unknown",
            "category_path": list(kind.category) if kind else [],
            "style_cues": [c for c in STYLE_CUES if _contains(everything, c)],
            "visual_description": describe_looks(
                images[0].data,
                kind=kind_word or (kind.name if kind else "unknown"),
                material=material,
            )
            if images
            else "",
        },
        "dimensions_cm": dims,
        "weight_class": _weight(kind, material, largest),
        "deformability": kind.deformability if kind else "unknown",
        "placement": {
            "allowed_modes": allowed,
            "support_surfaces": surfaces,
            "constraints": (
                ["mount securely on a solid wall"]
                if kind and modes[0] == "wall"
                else []
            ),
            "do_not_do": do_not_do,
        },
        "orientation": {
            "constraint": kind.orientation if kind else "unknown",
            "notes": "",
        },
        "scale": {
            "priority": (
                "strict_true_to_dimensions"
                if len(known) >= 2
                else "prefer_true_to_dimensions"
                if known
                else "flexible_if_no_reference"
            ),
            "notes": f"stated: {dims_text}" if dims_text else "no dimensions stated",
        },
        "relative_scale": {
            "class": scale_class,
            "evidence": (
                f"largest stated dimension {largest:g} cm"
                + (f" for a {kind.name}" if kind else "")
                if largest is not None
                else f"size words: {scale_class}"
                if scale_class != "unknown"
                else "no dimensions stated"
            ),
            "comparisons": (
                [
                    {
                        "to": _COMPARISON[scale_class],
                        "confidence": "medium",
                        "evidence": "similar largest dimension",
                    }
                ]
                if scale_class in _COMPARISON
                else []
            ),
        },
        "material_profile": {
            "primary": material,
            "sheen": sheen,
            "transparency": transparency,
            "notes": f'keyword "{material_word}"' if material_word else "",
        },
        "render_behavior": {
            "surface": [{"kind": surface_kind, "strength": "medium", "notes": ""}]
            if material != "unknown"
            else [],
            "lighting": [{"kind": lighting_kind, "notes": "match the room's light"}],
            "interaction_rules": (
                ["rests flat on the floor, furniture may stand on it"]
                if kind and kind.pair == "wl"
                else ["cast a contact shadow where it touches its support"]
            ),
            "cropping_policy": "never_crop_product",
        },
        "scale_guardrails": "",
        "affordances": list(_AFFORDANCES.get(kind.name, [])) if kind else [],
        "unknowns": unknowns,
    }
    facts["scale_guardrails"] = scale_guardrail_for(facts)
    return ProductPlacementFacts.model_validate(facts)
