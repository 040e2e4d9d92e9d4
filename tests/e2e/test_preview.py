"""The storefront preview in Chromium, running the theme app extension's widget:
shop front → product → sample room → variants rendered by the local pipeline →
choose one → add it to the cart; errors in the shopper's language. Screenshots of
every screen, on a phone and a desktop, land in /tmp/widget-shots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

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
SCREENSHOTS = "/tmp/widget-shots"
ARMCHAIR = "8000000001"
DEVICES = {
    "desktop": {"width": 1280, "height": 800},
    "mobile": {"width": 375, "height": 812},
}

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
)


def screenshots() -> Path:
    path = Path(SCREENSHOTS)
    path.mkdir(exist_ok=True)
    return path


def shot(page, name: str) -> None:
    page.wait_for_timeout(450)  # let fades and the progress bar settle
    page.screenshot(path=str(screenshots() / f"{name}.png"))


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium through Playwright. Database changes a test needs are made
    before entering: Django refuses ORM calls while Playwright's loop runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


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


@pytest.mark.parametrize("device", DEVICES)
def test_shopper_sees_the_armchair_in_a_sample_room_and_adds_it_to_the_cart(
    storefront, device
):
    from playwright.sync_api import expect, sync_playwright

    viewport = DEVICES[device]
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


@pytest.mark.parametrize("device", DEVICES)
def test_french_error_screens_are_french_end_to_end(
    storefront, demo_shop, device, tmp_path
):
    from playwright.sync_api import expect

    # The shop is out of renders: the real API answers 402 quota_exceeded.
    demo_shop.daily_quota = 0
    demo_shop.save(update_fields=["daily_quota"])
    not_a_photo = tmp_path / "piece.jpg"
    not_a_photo.write_bytes(b"these bytes are not an image " * 40)
    with chromium() as browser:
        page = browser.new_page(viewport=DEVICES[device])
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{storefront}/preview/products/harlow-velvet-armchair?locale=fr")
        page.get_by_role("button", name="Voir chez moi").click()
        dialog = page.get_by_role("dialog", name="Voir chez moi")
        with page.expect_response(
            lambda r: r.url.endswith("/see-it-now/render")
        ) as answered:
            dialog.get_by_role(
                "button", name="Utiliser la pièce d'exemple : Living room"
            ).click()
        assert answered.value.status == 402
        body = answered.value.json()
        assert body["error"] == "quota_exceeded"
        alert = dialog.get_by_role("alert")
        expect(alert.locator("[data-error-title]")).to_have_text(
            "Cette boutique a atteint sa limite d'aperçus"
        )
        expect(alert.locator("[data-error-message]")).to_have_text(
            "Veuillez réessayer plus tard."
        )
        assert body["message"] not in alert.inner_text()
        expect(alert.get_by_role("button", name="Réessayer")).to_be_visible()
        expect(
            dialog.get_by_role("heading", name="Choisissez une pièce")
        ).to_be_visible()
        shot(page, f"{device}-fr-error-quota")

        # An unreadable photo: the API's invalid_image, worded in French too.
        with page.expect_response(
            lambda r: r.url.endswith("/room/confirm")
        ) as confirmed:
            dialog.locator("input[type=file]:not([capture])").set_input_files(
                str(not_a_photo)
            )
        assert confirmed.value.json()["error"] == "invalid_image"
        expect(alert.locator("[data-error-title]")).to_have_text(
            "Nous n'avons pas pu lire cette photo"
        )
        expect(alert.locator("[data-error-message]")).to_have_text(
            "Essayez une photo JPEG, PNG, WebP ou HEIC de votre pièce."
        )
        shot(page, f"{device}-fr-error-photo")

        # A code this widget has never heard of: a French title, and the server's
        # own message as the only text there is.
        page.route(
            "**/see-it-now/render",
            lambda route: route.fulfill(
                status=409,
                json={"error": "brand_new_code", "message": "Message du serveur"},
            ),
        )
        dialog.get_by_role(
            "button", name="Utiliser la pièce d'exemple : Bedroom"
        ).click()
        expect(alert.locator("[data-error-title]")).to_have_text(
            "Un problème est survenu"
        )
        expect(alert.locator("[data-error-message]")).to_have_text("Message du serveur")
        assert errors == []


def test_the_widget_speaks_spanish_from_room_to_result(storefront):
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport=DEVICES["mobile"])
        page.goto(f"{storefront}/preview/products/harlow-velvet-armchair?locale=es")
        expect(page.locator(".locales [aria-current]")).to_have_text("ES")
        page.get_by_role("button", name="Verlo en mi casa").click()
        dialog = page.get_by_role("dialog", name="Verlo en mi casa")
        expect(
            dialog.get_by_role("heading", name="Elige una habitación")
        ).to_be_focused()
        shot(page, "mobile-es-room")
        dialog.get_by_role(
            "button", name="Usar la habitación de ejemplo: Dining room"
        ).click()
        expect(dialog.locator("[data-progress-text]")).to_contain_text(
            "8 vistas previas listas", timeout=60_000
        )
        expect(dialog.locator("[data-caption]")).to_contain_text("1 de 8")
        shot(page, "mobile-es-gallery")
        dialog.get_by_role("button", name="Elegir esta").click()
        expect(dialog.get_by_role("heading", name="Buena elección")).to_be_visible(
            timeout=30_000
        )
        expect(dialog.get_by_role("button", name="Añadir al carrito")).to_be_visible()
        expect(dialog.get_by_role("button", name="Descargar")).to_be_visible()
        page.wait_for_function(
            "document.querySelector('[data-final]').naturalWidth > 0"
        )
        shot(page, "mobile-es-done")
