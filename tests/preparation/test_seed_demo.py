"""`seed_demo`: the demo shop prepared by the real pipeline, re-runnable."""

from __future__ import annotations

import io
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from assets.models import AssetStatus, ProductAsset
from demo.catalog import DemoCatalog
from seeitnow import storage
from shops.models import Shop


@pytest.mark.django_db
def test_seed_demo_prepares_the_demo_shop_and_is_idempotent(
    media_root, _demo_media_cache, settings
):
    shutil.copytree(_demo_media_cache, media_root / "demo")

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    shop = Shop.objects.get(shop_domain=settings.DEMO_SHOP_DOMAIN)
    assert (shop.plan, shop.daily_quota, shop.uninstalled_at) == ("pro", 100, None)
    assets = {a.product_id: a for a in ProductAsset.objects.filter(shop=shop)}
    statuses = sorted(a.status for a in assets.values())
    assert statuses == [AssetStatus.LIVE] * 5 + [AssetStatus.UNPREPARED]
    for asset in assets.values():
        if asset.status == AssetStatus.LIVE:
            assert storage.exists(asset.prepared_image_key)
            assert asset.is_render_ready
            assert asset.prep_strategy == "fallback"
            assert "see-it-live" in DemoCatalog().get_product(asset.product_id).tags
    assert assets["8000000006"].product_title == "Terra Glazed Vase"
    assert get_user_model().objects.filter(username="demo", is_superuser=True).exists()
    assert "Demo shop demo-shop.myshopify.com is ready." in out.getvalue()

    before = {a.pk: a.updated_at for a in ProductAsset.objects.all()}
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert {a.pk: a.updated_at for a in ProductAsset.objects.all()} == before
    assert out.getvalue().count("live (up to date)") == 5


@pytest.mark.django_db
def test_seed_demo_resumes_a_preparation_an_interrupted_run_left(
    media_root, _demo_media_cache
):
    shutil.copytree(_demo_media_cache, media_root / "demo")
    call_command("seed_demo", stdout=io.StringIO())
    ProductAsset.objects.filter(product_id="8000000001").update(
        status=AssetStatus.PREPARING, enabled=False
    )

    call_command("seed_demo", stdout=io.StringIO())

    asset = ProductAsset.objects.get(product_id="8000000001")
    assert (asset.status, asset.enabled) == (AssetStatus.LIVE, True)
