"""POST /api/products/{id}/test-render: the eight variants in a room the merchant
picks, paid as preparation usage, never from the storefront's render quota."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assets.models import AssetStatus
from renders.models import TEST_RENDER_PREFIX, RenderRun, RoomSession
from shops.models import UsageDaily
from tests.factories import make_asset
from tests.render.scene import live_asset, room_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(installed):
    """Product 101, prepared (ready, not live), its cutout stored."""
    asset, _ = live_asset(shop=installed, product_id="101")
    asset.status = AssetStatus.READY
    asset.save(update_fields=["status"])
    return asset


def _post(client, auth, product_id="101", *, photo=None, content_type="image/jpeg"):
    files = {}
    if photo is not None:
        files["photo"] = SimpleUploadedFile("room.jpg", photo, content_type)
    return client.post(f"/api/products/{product_id}/test-render", files, **auth)


def _usage(shop) -> tuple[int, int]:
    rows = UsageDaily.objects.filter(shop=shop)
    return (
        sum(r.composite_renders for r in rows),
        sum(r.prep_renders for r in rows),
    )


def test_a_test_render_renders_eight_variants_and_counts_as_preparation(
    client, auth, ready, installed, django_capture_on_commit_callbacks
):
    installed.daily_quota = 0  # the storefront could not render at all today
    installed.save(update_fields=["daily_quota"])

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, auth, photo=room_jpeg((1200, 900)))

    assert response.status_code == 202, response.content
    body = response.json()
    run = RenderRun.objects.get()
    assert body == {
        "run_id": str(run.id),
        "status": "pending",
        "run_url": f"/api/monitor/run/{run.id}",
    }
    assert run.request_id.startswith(TEST_RENDER_PREFIX)
    followed = client.get(body["run_url"], **auth).json()
    assert followed["status"] == "complete"
    assert [v["status"] for v in followed["variants"]] == ["success"] * 8
    assert all(v["image_url"] for v in followed["variants"])
    assert _usage(installed) == (0, 1)


def test_a_test_render_that_fails_gives_back_no_storefront_quota(
    client, auth, ready, installed, django_capture_on_commit_callbacks, settings
):
    UsageDaily.objects.create(shop=installed, date=RenderRun().created_at.date())
    UsageDaily.objects.update(composite_renders=3)
    settings.GEMINI_API_KEY = "test-key"
    settings.GEMINI_BASE_URL = "http://127.0.0.1:9"  # nothing listens: all fail
    settings.GEMINI_RETRY_ATTEMPTS = 1
    settings.GEMINI_TIMEOUT_S = 1.0
    settings.RENDER_VARIANT_TIMEOUT_S = 1.0

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, auth, photo=room_jpeg())

    assert response.status_code == 202
    assert RenderRun.objects.get().status == "failed"
    assert _usage(installed) == (3, 1)


@pytest.mark.parametrize(
    ("photo", "content_type", "status", "error"),
    [
        (None, "image/jpeg", 400, "missing_file"),
        (b"%PDF-1.7 not a room", "application/pdf", 400, "invalid_content_type"),
        (b"\xff\xd8\xff\xe0 truncated", "image/jpeg", 400, "invalid_image"),
    ],
    ids=["no-photo", "pdf", "undecodable"],
)
def test_bad_photos_are_refused_and_leave_nothing(
    client, auth, ready, installed, photo, content_type, status, error
):
    response = _post(client, auth, photo=photo, content_type=content_type)

    assert response.status_code == status
    assert response.json()["error"] == error
    assert not RoomSession.objects.exists()
    assert not RenderRun.objects.exists()
    assert _usage(installed) == (0, 0)


def test_an_unprepared_product_cannot_be_test_rendered(client, auth, installed):
    make_asset(shop=installed, product_id="102")

    response = _post(client, auth, "102", photo=room_jpeg())

    assert response.status_code == 422
    assert response.json() == {
        "error": "product_not_enabled",
        "message": "See It Now is not enabled for this product.",
    }
    assert not RenderRun.objects.exists()


def test_another_shops_product_is_not_found(client, auth, other_shop):
    live_asset(shop=other_shop, product_id="555")

    response = _post(client, auth, "555", photo=room_jpeg())

    assert response.status_code == 404
    assert response.json()["error"] == "product_not_found"
    assert not RoomSession.objects.exists()


def test_without_a_session_token_it_is_401(client, ready):
    response = client.post(
        "/api/products/101/test-render",
        {"photo": SimpleUploadedFile("r.jpg", room_jpeg(), "image/jpeg")},
    )

    assert response.status_code == 401
    assert not RoomSession.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(client, auth, ready, settings):
    settings.ROOM_MAX_UPLOAD_BYTES = 2**20
    big = b"\xff\xd8\xff\xe0" + bytes(2**20)  # refused on size, before decoding

    response = _post(client, auth, photo=big)

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_image",
        "message": "The image is larger than 1 MB.",
    }
    assert not RoomSession.objects.exists()
