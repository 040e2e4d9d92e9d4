"""The structured-output requests as Gemini's Developer API receives them.

The fake refuses what the real API refuses: proto `responseSchema` fields it does
not know (`additionalProperties`), JSON Schema keywords outside the documented
subset, and answers that constrained decoding could never produce.
"""

from __future__ import annotations

import json

import pytest
from google import genai
from google.genai import errors, types

from seeitnow.ai.base import AIError
from seeitnow.ai.schema import (
    JSON_SCHEMA_KEYWORDS,
    ProductPlacementFacts,
    PromptPack,
    response_json_schema,
)
from tests.ai.test_gemini import (
    FACTS,
    TEXT_MODEL,
    _extract,
    _pack,
)
from tests.fakes.gemini import json_reply


def _keywords(node, found=None):
    found = set() if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for sub in value.values():
                    _keywords(sub, found)
            else:
                found.add(key)
                _keywords(value, found)
    elif isinstance(node, list):
        for item in node:
            _keywords(item, found)
    return found


@pytest.mark.parametrize("model", [ProductPlacementFacts, PromptPack])
def test_wire_schema_uses_only_documented_keywords(model):
    schema = response_json_schema(model)

    assert _keywords(schema) <= JSON_SCHEMA_KEYWORDS
    assert "default" not in json.dumps(schema)


def test_every_property_is_required_so_the_model_writes_each_field():
    schema = response_json_schema(ProductPlacementFacts)

    assert schema["required"] == [
        field.alias or name
        for name, field in ProductPlacementFacts.model_fields.items()
    ]
    dims = schema["$defs"]["DimensionsCm"]
    assert dims["required"] == ["h", "w", "d", "diameter", "thickness"]
    assert dims["properties"]["h"]["anyOf"] == [{"type": "number"}, {"type": "null"}]


def test_extractor_request_is_accepted_and_typed_by_json_schema(fake_gemini, provider):
    fake_gemini.queue(TEXT_MODEL, json_reply(FACTS))

    _extract(provider)

    [call] = fake_gemini.generate_calls()
    config = call.body["generationConfig"]
    assert set(config) == {"responseMimeType", "responseJsonSchema", "temperature"}
    assert config["responseJsonSchema"] == response_json_schema(ProductPlacementFacts)
    assert config["temperature"] == 0.2


def _raw_client(fake_gemini):
    return genai.Client(
        api_key=fake_gemini.api_key,
        http_options=types.HttpOptions(
            base_url=fake_gemini.url,
            api_version="v1beta",
            retry_options=types.HttpRetryOptions(attempts=1),
        ),
    )


def test_fake_refuses_the_proto_schema_with_additional_properties(fake_gemini):
    """What every real extractor call got before: additionalProperties in a proto."""
    fake_gemini.queue(TEXT_MODEL, json_reply(FACTS))
    config = types.GenerateContentConfig(
        response_mime_type="application/json", response_schema=ProductPlacementFacts
    )

    client = _raw_client(fake_gemini)  # held: a dropped client closes its pool
    with pytest.raises(errors.ClientError) as info:
        client.models.generate_content(
            model=TEXT_MODEL, contents="facts", config=config
        )

    assert info.value.code == 400
    assert 'Unknown name "additional_properties"' in info.value.message
    assert "generation_config.response_schema" in info.value.message


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (
            {"type": "object", "properties": {"a": {"type": "string", "pattern": "x"}}},
            "unsupported keyword 'pattern'",
        ),
        (
            {"$defs": {"A": {"type": "string"}}, "$ref": "#/$defs/A", "title": "A"},
            "$ref admits no sibling keywords",
        ),
    ],
    ids=["unknown-keyword", "ref-with-sibling"],
)
def test_fake_refuses_unsupported_json_schema(fake_gemini, schema, expected):
    config = types.GenerateContentConfig(
        response_mime_type="application/json", response_json_schema=schema
    )

    client = _raw_client(fake_gemini)  # held: a dropped client closes its pool
    with pytest.raises(errors.ClientError) as info:
        client.models.generate_content(model=TEXT_MODEL, contents="x", config=config)

    assert expected in info.value.message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({**FACTS, "weight_class": "enormous"}, "answer.weight_class: 'enormous'"),
        ({**FACTS, "colour": "brown"}, "unexpected property 'colour'"),
        ({k: v for k, v in FACTS.items() if k != "unknowns"}, "missing 'unknowns'"),
    ],
    ids=["bad-enum", "extra-field", "missing-field"],
)
def test_fake_never_answers_outside_the_schema(fake_gemini, provider, answer, expected):
    """Constrained decoding: a scripted answer the schema forbids is a test bug."""
    fake_gemini.queue(TEXT_MODEL, json_reply(answer))

    with pytest.raises(AIError) as info:
        _extract(provider)

    assert "scripted answer breaks the schema" in info.value.message
    assert expected in info.value.message


def test_builder_request_is_accepted(fake_gemini, provider):
    fake_gemini.queue(TEXT_MODEL, json_reply(_pack()))

    provider.build_prompt_pack(
        resolved_facts=FACTS, instructions="You write prompts.", context="Facts"
    )

    [call] = fake_gemini.generate_calls()
    schema = call.body["generationConfig"]["responseJsonSchema"]
    assert schema == response_json_schema(PromptPack)
    assert call.body["generationConfig"]["temperature"] == 0.2
    assert schema["$defs"]["VariantPrompt"]["additionalProperties"] is False
