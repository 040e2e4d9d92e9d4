"""Every staff page of the Django admin renders, with data in it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from assets.models import AssetStatus, ProductAsset
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


@pytest.fixture
def populated(shop):
    asset = make_ready_asset(shop=shop)
    room = make_room(shop=shop, canonical_room_image_key=f"rooms/{shop.pk}/r/c.jpg")
    run = make_run(asset=asset, room=room)
    make_variant(run=run, variant_id="V01")
    make_variant(run=run, variant_id="V02", status="timeout", output_image_key=None)
    make_render_job(asset=asset, room=room)
    make_usage(shop=shop, composite_renders=3)
    make_prompt_version()
    from shops.models import Session

    Session.objects.create(
        id="offline_" + shop.shop_domain,
        shop=shop.shop_domain,
        state="x",
        access_token="secret-token",
    )


def _registered_models():
    return [
        (model._meta.app_label, model._meta.model_name)
        for model in admin.site._registry
        if model._meta.app_label in {"shops", "assets", "renders"}
    ]


def test_all_nine_models_are_registered():
    assert len(_registered_models()) == 9


@pytest.mark.parametrize("app_label, model_name", _registered_models())
def test_changelist_and_change_pages_render(
    staff_client, populated, app_label, model_name
):
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    response = staff_client.get(changelist)
    assert response.status_code == 200
    model = admin.site._registry.keys()
    model = next(m for m in model if m._meta.model_name == model_name)
    obj = model.objects.first()
    change = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    response = staff_client.get(change)
    assert response.status_code == 200
    # Secrets are never shown to staff.
    assert b"secret-token" not in response.content
    assert b"shpat_test" not in response.content


def test_changelist_filters_and_search(staff_client, populated, shop):
    url = reverse("admin:assets_productasset_changelist")
    assert staff_client.get(url, {"status__exact": "ready"}).status_code == 200
    assert staff_client.get(url, {"q": "Product"}).status_code == 200
    runs = reverse("admin:renders_renderrun_changelist")
    response = staff_client.get(runs, {"progress": "running"})
    assert response.status_code == 200
    assert b"running" in response.content


def test_enable_and_disable_actions_go_through_the_services(staff_client, demo_shop):
    from demo.catalog import DemoCatalog

    ready = make_ready_asset(shop=demo_shop, product_id="8000000001")
    unprepared = make_asset(shop=demo_shop, product_id="8000000002")
    url = reverse("admin:assets_productasset_changelist")
    response = staff_client.post(
        url,
        {"action": "enable_selected", "_selected_action": [ready.pk, unprepared.pk]},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Enabled 1 product(s)." in text
    assert "cannot become live" in text
    statuses = dict(ProductAsset.objects.values_list("pk", "status"))
    assert statuses == {ready.pk: AssetStatus.LIVE, unprepared.pk: "unprepared"}
    assert "see-it-live" in DemoCatalog().get_product("8000000001").tags

    staff_client.post(
        url, {"action": "disable_selected", "_selected_action": [ready.pk]}
    )
    ready.refresh_from_db()
    assert (ready.status, ready.enabled) == ("ready", False)
    assert "see-it-live" not in DemoCatalog().get_product("8000000001").tags


def test_prepare_action_queues_preparation(
    staff_client, demo_shop, django_capture_on_commit_callbacks
):
    asset = make_asset(shop=demo_shop, product_id="8000000005")
    url = reverse("admin:assets_productasset_changelist")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(
            url,
            {"action": "prepare_selected", "_selected_action": [asset.pk]},
            follow=True,
        )
    assert "queued 1 product(s)" in response.content.decode()
    assert len(callbacks) == 1
    asset.refresh_from_db()
    assert asset.status == AssetStatus.PREPARING


def test_prompt_versions_are_read_only_for_staff(staff_client):
    version = make_prompt_version()
    assert (
        staff_client.get(reverse("admin:assets_promptversion_add")).status_code == 403
    )
    change = reverse("admin:assets_promptversion_change", args=[version.pk])
    response = staff_client.post(change, {"version": 99})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.version == 1


def test_deleting_a_shop_in_the_admin_removes_its_files(staff_client, shop, other_shop):
    from seeitnow import storage

    asset = make_ready_asset(shop=shop)
    room = make_room(shop=shop)
    run = make_run(asset=asset, room=room)
    keys = [
        asset.prepared_image_key,
        f"rooms/{shop.pk}/{room.pk}/canonical.jpg",
        f"see-it-now/{run.pk}/V01.jpg",
    ]
    kept = f"rooms/{other_shop.pk}/x/canonical.jpg"
    for key in [*keys, kept]:
        storage.save(key, b"\xff\xd8 image", content_type="image/jpeg")

    response = staff_client.post(
        reverse("admin:shops_shop_delete", args=[shop.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not any(storage.exists(key) for key in keys)
    assert storage.exists(kept)
    from shops.models import Shop

    assert list(Shop.objects.all()) == [other_shop]
