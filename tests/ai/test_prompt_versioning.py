"""Every input that shapes a prompt makes a new PromptVersion that keeps its texts."""

from __future__ import annotations

import hashlib

import pytest

from assets.models import PromptVersion
from assets.prompts import PROMPT_CODE, config_snapshot, prompt_texts, texts
from assets.versions import ensure_prompt_version, prompt_version_texts
from seeitnow.ai import base, rules
from seeitnow.ai.local import builder as local_builder
from seeitnow.ai.schema import ProductPlacementFacts


def _sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def _set_attr(module, name, value):
    return lambda mp: mp.setattr(module, name, value)


def _set_item(mapping, key, value):
    return lambda mp: mp.setitem(mapping, key, value)


def _other_schema(mp):
    # Another response schema for the extractor, as a new field would make.
    schema = {"type": "object", "properties": {"nickname": {"type": "string"}}}
    mp.setattr(
        ProductPlacementFacts,
        "model_json_schema",
        classmethod(lambda cls, **kw: schema),
    )


CHANGES = {
    "global rules": _set_attr(texts, "GLOBAL_RENDER_RULES", "Edit image 2."),
    "extractor": _set_attr(texts, "EXTRACTOR_INSTRUCTIONS", "Read the listing."),
    "builder": _set_attr(texts, "BUILDER_INSTRUCTIONS", "Write prompts."),
    "assembly template": _set_attr(texts, "ASSEMBLY_TEMPLATE", "{rules}{variation}"),
    "upscale instruction": _set_attr(rules, "UPSCALE_INSTRUCTION", "Sharpen."),
    "temperature": _set_attr(base, "TEXT_TEMPERATURE", 0.7),
    "variant intent": _set_item(
        rules.VARIANT_INTENTS,
        "V02",
        {**rules.VARIANT_INTENTS["V02"], "scale_text": "a bit smaller"},
    ),
    "material rules": _set_item(rules.MATERIAL_RULES, "glass", ("glass is glass",)),
    "guardrail": _set_item(rules.SCALE_GUARDRAILS, "large", "large: big"),
    "kind ranges": _set_attr(rules, "KIND_SIZE_RANGES", ()),
    "size words": _set_attr(rules, "SIZE_WORDS", ()),
    "anchors": _set_attr(rules, "SIZE_ANCHORS_CM", (("a door", 210.0),)),
    "cropping rules": _set_item(rules.CROPPING_RULES, "allow_small_crop", "crop"),
    "local templates": _set_item(local_builder._MODE_TEXT, "wall", "on a wall"),
    "response schema": _other_schema,
}


@pytest.mark.django_db
@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_prompt_shaping_input_makes_a_new_version(change, monkeypatch):
    first = ensure_prompt_version()
    change(monkeypatch)
    second = ensure_prompt_version()
    assert second.version == first.version + 1
    assert second.config_snapshot != first.config_snapshot


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [CHANGES["variant intent"], CHANGES["material rules"], CHANGES["guardrail"]],
    ids=["variant intent", "material rules", "guardrail"],
)
def test_rule_changes_move_the_builder_hash(change, monkeypatch):
    first = ensure_prompt_version()
    change(monkeypatch)
    second = ensure_prompt_version()
    assert second.builder_hash != first.builder_hash
    assert second.global_hash == first.global_hash


@pytest.mark.django_db
def test_hashes_are_sha256_of_the_stored_texts():
    row = ensure_prompt_version()
    stored = row.config_snapshot["texts"]
    assert row.global_hash == _sha(stored["global"])
    assert row.extractor_hash == _sha(stored["extractor"])
    assert row.builder_hash == _sha(stored["builder"])
    assert stored["global"].startswith(texts.GLOBAL_RENDER_RULES)
    assert stored["extractor"].startswith(texts.EXTRACTOR_INSTRUCTIONS)
    assert stored["builder"].startswith(texts.BUILDER_INSTRUCTIONS)


@pytest.mark.django_db
def test_an_old_versions_texts_are_retrievable(monkeypatch):
    old = ensure_prompt_version()
    old_texts = prompt_texts()
    monkeypatch.setattr(texts, "BUILDER_INSTRUCTIONS", "Write prompts, briefly.")
    new = ensure_prompt_version()

    assert prompt_version_texts(version=old.version) == old_texts
    assert prompt_version_texts(version=new.version)["builder"].startswith(
        "Write prompts, briefly."
    )
    with pytest.raises(PromptVersion.DoesNotExist):
        prompt_version_texts(version=99)


@pytest.mark.django_db
def test_a_row_with_hashes_only_says_so():
    PromptVersion.objects.create(
        version=1,
        global_hash="a" * 64,
        extractor_hash="b" * 64,
        builder_hash="c" * 64,
        config_snapshot={"models": {}},
    )
    with pytest.raises(LookupError, match="kept hashes only"):
        prompt_version_texts(version=1)


def test_the_code_that_formats_prompts_is_hashed_by_name():
    code = config_snapshot()["texts"]["code"]
    for module, names in PROMPT_CODE.items():
        for name in names:
            assert f'"{module}.{name}"' in code
