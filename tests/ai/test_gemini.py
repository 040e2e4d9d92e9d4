"""GeminiProvider: the real google-genai client against the fake Gemini server."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from seeitnow.ai.base import AIError, ImageInput, ProductText, UploadedFile
from seeitnow.ai.gemini import UPSCALE_INSTRUCTION, GeminiProvider
from seeitnow.ai.schema import ProductPlacementFacts, PromptPack
from tests.ai.conftest import IMAGE_MODEL, TEXT_MODEL, UPSCALE_MODEL
from tests.fakes.gemini import (
    UPLOAD,
    blocked_reply,
    error_reply,
    finished_reply,
    image_reply,
    json_reply,
    make_jpeg,
    text_reply,
)

FACTS = {
    "identity": {
        "title": "Reclaimed teak console",
        "product_kind": "console table",
        "visual_description": "Long, low weathered teak console, two open shelves.",
        "category_path": ["furniture", "tables"],
        "style_cues": ["rustic"],
    },
    "dimensions_cm": {"h": 80, "w": 150, "d": 40, "diameter": None, "thickness": None},
    "weight_class": "heavy",
    "deformability": "rigid",
    "placement": {
        "allowed_modes": [
            {"mode": "floor", "confidence": "high", "evidence": "legs"},
        ],
        "support_surfaces": [
            {"surface": "floor", "confidence": "high", "evidence": "free standing"}
        ],
        "constraints": ["against a wall"],
        "do_not_do": ["float above the floor"],
    },
    "orientation": {"constraint": "upright_only", "notes": ""},
    "scale": {"priority": "strict_true_to_dimensions", "notes": ""},
    "relative_scale": {
        "class": "large",
        "evidence": "150 cm wide",
        "comparisons": [{"to": "sofa", "confidence": "medium", "evidence": ""}],
    },
    "material_profile": {
        "primary": "reclaimed_teak",
        "sheen": "matte",
        "transparency": "opaque",
        "notes": "patina",
    },
    "render_behavior": {
        "surface": [{"kind": "grain", "strength": "high", "notes": ""}],
        "lighting": [{"kind": "soft", "notes": ""}],
        "interaction_rules": ["contact shadow under the legs"],
        "cropping_policy": "never_crop_product",
    },
    "scale_guardrails": "large: size against doorways and sofas",
    "affordances": ["storage"],
    "unknowns": ["exact depth"],
}


def _pack(count: int = 8) -> dict:
    return {
        "product_context": "A reclaimed teak console, 150 cm wide.",
        "variants": [
            {"id": f"V0{i}", "variation": f"variation {i}"} for i in range(1, count + 1)
        ],
    }


def _png(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (120, 80, 40, 255)).save(out, "PNG")
    return out.getvalue()


PRODUCT = ImageInput(data=_png(), mime_type="image/png")
ROOM = ImageInput(data=make_jpeg((800, 600)), mime_type="image/jpeg")


def _render(provider, *, product=PRODUCT, room=ROOM, timeout_s=10.0, variant="V01"):
    return provider.render_variant(
        product_image=product,
        room_image=room,
        prompt=f"Place the console ({variant}).",
        aspect_ratio="4:3",
        variant_id=variant,
        facts=FACTS,
        timeout_s=timeout_s,
    )


def _extract(provider):
    return provider.extract_facts(
        product=ProductText(
            title="Reclaimed teak console",
            description="150 x 40 x 80 cm",
            product_type="Console",
            vendor="Teak & Co",
            tags=("teak", "console"),
            metafields={"custom.material": "teak"},
        ),
        images=[PRODUCT],
        instructions="You extract placement facts.",
    )


def _jpeg_size(data: bytes) -> tuple[str, tuple[int, int]]:
    with Image.open(io.BytesIO(data)) as im:
        return im.format, im.size


def test_model_for_reads_settings(provider):
    assert [provider.model_for(p) for p in ("text", "image", "upscale")] == [
        TEXT_MODEL,
        IMAGE_MODEL,
        UPSCALE_MODEL,
    ]
    with pytest.raises(ValueError):
        provider.model_for("video")


def test_provider_without_key_is_an_error(settings):
    settings.GEMINI_API_KEY = ""
    with pytest.raises(AIError) as info:
        GeminiProvider()
    assert info.value.code == "ai_error"


def test_extractor_parses_valid_answer(provider, fake_gemini):
    fake_gemini.queue(TEXT_MODEL, json_reply(FACTS))

    facts = _extract(provider)

    assert facts == ProductPlacementFacts.model_validate(FACTS)
    [call] = fake_gemini.generate_calls()
    assert call.path == f"/v1beta/models/{TEXT_MODEL}:generateContent"
    assert call.headers["x-goog-api-key"] == "test-key"
    assert call.body["systemInstruction"]["parts"] == [
        {"text": "You extract placement facts."}
    ]
    config = call.body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert "responseSchema" not in config
    relative_scale = config["responseJsonSchema"]["$defs"]["RelativeScale"]
    assert relative_scale["required"] == ["class", "evidence", "comparisons"]
    assert relative_scale["additionalProperties"] is False
    image, (kind, text) = call.part_summary()
    assert image == ("inline", "image/png", PRODUCT.data)
    assert kind == "text"
    assert text.startswith("Product data (JSON):\n")
    assert json.loads(text.split("\n", 1)[1]) == {
        "title": "Reclaimed teak console",
        "description": "150 x 40 x 80 cm",
        "product_type": "Console",
        "vendor": "Teak & Co",
        "tags": ["teak", "console"],
        "metafields": {"custom.material": "teak"},
    }


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ('{"identity": {"title": ', "extractor: invalid answer: answer: Invalid JSON"),
        ("", "extractor: the model returned no text"),
    ],
    ids=["truncated", "empty"],
)
def test_extractor_bad_answers(provider, fake_gemini, answer, expected):
    fake_gemini.queue(TEXT_MODEL, text_reply(answer))

    with pytest.raises(AIError) as info:
        _extract(provider)

    assert info.value.code == "ai_bad_response"
    assert info.value.retryable is False
    assert info.value.message.startswith(expected)


def test_rate_limit_then_success_is_retried(provider, fake_gemini):
    fake_gemini.queue(TEXT_MODEL, error_reply(429), json_reply(FACTS))

    assert _extract(provider) == ProductPlacementFacts.model_validate(FACTS)
    assert len(fake_gemini.generate_calls()) == 2


def test_server_errors_beyond_attempts_are_unavailable(provider, fake_gemini):
    fake_gemini.queue(TEXT_MODEL, *[error_reply(500, "backend hiccup")] * 4)

    with pytest.raises(AIError) as info:
        _extract(provider)

    assert (info.value.code, info.value.retryable) == ("ai_unavailable", True)
    assert info.value.message == "Gemini unavailable: 500 INTERNAL: backend hiccup"
    assert len(fake_gemini.generate_calls()) == 3


def test_persistent_rate_limit_is_rate_limited(provider, fake_gemini, settings):
    # Two pauses of the 0.01 s fallback delay fit this budget; the third doesn't.
    settings.GEMINI_RATE_LIMIT_MAX_WAIT_S = 0.025
    fake_gemini.queue(TEXT_MODEL, *[error_reply(429, "quota")] * 3)

    with pytest.raises(AIError) as info:
        _extract(provider)

    assert (info.value.code, info.value.retryable) == ("ai_rate_limited", True)


def test_client_error_is_not_retried_and_hides_the_key(provider, fake_gemini):
    fake_gemini.queue(TEXT_MODEL, error_reply(400, "API key test-key not valid."))

    with pytest.raises(AIError) as info:
        _extract(provider)

    assert (info.value.code, info.value.retryable) == ("ai_error", False)
    assert "test-key" not in str(info.value)
    assert info.value.message == (
        "Gemini rejected the request: 400 INVALID_ARGUMENT: API key [redacted] "
        "not valid."
    )
    assert len(fake_gemini.generate_calls()) == 1


def test_blocked_prompt_is_refused(provider, fake_gemini):
    fake_gemini.queue(TEXT_MODEL, blocked_reply("PROHIBITED_CONTENT"))

    with pytest.raises(AIError) as info:
        _extract(provider)

    assert info.value.code == "ai_refused"
    assert "PROHIBITED_CONTENT" in info.value.message


def test_builder_parses_valid_pack(provider, fake_gemini):
    fake_gemini.queue(TEXT_MODEL, json_reply(_pack()))

    pack = provider.build_prompt_pack(
        resolved_facts=FACTS, instructions="You write prompts.", context="Facts: {}"
    )

    assert pack == PromptPack.model_validate(_pack())
    [call] = fake_gemini.generate_calls()
    assert call.parts == [{"text": "Facts: {}"}]
    assert call.body["generationConfig"]["responseJsonSchema"]["required"] == [
        "product_context",
        "variants",
    ]


def test_builder_with_seven_variants_is_bad_response(provider, fake_gemini):
    fake_gemini.queue(TEXT_MODEL, json_reply(_pack(7)))

    with pytest.raises(AIError) as info:
        provider.build_prompt_pack(
            resolved_facts=FACTS, instructions="You write prompts.", context="Facts"
        )

    assert info.value.code == "ai_bad_response"
    assert info.value.message == (
        "prompt builder: invalid answer: answer: Value error, variants must be "
        "exactly V01..V08 once each, in order: missing ids ['V08']"
    )


def test_render_sends_product_room_prompt_inline(provider, fake_gemini):
    jpeg = _render(provider)

    assert _jpeg_size(jpeg) == ("JPEG", (1024, 768))
    [call] = fake_gemini.generate_calls()
    assert call.model == IMAGE_MODEL
    assert call.version == "v1beta"
    assert call.part_summary() == [
        ("inline", "image/png", PRODUCT.data),
        ("inline", "image/jpeg", ROOM.data),
        ("text", "Place the console (V01)."),
    ]
    assert call.body["generationConfig"] == {
        "responseModalities": ["TEXT", "IMAGE"],
        "imageConfig": {"aspectRatio": "4:3"},
    }
    assert call.headers["x-server-timeout"] == "10"


def test_render_references_uploaded_files_by_uri(provider, fake_gemini):
    product_file = provider.ensure_uploaded(image=PRODUCT, cached=None)
    room_file = provider.ensure_uploaded(image=ROOM, cached=None)
    product = ImageInput(PRODUCT.data, "image/png", file_uri=product_file.uri)
    room = ImageInput(ROOM.data, "image/jpeg", file_uri=room_file.uri)

    _render(provider, product=product, room=room)

    [call] = fake_gemini.generate_calls()
    assert call.part_summary() == [
        ("file", "image/png", product_file.uri),
        ("file", "image/jpeg", room_file.uri),
        ("text", "Place the console (V01)."),
    ]


def test_render_with_an_expired_file_is_an_error(provider, fake_gemini):
    uploaded = provider.ensure_uploaded(image=ROOM, cached=None)
    fake_gemini.expire_file("files/" + uploaded.uri.rsplit("/", 1)[1])
    room = ImageInput(ROOM.data, "image/jpeg", file_uri=uploaded.uri)

    with pytest.raises(AIError) as info:
        _render(provider, room=room)

    assert (info.value.code, info.value.retryable) == ("ai_error", False)
    assert "403 PERMISSION_DENIED" in info.value.message


def test_render_reencodes_png_answer_as_jpeg(provider, fake_gemini):
    fake_gemini.queue(
        IMAGE_MODEL,
        image_reply(text="Here you go.", size=(640, 480), mime_type="image/png"),
    )

    assert _jpeg_size(_render(provider)) == ("JPEG", (640, 480))


def test_render_without_image_reports_model_text(provider, fake_gemini):
    fake_gemini.queue(IMAGE_MODEL, text_reply("I can't place this product here."))

    with pytest.raises(AIError) as info:
        _render(provider)

    assert info.value.code == "ai_bad_response"
    assert info.value.message == (
        "render V01: no image in the answer; the model said: "
        "I can't place this product here."
    )


@pytest.mark.parametrize(
    "reply", [blocked_reply("SAFETY"), finished_reply("IMAGE_SAFETY")]
)
def test_render_safety_block_is_refused(provider, fake_gemini, reply):
    fake_gemini.queue(IMAGE_MODEL, reply)

    with pytest.raises(AIError) as info:
        _render(provider)

    assert (info.value.code, info.value.retryable) == ("ai_refused", False)


def test_render_retries_rate_limit_within_budget(provider, fake_gemini):
    fake_gemini.queue(IMAGE_MODEL, error_reply(429), error_reply(503))

    assert _jpeg_size(_render(provider)) == ("JPEG", (1024, 768))
    assert len(fake_gemini.generate_calls()) == 3


def test_render_slow_answer_times_out_within_budget(provider, fake_gemini):
    fake_gemini.queue(IMAGE_MODEL, image_reply(delay_s=5))

    with pytest.raises(AIError) as info:
        _render(provider, timeout_s=1.0)

    assert (info.value.code, info.value.retryable) == ("ai_timeout", True)
    # One call, told the budget (not the client's 10 s default) and not retried.
    [call] = fake_gemini.generate_calls()
    assert call.headers["x-server-timeout"] == "1"


def test_eight_concurrent_renders_share_one_provider(provider, fake_gemini):
    variants = [f"V0{i}" for i in range(1, 9)]
    fake_gemini.queue(IMAGE_MODEL, *[image_reply(delay_s=0.2) for _ in variants])

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda v: _render(provider, variant=v), variants))

    assert [_jpeg_size(r) for r in results] == [("JPEG", (1024, 768))] * 8
    prompts = sorted(c.parts[2]["text"] for c in fake_gemini.generate_calls())
    assert prompts == [f"Place the console ({v})." for v in variants]
    assert fake_gemini.max_in_flight == 8


def test_upscale_asks_upscale_model_for_same_frame(provider, fake_gemini):
    image = ImageInput(make_jpeg((1024, 768)), "image/jpeg")

    jpeg = provider.upscale(image=image, timeout_s=5)

    assert _jpeg_size(jpeg) == ("JPEG", (1024, 768))
    [call] = fake_gemini.generate_calls()
    assert call.model == UPSCALE_MODEL
    assert call.body["generationConfig"]["imageConfig"] == {
        "aspectRatio": "4:3",
        "imageSize": "2K",
    }
    # Only the instruction: a render brief would invite a re-composition.
    assert [p["text"] for p in call.parts[1:]] == [UPSCALE_INSTRUCTION]


def test_upload_then_reuse_then_reupload_near_expiry(provider, fake_gemini):
    first = provider.ensure_uploaded(image=ROOM, cached=None)

    name = "files/" + first.uri.rsplit("/", 1)[1]
    assert first.uri == fake_gemini.file_uri(name)
    assert fake_gemini.files[name].data == ROOM.data
    assert fake_gemini.files[name].meta["mimeType"] == "image/jpeg"
    lifetime = first.expires_at - timezone.now()
    assert timedelta(hours=47, minutes=59) < lifetime <= timedelta(hours=48)
    [start] = fake_gemini.upload_starts()
    assert start.headers["x-goog-upload-protocol"] == "resumable"
    assert start.headers["x-goog-upload-header-content-length"] == str(len(ROOM.data))

    still_valid = UploadedFile(first.uri, timezone.now() + timedelta(hours=2))
    assert provider.ensure_uploaded(image=ROOM, cached=still_valid) is still_valid
    assert len(fake_gemini.upload_starts()) == 1

    nearly_expired = UploadedFile(first.uri, timezone.now() + timedelta(minutes=30))
    second = provider.ensure_uploaded(image=ROOM, cached=nearly_expired)
    assert second.uri != first.uri
    assert second.expires_at > nearly_expired.expires_at
    assert len(fake_gemini.upload_starts()) == 2


def test_upload_retries_unavailable_then_succeeds(provider, fake_gemini):
    fake_gemini.queue(UPLOAD, error_reply(503))

    uploaded = provider.ensure_uploaded(image=PRODUCT, cached=None)

    assert uploaded.uri.startswith(f"{fake_gemini.url}/v1beta/files/")
    assert len(fake_gemini.upload_starts()) == 2


def test_upload_with_a_rejected_key_is_an_error(provider, fake_gemini):
    fake_gemini.api_key = "other-key"

    with pytest.raises(AIError) as info:
        provider.ensure_uploaded(image=ROOM, cached=None)

    assert info.value.code == "ai_error"
    assert info.value.message.endswith("API key not valid.")
