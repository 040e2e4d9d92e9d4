from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assets.pipeline.resolver import (
    CLEAR,
    OverrideError,
    diff_overrides,
    resolve_and_validate,
    resolve_facts,
    validate_overrides,
)
from seeitnow.ai.base import ProductText
from seeitnow.ai.local import LocalProvider


@pytest.fixture
def extracted():
    return (
        LocalProvider()
        .extract_facts(
            product=ProductText(title="Arched floor mirror W 80 x D 4 x H 180 cm"),
            images=[],
            instructions="",
        )
        .model_dump()
    )


def test_deep_merge_replaces_lists_and_keeps_siblings(extracted):
    overrides = {
        "dimensions_cm": {"h": 170.0},
        "identity": {"style_cues": ["modern"]},
        "relative_scale": {"class": "medium"},
    }
    resolved = resolve_facts(extracted, overrides)
    expected = copy.deepcopy(extracted)
    expected["dimensions_cm"]["h"] = 170.0
    expected["identity"]["style_cues"] = ["modern"]
    expected["relative_scale"]["class"] = "medium"
    assert resolved == expected
    assert extracted["dimensions_cm"]["h"] == 180.0  # input untouched


def test_lists_are_replaced_not_concatenated(extracted):
    modes = [{"mode": "wall", "confidence": "high", "evidence": "merchant"}]
    resolved = resolve_facts(extracted, {"placement": {"allowed_modes": modes}})
    assert resolved["placement"]["allowed_modes"] == modes
    assert resolved["placement"]["do_not_do"] == extracted["placement"]["do_not_do"]


def test_none_or_absent_override_keeps_extracted(extracted):
    resolved = resolve_facts(
        extracted, {"dimensions_cm": {"h": None}, "unknowns": None}
    )
    assert resolved == extracted
    assert resolve_facts(extracted, None) == extracted


def test_removing_an_override_restores_the_extracted_value(extracted):
    overrides = {"material_profile": {"primary": "glass", "sheen": "gloss"}}
    assert resolve_facts(extracted, overrides)["material_profile"]["primary"] == "glass"
    del overrides["material_profile"]["primary"]
    resolved = resolve_facts(extracted, overrides)
    assert resolved["material_profile"]["primary"] == "mirror"
    assert resolved["material_profile"]["sheen"] == "gloss"


def test_nested_enum_override_is_validated(extracted):
    resolved = resolve_and_validate(
        extracted, {"orientation": {"constraint": "free_rotation"}}
    )
    assert resolved["orientation"] == {"constraint": "free_rotation", "notes": ""}
    with pytest.raises(OverrideError) as err:
        resolve_and_validate(extracted, {"orientation": {"constraint": "sideways"}})
    assert err.value.field == "orientation.constraint"
    assert "upright_only" in str(err.value)


def test_clear_sets_a_value_back_to_null_and_diff_emits_it(extracted):
    assert extracted["dimensions_cm"]["h"] == 180.0
    edited = copy.deepcopy(extracted)
    edited["dimensions_cm"]["h"] = None
    diff = diff_overrides(extracted, edited)
    assert diff == {"dimensions_cm": {"h": CLEAR}}
    resolved = resolve_and_validate(extracted, diff)
    assert resolved["dimensions_cm"] == edited["dimensions_cm"]
    # The size class and guardrail are rebuilt from what is left (80 x 4 cm).
    assert resolved["relative_scale"]["class"] == "medium"
    derived = ("relative_scale", "scale_guardrails")
    assert {k: v for k, v in resolved.items() if k not in derived} == {
        k: v for k, v in edited.items() if k not in derived
    }
    # Clearing what is already unknown is no change at all.
    assert diff_overrides(edited, edited) == {}


@pytest.mark.parametrize(
    "diff,field",
    [
        ({"weight_class": CLEAR}, "weight_class"),
        ({"material_profile": CLEAR}, "material_profile"),
    ],
)
def test_a_required_field_cannot_be_cleared(extracted, diff, field):
    with pytest.raises(OverrideError) as err:
        resolve_and_validate(extracted, diff)
    assert err.value.field == field
    assert err.value.message == "cannot be cleared: pick a value"


@pytest.mark.parametrize(
    "diff,field",
    [
        ({"colour": "red"}, "colour"),
        ({"dimensions_cm": {"length": 3}}, "dimensions_cm.length"),
        ({"dimensions_cm": {"h": "tall"}}, "dimensions_cm.h"),
        ({"relative_scale": {"class": "huge"}}, "relative_scale.class"),
        ({"weight_class": "feather"}, "weight_class"),
        ({"material_profile": "glass"}, "material_profile"),
        (
            {"placement": {"allowed_modes": [{"mode": "air", "confidence": "high"}]}},
            "placement.allowed_modes",
        ),
    ],
)
def test_validate_overrides_names_the_bad_field(diff, field):
    with pytest.raises(OverrideError) as err:
        validate_overrides(diff)
    assert isinstance(err.value, ValueError)
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: ")


def test_diff_is_sparse_and_round_trips(extracted):
    edited = copy.deepcopy(extracted)
    edited["dimensions_cm"]["h"] = 175.0
    edited["placement"]["constraints"] = ["anchor to the wall"]
    diff = diff_overrides(extracted, edited)
    assert diff == {
        "dimensions_cm": {"h": 175.0},
        "placement": {"constraints": ["anchor to the wall"]},
    }
    assert validate_overrides(diff) == diff
    assert resolve_facts(extracted, diff) == edited
    assert diff_overrides(extracted, extracted) == {}


_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from("abcde"), inner, max_size=4)
    ),
    max_leaves=12,
)
_docs = st.dictionaries(st.sampled_from("abcdef"), _values, max_size=5)
# The machine is shared: generation speed says nothing about the resolver.
_relaxed = hsettings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_relaxed
@given(_docs)
def test_resolve_with_no_overrides_is_identity(facts):
    assert resolve_facts(facts, {}) == facts


@_relaxed
@given(_docs, _docs)
def test_resolve_is_idempotent(facts, overrides):
    once = resolve_facts(facts, overrides)
    assert resolve_facts(once, overrides) == once


def _overlay(base: dict, top: dict) -> dict:
    """`top` laid over `base`: dicts merge, anything else (None too) replaces."""
    result = copy.deepcopy(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _overlay(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


@_relaxed
@given(_docs, _docs)
def test_diff_then_resolve_equals_the_edited_document(facts, edited):
    assert resolve_facts(facts, diff_overrides(facts, edited)) == _overlay(
        facts, edited
    )


def test_guardrail_is_rebuilt_from_the_merchants_dimensions(extracted):
    assert extracted["relative_scale"]["class"] == "large"
    assert extracted["scale_guardrails"].startswith(
        "a large floor mirror, 180 cm high, 80 cm wide, 4 cm deep; large:"
    )
    resolved = resolve_and_validate(
        extracted, {"dimensions_cm": {"h": 60.0, "w": 40.0}}
    )
    # A 60 cm mirror is below a floor mirror's typical range: one class down.
    assert resolved["relative_scale"]["class"] == "medium"
    assert resolved["scale_guardrails"] == (
        "a medium floor mirror, 60 cm high, 40 cm wide, 4 cm deep; "
        "medium: scale to the nearby furniture; its height is about "
        "0.3 x a standard interior door (about 200 cm high); "
        "0.7 x a kitchen bench top (about 90 cm high); "
        "0.8 x a dining table top (about 75 cm high)."
    )


def test_a_class_the_merchant_set_is_kept_and_the_guardrail_follows_it(extracted):
    resolved = resolve_and_validate(
        extracted,
        {"dimensions_cm": {"h": 60.0}, "relative_scale": {"class": "oversized"}},
    )
    assert resolved["relative_scale"]["class"] == "oversized"
    assert "an oversized floor mirror, 60 cm high" in resolved["scale_guardrails"]
    assert "oversized: dominates the space" in resolved["scale_guardrails"]


def test_an_llm_guardrail_sentence_is_replaced_by_the_computed_one(extracted):
    extracted["scale_guardrails"] = "tiny, put it on a shelf"
    resolved = resolve_and_validate(extracted, None)
    assert resolved["scale_guardrails"].startswith("a large floor mirror, 180 cm")
