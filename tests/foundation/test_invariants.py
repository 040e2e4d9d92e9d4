"""SPEC §3 invariants: the database (or the one service) refuses the bad change."""

from __future__ import annotations

import io
import itertools

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import RestrictedError

from assets.models import AssetStatus, ProductAsset, PromptVersion
from assets.services.status import (
    InvalidTransition,
    asset_disable,
    asset_enable,
    asset_mark_failed,
    asset_mark_preparing,
    asset_mark_ready,
)
from renders.models import RenderJob, RenderRun, RoomSession, VariantResult
from shops.models import Shop, UsageDaily
from tests.factories import (
    make_asset,
    make_prompt_version,
    make_ready_asset,
    make_render_job,
    make_room,
    make_run,
    make_usage,
    make_variant,
)

pytestmark = pytest.mark.django_db


def refused(fn) -> bool:
    try:
        with transaction.atomic():
            fn()
    except IntegrityError:
        return True
    return False


def test_one_default_asset_per_product(shop, other_shop):
    make_asset(shop=shop, product_id="42")
    assert refused(lambda: make_asset(shop=shop, product_id="42"))
    # Non-default siblings, other products and other shops are fine.
    make_asset(shop=shop, product_id="42", is_default=False)
    make_asset(shop=shop, product_id="43")
    make_asset(shop=other_shop, product_id="42")
    assert ProductAsset.objects.filter(shop=shop, product_id="42").count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "archived"},
        {"prep_strategy": "magic"},
        {"status": AssetStatus.LIVE, "prepared_image_key": None},
    ],
    ids=["unknown-status", "unknown-strategy", "live-without-cutout"],
)
def test_asset_rows_the_database_refuses(shop, fields):
    assert refused(lambda: make_asset(shop=shop, **fields))
    assert not ProductAsset.objects.exists()


def test_run_and_variant_status_and_uniqueness(shop):
    asset = make_ready_asset(shop=shop)
    room = make_room(shop=shop)
    assert refused(lambda: make_run(asset=asset, room=room, status="pending"))
    run = make_run(asset=asset, room=room)
    assert refused(lambda: make_variant(run=run, status="skipped"))
    assert refused(lambda: make_variant(run=run, output_image_key=None))
    make_variant(run=run, variant_id="V01")
    assert refused(lambda: make_variant(run=run, variant_id="V01"))
    assert VariantResult.objects.count() == 1


def test_shop_plan_and_usage_constraints(shop):
    assert refused(lambda: Shop.objects.filter(pk=shop.pk).update(plan="platinum"))
    make_usage(shop=shop)
    assert refused(lambda: make_usage(shop=shop))
    assert refused(
        lambda: UsageDaily.objects.filter(shop=shop).update(composite_renders=-1)
    )


LEGAL = {
    (AssetStatus.UNPREPARED, AssetStatus.PREPARING),
    (AssetStatus.FAILED, AssetStatus.PREPARING),
    (AssetStatus.READY, AssetStatus.PREPARING),
    (AssetStatus.PREPARING, AssetStatus.READY),
    (AssetStatus.PREPARING, AssetStatus.FAILED),
    (AssetStatus.READY, AssetStatus.LIVE),
    (AssetStatus.LIVE, AssetStatus.READY),
}
SERVICES = {
    AssetStatus.PREPARING: lambda a: asset_mark_preparing(asset=a),
    AssetStatus.FAILED: lambda a: asset_mark_failed(asset=a, error_message="boom"),
    AssetStatus.LIVE: lambda a: asset_enable(asset=a),
}


def _service_for(source: str, target: str):
    if target == AssetStatus.READY:
        return (
            (lambda a: asset_disable(asset=a))
            if source == AssetStatus.LIVE
            else (lambda a: asset_mark_ready(asset=a))
        )
    return SERVICES[target]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (s, t)
        for s, t in itertools.product(AssetStatus.values, repeat=2)
        if t
        in (
            AssetStatus.PREPARING,
            AssetStatus.READY,
            AssetStatus.FAILED,
            AssetStatus.LIVE,
        )
        and s != t
    ],
)
def test_status_transitions(shop, source, target):
    asset = make_ready_asset(shop=shop, status=source)
    before = ProductAsset.objects.values().get(pk=asset.pk)
    service = _service_for(source, target)
    if (source, target) in LEGAL:
        assert service(asset).status == target
    else:
        with pytest.raises(InvalidTransition) as info:
            service(asset)
        assert info.value.code == "invalid_transition"
        assert info.value.status == 409
        assert ProductAsset.objects.values().get(pk=asset.pk) == before


def test_failure_counts_retries_and_keeps_the_message(shop):
    asset = make_asset(shop=shop, status=AssetStatus.PREPARING)
    asset = asset_mark_failed(asset=asset, error_message="The photo has no background.")
    assert (asset.status, asset.retry_count, asset.error_message) == (
        "failed",
        1,
        "The photo has no background.",
    )
    asset = asset_mark_preparing(asset=asset)
    assert (asset.status, asset.retry_count, asset.error_message) == (
        "preparing",
        1,
        None,
    )


def test_enable_requires_a_render_ready_asset(shop):
    asset = make_asset(shop=shop, status=AssetStatus.READY, prepared_image_key="k.png")
    with pytest.raises(InvalidTransition, match="prepare it first"):
        asset_enable(asset=asset)
    asset.refresh_from_db()
    assert (asset.status, asset.enabled) == ("ready", False)
    ready = make_ready_asset(shop=shop)
    assert (asset_enable(asset=ready).status, ready.enabled) == ("live", True)
    assert (asset_disable(asset=ready).status, ready.enabled) == ("ready", False)


def test_prompt_versions_are_immutable():
    version = make_prompt_version()
    version.global_hash = "f" * 64
    with pytest.raises(PromptVersion.Immutable):
        version.save()
    with pytest.raises(PromptVersion.Immutable):
        PromptVersion.objects.filter(pk=version.pk).update(builder_hash="x")

    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE prompt_versions SET builder_hash = 'x'")

    with pytest.raises(Exception, match="immutable"), transaction.atomic():
        raw_update()
    assert PromptVersion.objects.get(pk=version.pk).global_hash == "a" * 64
    assert refused(lambda: make_prompt_version(version=version.version))


def test_an_asset_with_runs_cannot_be_deleted_alone(shop):
    asset = make_ready_asset(shop=shop)
    run = make_run(asset=asset, room=make_room(shop=shop))
    with pytest.raises(RestrictedError):
        asset.delete()
    assert ProductAsset.objects.filter(pk=asset.pk).exists()
    assert RenderRun.objects.filter(pk=run.pk).exists()
    lonely = make_asset(shop=shop)
    lonely.delete()
    assert not ProductAsset.objects.filter(pk=lonely.pk).exists()


def test_deleting_a_shop_deletes_everything_it_owns(shop, other_shop):
    def populate(owner):
        asset = make_ready_asset(shop=owner)
        room = make_room(shop=owner)
        run = make_run(asset=asset, room=room)
        for vid in ("V01", "V02"):
            make_variant(run=run, variant_id=vid)
        make_render_job(asset=asset, room=room)
        make_usage(shop=owner)

    populate(shop)
    populate(other_shop)
    models = [
        ProductAsset,
        RoomSession,
        RenderRun,
        VariantResult,
        RenderJob,
        UsageDaily,
    ]
    before = {m: m.objects.count() for m in models}

    shop.delete()

    for model in models:
        assert model.objects.count() == before[model] // 2, model.__name__
    assert not ProductAsset.objects.filter(shop__shop_domain=shop.shop_domain).exists()
    assert not VariantResult.objects.filter(render_run__shop_id=shop.pk).exists()


def test_access_tokens_are_encrypted_at_rest(shop):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token FROM shops WHERE id = %s",
            [shop.pk.hex if connection.vendor == "sqlite" else shop.pk],
        )
        stored = cursor.fetchone()[0]
    assert stored.startswith("fernet:")
    assert "shpat_test" not in stored
    assert Shop.objects.get(pk=shop.pk).access_token.startswith("shpat_test_")


def _raw_token(shop) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token FROM shops WHERE id = %s",
            [shop.pk.hex if connection.vendor == "sqlite" else shop.pk],
        )
        return cursor.fetchone()[0]


def test_rotating_the_encryption_key(shop, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    before = _raw_token(shop)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    # Both keys decrypt while the rotation runs.
    assert Shop.objects.get(pk=shop.pk).access_token == shop.access_token
    call_command("rotate_encryption_key", stdout=io.StringIO())
    after = _raw_token(shop)
    assert after != before
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert Shop.objects.get(pk=shop.pk).access_token == shop.access_token
