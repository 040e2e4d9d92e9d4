"""Product preparation end to end: catalog → cutout → LLM #1 → resolver → LLM #2."""

from __future__ import annotations

import ast
import copy
import io
import json
import re

import pytest
from django.utils import timezone
from django_q.models import Schedule
from PIL import Image

from assets.models import AssetStatus, ProductAsset, PromptVersion
from assets.services.edits import asset_set_overrides, asset_upload_manual_cutout
from assets.services.preparation import (
    asset_prepare,
    asset_refresh_from_product_update,
    assets_prepare_batch,
    assets_reprepare_outdated,
)
from assets.services.status import InvalidTransition, asset_go_live
from demo.catalog import DemoCatalog
from seeitnow import storage
from seeitnow.ai.schema import VARIANT_IDS, ProductPlacementFacts, PromptPack
from seeitnow.http import AppError
from shops.models import UsageDaily
from tests.fakes.gemini import error_reply, json_reply, text_reply

pytestmark = pytest.mark.django_db

ARMCHAIR = "8000000001"
MIRROR = "8000000002"
TEXT_MODEL = "gemini-2.5-flash"


@pytest.fixture
def prepare(django_capture_on_commit_callbacks):
    """Queue a preparation and run it (q2 runs tasks inline in tests)."""

    def run(shop, product_id):
        with django_capture_on_commit_callbacks(execute=True):
            asset = asset_prepare(shop=shop, product_id=product_id)
        asset.refresh_from_db()
        return asset

    return run


def test_local_pipeline_prepares_a_demo_product(demo_shop, prepare):
    asset = prepare(demo_shop, ARMCHAIR)

    assert asset.status == AssetStatus.READY, asset.error_message
    assert asset.prep_strategy == "fallback"
    assert asset.product_title == "Harlow Velvet Armchair"
    assert asset.prepared_image_key == (
        f"shops/{demo_shop.pk}/products/{ARMCHAIR}/prepared-{asset.pk}.png"
    )
    cutout = Image.open(io.BytesIO(storage.read(asset.prepared_image_key)))
    assert cutout.mode == "RGBA"
    alpha = cutout.getchannel("A")
    assert alpha.getextrema() == (0, 255)
    facts = ProductPlacementFacts.model_validate(asset.extracted_facts)
    assert facts.dimensions_cm.h == 92
    assert asset.resolved_facts == asset.extracted_facts
    pack = PromptPack.model_validate(asset.prompt_pack)
    assert [v.id for v in pack.variants] == list(VARIANT_IDS)
    version = PromptVersion.objects.get()
    assert asset.prompt_pack_version == version.version == asset.prompt_version
    assert asset.extracted_at is not None
    assert asset.field_source["extracted_from"]["image"].startswith("file://")
    usage = UsageDaily.objects.get(shop=demo_shop)
    assert (usage.prep_renders, usage.composite_renders) == (1, 0)


FACTS = {
    "identity": {
        "title": "Harlow Velvet Armchair",
        "product_kind": "armchair",
        "visual_description": "Curved dusty-pink velvet armchair on slim brass legs.",
        "category_path": ["furniture", "seating"],
        "style_cues": ["mid-century"],
    },
    "dimensions_cm": {"h": 92, "w": 80, "d": 78, "diameter": None, "thickness": None},
    "weight_class": "heavy",
    "deformability": "semi_rigid",
    "placement": {
        "allowed_modes": [{"mode": "floor", "confidence": "high", "evidence": "chair"}],
        "support_surfaces": [
            {"surface": "floor", "confidence": "high", "evidence": "legs"}
        ],
        "constraints": [],
        "do_not_do": ["do not place on a table"],
    },
    "orientation": {"constraint": "upright_only", "notes": ""},
    "scale": {"priority": "prefer_true_to_dimensions", "notes": ""},
    "relative_scale": {"class": "medium", "evidence": "92 cm", "comparisons": []},
    "material_profile": {
        "primary": "fabric",
        "sheen": "matte",
        "transparency": "opaque",
        "notes": "velvet",
    },
    "render_behavior": {
        "surface": [],
        "lighting": [],
        "interaction_rules": [],
        "cropping_policy": "never_crop_product",
    },
    "scale_guardrails": "Size against the sofa.",
    "affordances": ["sitting"],
    "unknowns": [],
}
PACK = {
    "product_context": "A velvet armchair, 80 cm wide and 92 cm tall.",
    "variants": [{"id": vid, "variation": f"Variation {vid}."} for vid in VARIANT_IDS],
}


def _facts_for_schema():
    # The schema is strict: fill every field the fake must return.
    base = ProductPlacementFacts.model_validate({**FACTS}).model_dump(mode="json")
    return base


def test_gemini_pipeline_prepares_a_product(demo_shop, prepare, fake_gemini):
    fake_gemini.queue(TEXT_MODEL, json_reply(_facts_for_schema()), json_reply(PACK))

    asset = prepare(demo_shop, ARMCHAIR)

    assert asset.status == AssetStatus.READY, asset.error_message
    assert asset.prep_strategy == "batch"
    assert asset.extracted_facts["material_profile"]["notes"] == "velvet"
    guardrail = asset.resolved_facts["scale_guardrails"]
    assert guardrail.startswith("a medium armchair, 92 cm high, 80 cm wide")
    assert asset.prompt_pack == {
        "product_context": (
            "Appearance: Curved dusty-pink velvet armchair on slim brass legs.\n"
            "A velvet armchair, 80 cm wide and 92 cm tall.\n"
            "Framing: the whole product stays inside the frame; if it does not fit "
            "at its target size, use a spot where it does, else scale it down; "
            "never crop it."
        ),
        "variants": [
            {"id": vid, "variation": f"Variation {vid}.\nRelative scale: {guardrail}"}
            for vid in VARIANT_IDS
        ],
    }
    extractor, builder = fake_gemini.generate_calls(TEXT_MODEL)
    kinds = [part[0] for part in extractor.part_summary()]
    assert kinds[0] == "inline"  # the product photo goes with the text
    assert "Harlow Velvet Armchair" in str(extractor.part_summary())
    assert "Variant intents" in str(builder.part_summary())


@pytest.mark.parametrize(
    ("replies", "message"),
    [
        (
            # An answer cut at the output token limit: the realistic bad JSON.
            [text_reply(json.dumps(FACTS)[:200])],
            "The AI step failed (ai_bad_response)",
        ),
        (
            [json_reply(FACTS), json_reply({**PACK, "variants": PACK["variants"][:7]})],
            "missing ids ['V08']",
        ),
    ],
    ids=["extractor-truncated-json", "builder-seven-variants"],
)
def test_bad_ai_answers_fail_the_asset_with_a_clear_message(
    demo_shop, prepare, fake_gemini, replies, message
):
    fake_gemini.queue(TEXT_MODEL, *replies)

    asset = prepare(demo_shop, ARMCHAIR)

    assert asset.status == AssetStatus.FAILED
    assert message in asset.error_message
    assert asset.retry_count == 1
    assert asset.prompt_pack is None
    # Not worth retrying automatically: the same answer would come back.
    assert not Schedule.objects.filter(
        func="assets.tasks.retry_preparation_task"
    ).exists()


def test_rate_limited_extractor_succeeds_through_the_client_retry(
    demo_shop, prepare, fake_gemini
):
    fake_gemini.queue(TEXT_MODEL, error_reply(429), json_reply(FACTS), json_reply(PACK))

    asset = prepare(demo_shop, ARMCHAIR)

    assert asset.status == AssetStatus.READY, asset.error_message
    assert len(fake_gemini.generate_calls(TEXT_MODEL)) == 3


def test_unavailable_ai_fails_and_schedules_a_bounded_retry(
    demo_shop, prepare, fake_gemini, settings
):
    settings.GEMINI_RETRY_ATTEMPTS = 1
    fake_gemini.queue(TEXT_MODEL, error_reply(503))

    asset = prepare(demo_shop, ARMCHAIR)

    assert asset.status == AssetStatus.FAILED
    assert "ai_unavailable" in asset.error_message
    [retry] = Schedule.objects.filter(func="assets.tasks.retry_preparation_task")
    assert retry.func == "assets.tasks.retry_preparation_task"
    asset_id, request_id = ast.literal_eval(retry.args)
    assert asset_id == str(asset.pk)
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert retry.schedule_type == Schedule.ONCE
    delay = (retry.next_run - timezone.now()).total_seconds()
    assert 20 < delay <= 30


def test_prepare_refuses_bad_requests_and_changes_nothing(demo_shop, prepare):
    with pytest.raises(AppError) as info:
        asset_prepare(shop=demo_shop, product_id="not-a-number")
    assert (info.value.code, info.value.status) == ("invalid_product_id", 400)
    assert not demo_shop.product_assets.exists()

    asset = asset_prepare(shop=demo_shop, product_id=ARMCHAIR)  # queued, not run
    with pytest.raises(InvalidTransition, match="already being prepared"):
        asset_prepare(shop=demo_shop, product_id=ARMCHAIR)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.PREPARING


def test_a_product_missing_from_the_catalog_fails_readably(demo_shop, prepare):
    asset = prepare(demo_shop, "8999999999")
    assert asset.status == AssetStatus.FAILED
    assert asset.error_message == "This product no longer exists in the store."


def test_batch_prepare_reports_what_it_queued_and_skipped(
    demo_shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = assets_prepare_batch(
            shop=demo_shop, product_ids=[ARMCHAIR, MIRROR, ARMCHAIR, "abc"]
        )
    assert result == {
        "queued": [ARMCHAIR, MIRROR],
        "skipped": [
            {
                "product_id": "abc",
                "error": "invalid_product_id",
                "message": "Product id must be numeric.",
            }
        ],
    }
    assert len(callbacks) == 2


def test_overrides_are_stored_as_a_diff_and_rebuild_the_pack(demo_shop, prepare):
    asset = prepare(demo_shop, ARMCHAIR)
    extracted = copy.deepcopy(asset.extracted_facts)
    old_context = asset.prompt_pack["product_context"]

    asset = asset_set_overrides(
        shop=demo_shop,
        asset=asset,
        overrides={
            "dimensions_cm": {"h": 120},
            "material_profile": {"primary": "leather"},
        },
    )
    assert asset.merchant_overrides == {
        "dimensions_cm": {"h": 120},
        "material_profile": {"primary": "leather"},
    }
    assert asset.extracted_facts == extracted
    assert asset.resolved_facts["dimensions_cm"]["h"] == 120
    assert asset.resolved_facts["dimensions_cm"]["w"] == extracted["dimensions_cm"]["w"]
    assert asset.resolved_facts["material_profile"]["primary"] == "leather"
    assert asset.prompt_pack["product_context"] != old_context

    # Removing the override restores the extracted value.
    asset = asset_set_overrides(shop=demo_shop, asset=asset, overrides={})
    assert asset.merchant_overrides is None
    assert asset.resolved_facts == extracted


def test_edits_rebuild_with_the_see_it_now_instructions_only(demo_shop, prepare):
    asset = prepare(demo_shop, ARMCHAIR)
    # The legacy column may hold the original app's JSON: never a prompt.
    ProductAsset.objects.filter(pk=asset.pk).update(
        render_instructions='{"scene": "legacy"}',
        render_instructions_see_it_now="Always by the window.",
    )
    asset.refresh_from_db()

    asset = asset_set_overrides(shop=demo_shop, asset=asset, overrides={})

    context = asset.prompt_pack["product_context"]
    assert "Merchant instructions: Always by the window." in context
    assert "legacy" not in context


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"weight_class": "feather"}, "weight_class"),
        ({"dimensions_cm": {"h": "tall"}}, "dimensions_cm.h"),
    ],
)
def test_invalid_overrides_are_refused_and_nothing_changes(
    demo_shop, prepare, overrides, field
):
    asset = prepare(demo_shop, ARMCHAIR)
    before = (asset.merchant_overrides, asset.resolved_facts, asset.prompt_pack)
    with pytest.raises(AppError) as info:
        asset_set_overrides(shop=demo_shop, asset=asset, overrides=overrides)
    assert (info.value.code, info.value.status) == ("invalid_overrides", 400)
    assert info.value.extra["field"] == field
    asset.refresh_from_db()
    assert (asset.merchant_overrides, asset.resolved_facts, asset.prompt_pack) == before


def _png(alpha: bool = True) -> bytes:
    image = Image.new(
        "RGBA" if alpha else "RGB", (64, 64), (0, 0, 0, 0) if alpha else 0
    )
    if alpha:
        for x in range(16, 48):
            for y in range(16, 48):
                image.putpixel((x, y), (200, 30, 30, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_manual_cutout_replaces_the_cutout_and_survives_re_preparation(
    demo_shop, prepare
):
    asset = prepare(demo_shop, ARMCHAIR)
    asset = asset_upload_manual_cutout(shop=demo_shop, asset=asset, data=_png())
    assert asset.prep_strategy == "manual"
    manual = storage.read(asset.prepared_image_key)

    asset = prepare(demo_shop, ARMCHAIR)
    assert asset.status == AssetStatus.READY
    assert asset.prep_strategy == "manual"
    assert storage.read(asset.prepared_image_key) == manual


def test_an_invalid_manual_cutout_is_refused(demo_shop, prepare):
    asset = prepare(demo_shop, ARMCHAIR)
    before = storage.read(asset.prepared_image_key)
    with pytest.raises(AppError) as info:
        asset_upload_manual_cutout(shop=demo_shop, asset=asset, data=_png(alpha=False))
    assert info.value.code == "invalid_cutout"
    asset.refresh_from_db()
    assert asset.prep_strategy == "fallback"
    assert storage.read(asset.prepared_image_key) == before


def test_a_live_product_comes_back_live_after_re_preparation(demo_shop, prepare):
    asset = asset_go_live(asset=prepare(demo_shop, ARMCHAIR))
    assert "see-it-live" in DemoCatalog().get_product(ARMCHAIR).tags

    asset = prepare(demo_shop, ARMCHAIR)

    assert (asset.status, asset.enabled) == (AssetStatus.LIVE, True)


def test_product_update_webhook_re_prepares_only_on_a_real_change(
    demo_shop, prepare, django_capture_on_commit_callbacks
):
    asset = prepare(demo_shop, ARMCHAIR)
    product = DemoCatalog().get_product(ARMCHAIR)
    payload = {
        "id": int(ARMCHAIR),
        "title": product.title,
        "body_html": product.description,
        "product_type": product.product_type,
        "vendor": product.vendor,
        "tags": ", ".join(product.tags),
        "image": {"src": product.featured_image + "?v=123"},
    }
    assert asset_refresh_from_product_update(shop=demo_shop, payload=payload) is False
    # Going live adds our storefront tag: that is not an edit of the product.
    asset_go_live(asset=asset)
    tagged = {**payload, "tags": payload["tags"] + ", see-it-live"}
    assert asset_refresh_from_product_update(shop=demo_shop, payload=tagged) is False

    with django_capture_on_commit_callbacks(execute=False):
        changed = asset_refresh_from_product_update(
            shop=demo_shop, payload={**payload, "title": "Harlow Armchair, green"}
        )
    assert changed is True
    asset.refresh_from_db()
    assert asset.status == AssetStatus.PREPARING


def test_outdated_products_are_found_and_re_prepared(
    demo_shop, prepare, django_capture_on_commit_callbacks
):
    asset = prepare(demo_shop, ARMCHAIR)
    PromptVersion.objects.create(
        version=asset.prompt_pack_version + 1,
        global_hash="x",
        extractor_hash="y",
        builder_hash="z",
        config_snapshot={},
    )
    with django_capture_on_commit_callbacks(execute=False):
        result = assets_reprepare_outdated(shop=demo_shop)
    assert result == {"queued": [ARMCHAIR], "skipped": []}


def test_a_prompt_configuration_change_makes_products_outdated(
    demo_shop, prepare, settings, staff_client
):
    from django.urls import reverse

    from assets.selectors import assets_outdated

    asset = prepare(demo_shop, ARMCHAIR)
    assert list(assets_outdated(shop=demo_shop)) == []

    settings.GEMINI_TEXT_MODEL = "gemini-next-flash"  # a new configuration deployed

    assert list(assets_outdated(shop=demo_shop)) == [asset]
    url = reverse("admin:assets_productasset_changelist")
    outdated = staff_client.get(url, {"prompts": "outdated"})
    current = staff_client.get(url, {"prompts": "current"})
    assert asset.product_title in outdated.content.decode()
    assert asset.product_title not in current.content.decode()


def test_success_resets_the_automatic_retry_budget(demo_shop, prepare):
    asset = prepare(demo_shop, "8999999999")  # not in the catalog: fails
    assert asset.retry_count == 1
    asset.product_id = ARMCHAIR
    asset.save(update_fields=["product_id"])
    asset = prepare(demo_shop, ARMCHAIR)
    assert (asset.status, asset.retry_count) == (AssetStatus.READY, 0)
