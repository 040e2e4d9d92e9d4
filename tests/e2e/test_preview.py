"""The storefront preview in Chromium, running the theme app extension's widget:
shop front → product → sample room → variants rendered by the local pipeline →
choose one → add it to the cart. Screenshots land in /tmp/see-it-now-screens."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import transaction

from assets.models import AssetStatus
from assets.pipeline.run import run_preparation
from assets.services.preparation import asset_begin_preparation
from assets.services.status import asset_go_live

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
SCREENSHOTS = "/tmp/see-it-now-screens"
ARMCHAIR = "8000000001"

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
)


def screenshots() -> Path:
    path = Path(SCREENSHOTS)
    path.mkdir(exist_ok=True)
    return path


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


@pytest.mark.parametrize(
    ("device", "viewport"),
    [
        ("desktop", {"width": 1280, "height": 800}),
        ("mobile", {"width": 390, "height": 844}),
    ],
)
def test_shopper_sees_the_armchair_in_a_sample_room_and_adds_it_to_the_cart(
    storefront, device, viewport
):
    from playwright.sync_api import expect, sync_playwright

    shots = screenshots()

    def shot(step: str) -> None:
        page.wait_for_timeout(450)  # let fades and the progress bar settle
        page.screenshot(path=str(shots / f"{device}-{step}.png"))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=viewport)
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
            expect(page.locator("[data-cart-count]")).to_have_text("0")
            shot("0-product")
            page.get_by_role("button", name="See it in your home").click()
            dialog = page.get_by_role("dialog", name="See it in your home")
            expect(dialog).to_be_visible()
            expect(dialog.get_by_role("heading", name="Pick a room")).to_be_focused()
            shot("1-room")

            dialog.get_by_role(
                "button", name="Use the sample room: Living room"
            ).click()
            shot("2-working")
            first = dialog.locator(".sin-slide.is-loaded img").first
            expect(first).to_be_visible(timeout=60_000)
            assert first.evaluate("img => img.naturalWidth") > 0
            expect(dialog.locator(".sin-slide.is-loading")).to_have_count(
                0, timeout=60_000
            )
            expect(dialog.locator("[data-progress-text]")).to_contain_text(
                "8 previews ready"
            )
            expect(dialog.locator("[data-caption]")).to_contain_text("1 of 8")
            shot("3-gallery")

            dialog.get_by_role("button", name="Next image").click()
            caption = dialog.locator("[data-caption]")
            expect(caption).to_contain_text("2 of 8")
            chosen = caption.inner_text().split(" · ")[0]
            dialog.get_by_role("button", name="Choose this one").click()
            final = dialog.locator("[data-final]")
            expect(final).to_be_visible(timeout=30_000)
            page.wait_for_function(
                "document.querySelector('[data-final]').naturalWidth > 0"
            )
            expect(dialog.get_by_role("button", name="Download")).to_be_visible()
            shot("4-done")

            # A cart refusal shows Shopify's description; the shopper can retry.
            widget = page.locator("[data-see-it-now]")
            widget.evaluate("root => { root.dataset.variantId = '999'; }")
            dialog.get_by_role("button", name="Add to cart").click()
            alert = dialog.get_by_role("alert")
            expect(alert.locator("[data-error-title]")).to_have_text(
                "This item couldn't be added to your cart"
            )
            expect(alert.locator("[data-error-message]")).to_have_text(
                "Cannot find variant"
            )
            expect(page.locator("[data-cart-count]")).to_have_text("0")
            widget.evaluate(f"root => {{ root.dataset.variantId = '{ARMCHAIR}01'; }}")

            # Add to cart goes to the shop's own /cart/add.js (the preview's fake),
            # then the widget tells the app so the merchant can count it.
            with (
                page.expect_response(
                    lambda r: r.url.endswith("/see-it-now/cart")
                ) as reported,
                page.expect_response(lambda r: r.url.endswith("/cart/add.js")) as added,
            ):
                dialog.get_by_role("button", name="Add to cart").click()
            response = added.value
            assert reported.value.status == 200
            assert reported.value.json()["variant_id"] == chosen
            assert urlsplit(response.url).path == "/preview/cart/add.js"
            assert response.request.method == "POST"
            assert response.request.post_data_json == {
                "items": [
                    {
                        "id": int(f"{ARMCHAIR}01"),
                        "quantity": 1,
                        "properties": {"_see_it_now_variant": chosen},
                    }
                ]
            }
            assert response.status == 200
            expect(alert).to_be_hidden()
            expect(dialog.get_by_role("status")).to_have_text("Added to your cart")
            expect(
                dialog.get_by_role("button", name="Added to your cart")
            ).to_be_disabled()
            expect(page.locator("[data-cart-count]")).to_have_text("1")
            shot("5-added")

            dialog.get_by_role("button", name="Close").click()
            expect(dialog).to_be_hidden()
            expect(
                page.get_by_role("button", name="See it in your home")
            ).to_be_focused()
            expect(page.get_by_label("Cart, 1 item")).to_be_visible()
            assert errors == []
        finally:
            browser.close()


def test_the_widget_speaks_french(storefront):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{storefront}/preview/products/harlow-velvet-armchair?locale=fr")
            page.get_by_role("button", name="Voir chez moi").click()
            dialog = page.get_by_role("dialog", name="Voir chez moi")
            expect(
                dialog.get_by_role("heading", name="Choisissez une pièce")
            ).to_be_visible()
            expect(
                dialog.get_by_role(
                    "button", name="Utiliser la pièce d'exemple : Bedroom"
                )
            ).to_be_visible()
            expect(dialog.get_by_role("button", name="Fermer")).to_be_visible()
            page.wait_for_timeout(450)  # let the dialog's entrance settle
            page.screenshot(path=str(screenshots() / "desktop-fr-room.png"))
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
            page.screenshot(path=str(screenshots() / "mobile-error.png"))
        finally:
            browser.close()
