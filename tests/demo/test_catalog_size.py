"""A large demo catalog (seed_demo --catalog-size) and prepare_catalog over it."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from assets.models import AssetStatus, ProductAsset
from demo.catalog import GENERATED_ID_BASE, DemoCatalog

pytestmark = pytest.mark.django_db


def _all(catalog: DemoCatalog) -> list:
    return catalog.list_products(limit=250).products


def test_generated_products_extend_the_drawn_ones(demo_shop, media_root):
    catalog = DemoCatalog()

    assert catalog.add_generated(8) == 8

    products = _all(catalog)
    assert len(products) == 6 + 8
    generated = [p for p in products if int(p.id) > GENERATED_ID_BASE]
    assert sorted(int(p.id) - GENERATED_ID_BASE for p in generated) == list(range(1, 9))
    assert len({p.handle for p in products}) == len(products)
    for product in generated:
        photo = media_root / "demo" / "products" / f"{product.handle}.jpg"
        assert photo.stat().st_size > 0
        assert "see-it-live" not in product.tags
        assert " No. " in product.title


def test_growing_again_adds_only_what_is_missing(demo_shop):
    catalog = DemoCatalog()
    catalog.add_generated(3)

    assert catalog.add_generated(3) == 0
    assert catalog.add_generated(5) == 2
    assert len(_all(catalog)) == 6 + 5


def test_seed_demo_refuses_a_negative_size(demo_shop):
    with pytest.raises(CommandError, match="--catalog-size must be 0 or more"):
        call_command("seed_demo", "--no-superuser", "--catalog-size", "-1")


def test_prepare_catalog_queues_the_unprepared_up_to_the_limit(
    demo_shop, django_capture_on_commit_callbacks
):
    DemoCatalog().add_generated(4)
    out = io.StringIO()

    # Tasks run inline in the test settings (once the queueing commits): queued
    # means prepared here.
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "prepare_catalog",
            "--shop",
            demo_shop.shop_domain,
            "--unprepared",
            "--limit",
            "3",
            stdout=out,
        )

    assert out.getvalue().startswith("Queued 3 product(s).")
    assets = ProductAsset.objects.filter(shop=demo_shop)
    assert assets.filter(status=AssetStatus.READY).count() == 3
    # A second run takes the next ones, not the same three again.
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "prepare_catalog",
            "--shop",
            demo_shop.shop_domain,
            "--limit",
            "2",
            stdout=out,
        )
    assert assets.filter(status=AssetStatus.READY).count() == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shop", "nope.myshopify.com"], "No installed shop 'nope.myshopify.com'."),
        (["--limit", "0"], "--limit must be at least 1."),
    ],
)
def test_prepare_catalog_refuses_bad_arguments(demo_shop, args, message):
    if "--shop" not in args:
        args = ["--shop", demo_shop.shop_domain, *args]
    with pytest.raises(CommandError, match=message):
        call_command("prepare_catalog", *args)
    assert not ProductAsset.objects.exists()
