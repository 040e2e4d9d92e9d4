"""Resolver: extracted facts + the merchant's sparse overrides → resolved facts."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from seeitnow.ai.rules import relative_scale_for, scale_guardrail_for
from seeitnow.ai.schema import ProductPlacementFacts

# An override value that sets a field back to null (unknown). A plain None in
# overrides means "no override" (keep the extracted value), so clearing needs
# its own marker; it keeps merchant_overrides a sparse JSON diff.
CLEAR: dict[str, bool] = {"$clear": True}


def is_clear(value: Any) -> bool:
    return value == CLEAR


class OverrideError(ValueError):
    """An override names a field the schema does not have, or a bad value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def resolve_facts(extracted: dict, overrides: dict | None) -> dict:
    """Deep merge: dicts recursively, lists and scalars replaced, None keeps,
    CLEAR sets null."""
    result = copy.deepcopy(extracted)
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if is_clear(value):
            result[key] = None
            continue
        current = result.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            result[key] = resolve_facts(current, value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def diff_overrides(extracted: dict, edited: dict) -> dict:
    """The sparse diff that turns `extracted` into `edited` under resolve_facts;
    a None in `edited` where `extracted` has a value becomes CLEAR."""
    diff: dict[str, Any] = {}
    for key, value in edited.items():
        current = extracted.get(key)
        if value is None:
            if current is not None or key not in extracted:
                diff[key] = dict(CLEAR)
        elif isinstance(value, dict) and isinstance(current, dict):
            nested = diff_overrides(current, value)
            if nested:
                diff[key] = nested
        elif key not in extracted or value != current:
            diff[key] = copy.deepcopy(value)
    return diff


def _model_fields(model: type[BaseModel]) -> dict[str, Any]:
    """Field name (by alias when it has one) → FieldInfo."""
    return {(info.alias or name): info for name, info in model.model_fields.items()}


def _check(model: type[BaseModel], diff: dict, prefix: str) -> None:
    fields = _model_fields(model)
    for key, value in diff.items():
        path = f"{prefix}{key}"
        info = fields.get(key)
        if info is None:
            raise OverrideError(path, "no such field")
        if value is None:
            continue
        annotation = info.annotation
        if is_clear(value):
            try:
                TypeAdapter(annotation).validate_python(None)
            except ValidationError as exc:
                raise OverrideError(path, "cannot be cleared: pick a value") from exc
            continue
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if not isinstance(value, dict):
                raise OverrideError(path, "must be an object")
            _check(annotation, value, f"{path}.")
            continue
        try:
            TypeAdapter(annotation).validate_python(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            detail = f"{first['msg']}" + (f" (at {where})" if where else "")
            raise OverrideError(path, detail) from exc


def validate_overrides(diff: dict) -> dict:
    """Check a sparse diff against the facts schema; raises OverrideError."""
    if not isinstance(diff, dict):
        raise OverrideError("(root)", "overrides must be an object")
    _check(ProductPlacementFacts, diff, "")
    return diff


def resolve_and_validate(extracted: dict, overrides: dict | None) -> dict:
    """Resolved facts, validated as ProductPlacementFacts; raises OverrideError."""
    validate_overrides(overrides or {})
    resolved = resolve_facts(extracted, overrides)
    try:
        facts = ProductPlacementFacts.model_validate(resolved).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        raise OverrideError(where, first["msg"]) from exc
    return with_scale_guardrail(facts, overrides or {})


def with_scale_guardrail(facts: dict, overrides: dict) -> dict:
    """`facts` with its size class and scale guardrail derived in code.

    A merchant who corrects the dimensions or the kind but not the class gets the
    class those facts call for; the guardrail is always rebuilt from the result,
    so it can never contradict the dimensions it sits next to.
    """
    class_set = "class" in (overrides.get("relative_scale") or {})
    size_edited = "dimensions_cm" in overrides or "product_kind" in (
        overrides.get("identity") or {}
    )
    if size_edited and not class_set:
        dims = [v for v in facts["dimensions_cm"].values() if v is not None and v > 0]
        facts["relative_scale"]["class"] = relative_scale_for(
            max(dims) if dims else None,
            kind=facts["identity"]["product_kind"],
            text=facts["identity"]["title"],
        )
    facts["scale_guardrails"] = scale_guardrail_for(facts)
    return facts
