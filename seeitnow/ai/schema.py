"""The two structured outputs of product preparation (SPEC §6).

Both models double as Gemini `response_schema`, so they stay plain: no free-form
dicts, enums as Literals, every list typed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

VARIANT_IDS: tuple[str, ...] = tuple(f"V0{i}" for i in range(1, 9))

Confidence = Literal["high", "medium", "low"]
PlacementMode = Literal[
    "floor", "wall", "tabletop", "shelf", "rug", "ceiling", "leaning"
]
WeightClass = Literal["very_heavy", "heavy", "medium", "light", "unknown"]
Deformability = Literal["rigid", "semi_rigid", "flexible_drape", "unknown"]
OrientationConstraint = Literal[
    "upright_only", "can_rotate_slightly", "free_rotation", "unknown"
]
ScalePriority = Literal[
    "strict_true_to_dimensions",
    "prefer_true_to_dimensions",
    "flexible_if_no_reference",
]
RelativeScaleClass = Literal[
    "tiny", "small", "medium", "large", "oversized", "architectural", "unknown"
]
MaterialPrimary = Literal[
    "reclaimed_teak",
    "painted_wood",
    "glass",
    "mirror",
    "ceramic",
    "metal",
    "stone",
    "fabric",
    "leather",
    "mixed",
    "unknown",
]
Sheen = Literal["matte", "satin", "gloss", "unknown"]
Transparency = Literal["opaque", "translucent", "transparent", "unknown"]
Strength = Literal["low", "medium", "high"]
CroppingPolicy = Literal[
    "never_crop_product", "allow_small_crop", "allow_crop_if_needed"
]

PLACEMENT_MODES: tuple[str, ...] = PlacementMode.__args__
WEIGHT_CLASSES: tuple[str, ...] = WeightClass.__args__
DEFORMABILITIES: tuple[str, ...] = Deformability.__args__
RELATIVE_SCALE_CLASSES: tuple[str, ...] = RelativeScaleClass.__args__
MATERIALS: tuple[str, ...] = MaterialPrimary.__args__


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


class Identity(_Strict):
    title: str
    product_kind: str
    # What the product looks like (shape, colour, finish, details), for the image
    # model; empty in facts stored before it existed.
    visual_description: str = ""
    category_path: list[str] = Field(default_factory=list)
    style_cues: list[str] = Field(default_factory=list)


class DimensionsCm(_Strict):
    h: float | None = None
    w: float | None = None
    d: float | None = None
    diameter: float | None = None
    thickness: float | None = None


class AllowedMode(_Strict):
    mode: PlacementMode
    confidence: Confidence
    evidence: str = ""


class SupportSurface(_Strict):
    surface: str
    confidence: Confidence
    evidence: str = ""


class Placement(_Strict):
    allowed_modes: list[AllowedMode] = Field(default_factory=list)
    support_surfaces: list[SupportSurface] = Field(default_factory=list)
    constraints: list[str] = Field(default_factory=list)
    do_not_do: list[str] = Field(default_factory=list)


class Orientation(_Strict):
    constraint: OrientationConstraint
    notes: str = ""


class Scale(_Strict):
    priority: ScalePriority
    notes: str = ""


class Comparison(_Strict):
    to: str
    confidence: Confidence
    evidence: str = ""


class RelativeScale(_Strict):
    class_: RelativeScaleClass = Field(alias="class")
    evidence: str = ""
    comparisons: list[Comparison] = Field(default_factory=list)


class MaterialProfile(_Strict):
    primary: MaterialPrimary
    sheen: Sheen
    transparency: Transparency
    notes: str = ""


class SurfaceBehavior(_Strict):
    kind: str
    strength: Strength
    notes: str = ""


class LightingBehavior(_Strict):
    kind: str
    notes: str = ""


class RenderBehavior(_Strict):
    surface: list[SurfaceBehavior] = Field(default_factory=list)
    lighting: list[LightingBehavior] = Field(default_factory=list)
    interaction_rules: list[str] = Field(default_factory=list)
    cropping_policy: CroppingPolicy


class ProductPlacementFacts(_Strict):
    """What LLM #1 extracts about a product; `unknowns` names what it could not."""

    identity: Identity
    dimensions_cm: DimensionsCm
    weight_class: WeightClass
    deformability: Deformability
    placement: Placement
    orientation: Orientation
    scale: Scale
    relative_scale: RelativeScale
    material_profile: MaterialProfile
    render_behavior: RenderBehavior
    scale_guardrails: str = ""
    affordances: list[str] = Field(default_factory=list)
    unknowns: list[str] = Field(default_factory=list)


class VariantPrompt(_Strict):
    id: str
    variation: str = Field(min_length=1)


class PromptPack(_Strict):
    """What LLM #2 builds: one product context and exactly V01..V08, in order."""

    product_context: str = Field(min_length=1)
    variants: list[VariantPrompt]

    @model_validator(mode="after")
    def _exactly_v01_to_v08(self) -> PromptPack:
        ids = [v.id for v in self.variants]
        if tuple(ids) != VARIANT_IDS:
            unknown = sorted(set(ids) - set(VARIANT_IDS))
            duplicated = sorted({i for i in ids if ids.count(i) > 1})
            missing = [i for i in VARIANT_IDS if i not in ids]
            details = []
            if unknown:
                details.append(f"unknown ids {unknown}")
            if duplicated:
                details.append(f"duplicated ids {duplicated}")
            if missing:
                details.append(f"missing ids {missing}")
            if not details:
                details.append("ids out of order")
            raise ValueError(
                "variants must be exactly V01..V08 once each, in order: "
                + "; ".join(details)
            )
        return self


def response_json_schema(model: type[BaseModel]) -> dict:
    """`model`'s JSON Schema cut to the keywords Gemini's `responseJsonSchema` takes.

    Every property is required, so the model writes each field (empty or
    "unknown" rather than absent); defaults and string lengths, which the API
    does not take, are left to our own validation of the answer.
    """
    return _json_schema_subset(model.model_json_schema(by_alias=True))


# What the Developer API documents for responseJsonSchema; anything else is refused.
JSON_SCHEMA_KEYWORDS = frozenset(
    {
        "$id", "$defs", "$ref", "$anchor", "type", "format", "title",
        "description", "enum", "items", "prefixItems", "minItems", "maxItems",
        "minimum", "maximum", "anyOf", "oneOf", "properties",
        "additionalProperties", "required", "propertyOrdering",
    }
)  # fmt: skip


def _json_schema_subset(node: dict) -> dict:
    if "$ref" in node:
        # A $ref admits no sibling keywords but other `$` ones.
        return {k: v for k, v in node.items() if k.startswith("$")}
    out: dict = {}
    for key, value in node.items():
        if key not in JSON_SCHEMA_KEYWORDS:
            continue
        if key in ("properties", "$defs"):
            value = {name: _json_schema_subset(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            value = _json_schema_subset(value)
        elif key in ("anyOf", "oneOf", "prefixItems"):
            value = [_json_schema_subset(sub) for sub in value]
        out[key] = value
    if "properties" in out:
        out["required"] = list(out["properties"])
    return out
