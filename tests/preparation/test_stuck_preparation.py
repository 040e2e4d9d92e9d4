"""Security review: a preparation never stays `preparing` for good."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django_q.models import Schedule

from assets.models import AssetStatus, ProductAsset
from assets.services.preparation import asset_prepare
from assets.signals import STUCK_SWEEP_SCHEDULE_NAME
from assets.tasks import fail_stuck_preparations, stuck_after_s
from demo.catalog import DemoCatalog
from seeitnow.logging import bind_request_id
from shops.catalog import catalog_register
from tests.factories import make_asset, make_shop

pytestmark = pytest.mark.django_db

ARMCHAIR = "8000000001"


@pytest.fixture
def catalog_with(demo_shop, media_root):
    """Serve the demo shop's products through `change(product)` for one test."""

    def install(change):
        class Catalog(DemoCatalog):
            def get_product(self, product_id):
                product = super().get_product(product_id)
                return change(product) if product is not None else None

        catalog_register(shop_domain=demo_shop.shop_domain, factory=Catalog)

    yield install
    catalog_register(shop_domain=demo_shop.shop_domain, factory=DemoCatalog)


def _prepare(shop, capture):
    with capture(execute=True):
        asset = asset_prepare(shop=shop, product_id=ARMCHAIR)
    asset.refresh_from_db()
    return asset


def test_an_undecodable_secondary_image_fails_the_asset(
    demo_shop, media_root, catalog_with, django_capture_on_commit_callbacks
):
    garbage = media_root / "demo" / "products" / "not-an-image.jpg"
    garbage.write_bytes(b"<html>404</html>")
    catalog_with(lambda p: dataclasses.replace(p, images=[*p.images, garbage.as_uri()]))
    asset = _prepare(demo_shop, django_capture_on_commit_callbacks)
    assert (asset.status, asset.error_message) == (
        AssetStatus.FAILED,
        "A product image could not be read.",
    )
    # Failed, not stuck: the merchant can prepare it again.
    catalog_register(shop_domain=demo_shop.shop_domain, factory=DemoCatalog)
    assert _prepare(demo_shop, django_capture_on_commit_callbacks).status == "ready"


def test_an_unexpected_error_fails_the_asset_with_a_reference(
    demo_shop, catalog_with, django_capture_on_commit_callbacks, caplog
):
    # Tags and metafields of None (a catalog bug) raise TypeError deep in the
    # run: an error no step handles.
    catalog_with(lambda p: dataclasses.replace(p, tags=None, metafields=None))
    with bind_request_id("req-stuck-1"):
        asset = _prepare(demo_shop, django_capture_on_commit_callbacks)
    assert (asset.status, asset.error_message) == (
        AssetStatus.FAILED,
        "Preparation failed unexpectedly. Try again; if it keeps failing, contact "
        "support with reference req-stuck-1.",
    )
    crash = [r for r in caplog.records if r.getMessage() == "preparation crashed"]
    assert len(crash) == 1 and crash[0].exc_info is not None


def test_sweeper_fails_only_preparations_older_than_the_task_can_run():
    shop = make_shop()
    now = timezone.now()
    limit = timedelta(seconds=stuck_after_s())
    old = make_asset(shop=shop, status=AssetStatus.PREPARING)
    young = make_asset(shop=shop, status=AssetStatus.PREPARING)
    ready = make_asset(shop=shop, status=AssetStatus.READY)
    ProductAsset.objects.filter(pk__in=[old.pk, ready.pk]).update(
        updated_at=now - limit - timedelta(seconds=1)
    )
    ProductAsset.objects.filter(pk=young.pk).update(
        updated_at=now - limit + timedelta(seconds=1)
    )
    assert fail_stuck_preparations(now=now) == 1
    statuses = {
        a.pk: (a.status, a.error_message, a.retry_count)
        for a in ProductAsset.objects.filter(shop=shop)
    }
    assert statuses[old.pk] == (
        "failed",
        "Preparation did not finish in time. Try again.",
        1,
    )
    assert statuses[young.pk][0] == "preparing"
    assert statuses[ready.pk][0] == "ready"
    assert fail_stuck_preparations(now=now) == 0


def test_stuck_sweep_is_scheduled_by_migrate():
    schedule = Schedule.objects.get(name=STUCK_SWEEP_SCHEDULE_NAME)
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "assets.tasks.fail_stuck_preparations",
        Schedule.MINUTES,
        5,
    )
    assert stuck_after_s() == 2 * django_settings.Q_TASK_TIMEOUT_S + 60
