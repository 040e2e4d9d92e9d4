"""The storefront preview in Chromium: shop front → product → sample room →
variants rendered by the local pipeline → choose one."""

from __future__ import annotations

import os

import pytest
from django.db import transaction

from assets.models import AssetStatus
from assets.preparation import run_preparation
from assets.services import asset_begin_preparation, asset_go_live

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = "/tmp/preview-e2e.png"
ARMCHAIR = "8000000001"

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
)


@pytest.fixture
def storefront(live_server, demo_shop, settings):
    """The demo shop with the armchair prepared by the real local pipeline, served
    by the live server (signed storage URLs pointing at it)."""
    settings.ROOT_URLCONF = "tests.e2e.urls"
    settings.SHOPIFY_APP_URL = live_server.url
    with transaction.atomic():
        asset = asset_begin_preparation(shop=demo_shop, product_id=ARMCHAIR)
    asset = asset_go_live(asset=run_preparation(asset_id=asset.pk).asset)
    assert asset.status == AssetStatus.LIVE
    return live_server.url


def test_shopper_sees_the_armchair_in_a_sample_room(storefront):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))

            page.goto(f"{storefront}/preview/")
            expect(page.locator(".card")).to_have_count(6)
            armchair = page.locator(".card", has_text="Harlow Velvet Armchair")
            expect(armchair.locator(".badge--live")).to_be_visible()
            vase = page.locator(".card", has_text="Terra Glazed Vase")
            expect(vase.locator(".card__state")).to_have_text("Not prepared yet")

            armchair.click()
            expect(page.locator("h1")).to_have_text("Harlow Velvet Armchair")
            page.get_by_role("button", name="See it in your home").click()
            dialog = page.get_by_role("dialog", name="See it in your home")
            expect(dialog).to_be_visible()

            dialog.get_by_role(
                "button", name="Use the sample room: Living room"
            ).click()
            first = dialog.locator(".slide.is-loaded img").first
            expect(first).to_be_visible(timeout=60_000)
            assert first.evaluate("img => img.naturalWidth") > 0
            expect(dialog.locator(".slide.is-loading")).to_have_count(0, timeout=60_000)
            expect(dialog.locator("[data-progress-text]")).to_contain_text(
                "8 previews ready"
            )
            expect(dialog.locator("[data-caption]")).to_contain_text("1 of 8")
            page.screenshot(path=SCREENSHOT)

            dialog.get_by_role("button", name="Next image").click()
            expect(dialog.locator("[data-caption]")).to_contain_text("2 of 8")
            dialog.get_by_role("button", name="Choose this one").click()
            final = dialog.locator("[data-final]")
            expect(final).to_be_visible(timeout=30_000)
            page.wait_for_function(
                "document.querySelector('[data-final]').naturalWidth > 0"
            )
            expect(dialog.get_by_role("button", name="Download")).to_be_visible()
            assert errors == []
        finally:
            browser.close()


def test_an_unreadable_photo_shows_the_apis_message(storefront, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    not_a_photo = tmp_path / "room.jpg"
    not_a_photo.write_bytes(b"these bytes are not an image " * 40)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(f"{storefront}/preview/products/harlow-velvet-armchair")
            page.get_by_role("button", name="See it in your home").click()
            dialog = page.get_by_role("dialog", name="See it in your home")
            dialog.locator("input[type=file]:not([capture])").set_input_files(
                str(not_a_photo)
            )
            alert = dialog.get_by_role("alert")
            expect(alert).to_be_visible(timeout=30_000)
            expect(alert.locator("[data-error-title]")).to_have_text(
                "We couldn't read that photo"
            )
            expect(alert.locator("[data-error-message]")).not_to_be_empty()
            expect(dialog.get_by_role("heading", name="Pick a room")).to_be_visible()
            page.screenshot(path="/tmp/preview-e2e-error.png")
        finally:
            browser.close()
