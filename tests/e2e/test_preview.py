"""The storefront preview in Chromium, running the theme app extension's widget:
shop front → product → sample room → variants rendered by the local pipeline →
choose one → add it to the cart; errors in the shopper's language. Screenshots of
every screen, on a phone and a desktop, land in /tmp/widget-shots."""

from __future__ import annotations

import io
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction

from assets.models import AssetStatus
from assets.pipeline.run import run_preparation
from assets.services.preparation import asset_begin_preparation
from assets.services.status import asset_go_live
from renders.models import RoomSession
from seeitnow import storage
from shops.models import Shop, UsageDaily

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
LAMP = "8000000003"
ROOM_KEY = "see-it-now:room"
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


@pytest.fixture
def two_products(storefront, demo_shop):
    """The storefront with the table lamp live too: a second product to try."""
    with transaction.atomic():
        asset = asset_begin_preparation(shop=demo_shop, product_id=LAMP)
    asset = asset_go_live(asset=run_preparation(asset_id=asset.pk).asset)
    assert asset.status == AssetStatus.LIVE
    return storefront


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

            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            armchair.click()
            expect(page.locator("h1")).to_have_text("Harlow Velvet Armchair")
            # The block's loader renders nothing and fetches nothing until used.
            page.wait_for_load_state("networkidle")
            assert not [url for url in requested if "see-it-now-modal" in url]
            assert not [url for url in requested if "/apps/see-it/" in url]
            expect(page.locator("dialog")).to_have_count(0)
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
            # Polls are long polls, and thumbnails are the small renditions.
            polls = [url for url in requested if "/see-it-now/render/" in url]
            assert polls and all("wait=8" in url for url in polls)
            thumb_srcs = dialog.locator(".sin-thumb img").evaluate_all(
                "imgs => imgs.map(img => img.currentSrc || img.src)"
            )
            assert len(thumb_srcs) == 8
            assert all("/storage/read/" in src for src in thumb_srcs)
            thumb_bytes = page.evaluate(
                "src => fetch(src).then(r => r.arrayBuffer()).then(b => b.byteLength)",
                thumb_srcs[0],
            )
            assert 0 < thumb_bytes < 40_000

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
            expect(dialog.locator(".sin-ai-note")).to_have_text(
                "AI preview: colours and scale are approximate."
            )
            assert [url for url in requested if "see-it-now-modal" in url] == [
                f"{storefront}/preview/widget/see-it-now-modal.js"
            ]
            shot("4-done")

            # A cart refusal shows Shopify's description; the shopper can retry.
            # The widget adds the variant it rendered; an unknown one is forced
            # on the way out so the fake cart refuses it as Shopify does.
            def unknown_variant(route):
                body = route.request.post_data_json
                body["items"][0]["id"] = 999
                route.continue_(post_data=json.dumps(body))

            page.route("**/cart/add.js", unknown_variant)
            dialog.get_by_role("button", name="Add to cart").click()
            alert = dialog.get_by_role("alert")
            expect(alert.locator("[data-error-title]")).to_have_text(
                "This item couldn't be added to your cart"
            )
            expect(alert.locator("[data-error-message]")).to_have_text(
                "Cannot find variant"
            )
            expect(page.locator("[data-cart-count]")).to_have_text("0")
            page.unroute("**/cart/add.js")

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


def _spend_quota(shop_id) -> None:
    try:
        Shop.objects.filter(pk=shop_id).update(daily_quota=0)
    finally:
        connection.close()


@pytest.mark.parametrize("device", DEVICES)
def test_french_error_screens_are_french_end_to_end(
    storefront, demo_shop, device, tmp_path
):
    from playwright.sync_api import expect

    not_a_photo = tmp_path / "piece.jpg"
    not_a_photo.write_bytes(b"these bytes are not an image " * 40)
    with chromium() as browser:
        page = browser.new_page(viewport=DEVICES[device])
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{storefront}/preview/products/harlow-velvet-armchair?locale=fr")
        # The shop runs out of renders after the page was drawn (before the
        # storefront learns it and hides the button): the API answers 402. A
        # thread of its own, as Django refuses the ORM inside Playwright's loop.
        spend = threading.Thread(target=_spend_quota, args=(demo_shop.pk,))
        spend.start()
        spend.join()
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
        expect(dialog.locator(".sin-ai-note")).to_have_text(
            "Vista previa creada con IA: los colores y la escala son aproximados."
        )
        page.wait_for_function(
            "document.querySelector('[data-final]').naturalWidth > 0"
        )
        shot(page, "mobile-es-done")


def stored_room(page) -> dict | None:
    return page.evaluate(f"JSON.parse(localStorage.getItem({ROOM_KEY!r}))")


@pytest.mark.parametrize("device", DEVICES)
def test_one_room_serves_the_next_product_without_a_new_upload(two_products, device):
    from playwright.sync_api import expect

    storefront = two_products
    with chromium() as browser:
        page = browser.new_page(viewport=DEVICES[device])
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # Web Share as a phone has it, recording what the widget hands over.
        page.add_init_script(
            """
            window.__shared = [];
            navigator.canShare = (data) => !!data;
            navigator.share = async (data) => {
              window.__shared.push({
                title: data.title, text: data.text, url: data.url,
                files: (data.files || []).map((f) => [f.name, f.type, f.size > 0]),
              });
            };
            """
        )
        page.goto(f"{storefront}/preview/")
        page.locator(".card", has_text="Harlow Velvet Armchair").click()
        page.get_by_role("button", name="See it in your home").click()
        dialog = page.get_by_role("dialog", name="See it in your home")
        expect(dialog.get_by_role("button", name="Use my last room")).to_be_hidden()
        with page.expect_response(lambda r: r.url.endswith("/room/confirm")) as room:
            dialog.get_by_role(
                "button", name="Use the sample room: Living room"
            ).click()
        room_id = room.value.json()["room_session_id"]
        expect(dialog.locator("[data-progress-text]")).to_contain_text(
            "8 previews ready", timeout=60_000
        )
        dialog.get_by_role("button", name="Choose this one").click()
        expect(dialog.get_by_role("heading", name="Great choice")).to_be_visible(
            timeout=30_000
        )
        remembered = stored_room(page)
        assert remembered["room_session_id"] == room_id
        assert remembered["shop"] == "demo-shop.myshopify.com"
        hours_left = (remembered["expires_at"] / 1000 - time.time()) / 3600
        assert 23.9 < hours_left <= 24
        assert remembered["thumb"].startswith("data:image/jpeg;base64,")

        # Share: a link back to this product page, with the picture as a file.
        page.wait_for_function("document.querySelector('[data-final]').naturalWidth")
        share = dialog.get_by_role("button", name="Share")
        expect(share).to_be_visible()
        page.wait_for_timeout(300)  # the file is fetched as the screen opens
        share.click()
        page.wait_for_function("window.__shared.length === 1")
        (shared,) = page.evaluate("window.__shared")
        assert shared["url"] == f"{storefront}/preview/products/harlow-velvet-armchair"
        assert shared["text"] == "Harlow Velvet Armchair in my room"
        assert len(shared["files"]) == 1
        name, kind, not_empty = shared["files"][0]
        assert name.startswith("see-it-now-") and kind == "image/jpeg" and not_empty
        # Where files cannot be shared, the link goes alone.
        page.evaluate("() => { navigator.canShare = (data) => !data.files; }")
        share.click()
        page.wait_for_function("window.__shared.length === 2")
        assert page.evaluate("window.__shared[1].files") == []
        assert page.evaluate("window.__shared[1].url") == shared["url"]

        # "Try another product" goes back to the shop, keeping the room.
        dialog.get_by_role("button", name="Try another product in this room").click()
        expect(page).to_have_url(f"{storefront}/preview/")
        page.locator(".card", has_text="Marlow Ceramic Table Lamp").click()
        expect(page.locator("h1")).to_have_text("Marlow Ceramic Table Lamp")

        requests: list[tuple[str, str, str | None]] = []
        page.on(
            "request",
            lambda r: requests.append((r.method, r.url, r.post_data)),
        )
        page.get_by_role("button", name="See it in your home").click()
        dialog = page.get_by_role("dialog", name="See it in your home")
        use_last = dialog.get_by_role("button", name="Use my last room")
        expect(use_last).to_be_visible()
        expect(dialog.locator("[data-last-thumb]")).to_be_visible()
        # Offered first: before the sample rooms and the upload buttons.
        assert dialog.locator(".sin-last, .sin-rooms, .sin-upload").evaluate_all(
            "els => els.map(e => e.className.split(' ')[0])"
        ) == ["sin-last", "sin-rooms", "sin-upload"]
        shot(page, f"{device}-6-last-room")
        use_last.click()
        expect(dialog.locator("[data-progress-text]")).to_contain_text(
            "8 previews ready", timeout=60_000
        )
        shot(page, f"{device}-7-second-product-gallery")
        dialog.get_by_role("button", name="Choose this one").click()
        expect(dialog.get_by_role("heading", name="Great choice")).to_be_visible(
            timeout=30_000
        )
        page.wait_for_function("document.querySelector('[data-final]').naturalWidth")
        shot(page, f"{device}-8-second-product-done")

        # No new room: nothing uploaded or confirmed, the render names the old one.
        urls = [url for _, url, _ in requests]
        assert not [u for u in urls if "/room/" in u or "/storage/upload/" in u]
        assert not [m for m, _, _ in requests if m == "PUT"]
        (render,) = [
            json.loads(body)
            for method, url, body in requests
            if method == "POST" and url.endswith("/see-it-now/render")
        ]
        # The widget names the variant on the page (the preview's: product id + 01).
        assert render == {
            "room_session_id": room_id,
            "product_id": LAMP,
            "variant_id": f"{LAMP}01",
            "async": True,
        }
        assert errors == []


def test_a_stored_room_the_server_no_longer_has_falls_back_to_the_picker(storefront):
    from playwright.sync_api import expect

    product = f"{storefront}/preview/products/harlow-velvet-armchair"
    unknown = "6f1c1f8e-3a9b-4c55-9d2e-0b7f4a1c2d3e"
    with chromium() as browser:
        page = browser.new_page(viewport=DEVICES["mobile"])
        page.goto(product)

        def remember(entry: dict) -> None:
            page.evaluate(
                "([key, entry]) => localStorage.setItem(key, JSON.stringify(entry))",
                [ROOM_KEY, entry],
            )

        open_button = page.get_by_role("button", name="See it in your home")
        dialog = page.get_by_role("dialog", name="See it in your home")
        use_last = dialog.get_by_role("button", name="Use my last room")
        heading = dialog.get_by_role("heading", name="Pick a room")

        # Expired on this device: not offered, and dropped.
        expired = {"room_session_id": unknown, "shop": "demo-shop.myshopify.com"}
        remember(expired | {"expires_at": int(time.time() * 1000) - 1000})
        open_button.click()
        expect(heading).to_be_visible()
        expect(use_last).to_be_hidden()
        assert stored_room(page) is None
        dialog.get_by_role("button", name="Close").click()

        # Another shop's room on the same device: not offered either.
        later = int(time.time() * 1000) + 3_600_000
        remember(expired | {"shop": "other.myshopify.com", "expires_at": later})
        open_button.click()
        expect(use_last).to_be_hidden()
        dialog.get_by_role("button", name="Close").click()

        # Not expired here, unknown to the server: the render answers 404
        # room_not_found; the widget forgets it, no error, the picker is back.
        remember(expired | {"expires_at": later})
        open_button.click()
        expect(use_last).to_be_visible()
        with page.expect_response(
            lambda r: r.url.endswith("/see-it-now/render")
        ) as answered:
            use_last.click()
        assert answered.value.status == 404
        assert answered.value.json()["error"] == "room_not_found"
        expect(heading).to_be_visible()
        expect(use_last).to_be_hidden()
        expect(dialog.get_by_role("alert")).to_be_hidden()
        expect(
            dialog.get_by_role("button", name="Use the sample room: Bedroom")
        ).to_be_visible()
        assert stored_room(page) is None

        # "Forget it" drops a room the shopper no longer wants offered.
        remember(expired | {"expires_at": later})
        dialog.get_by_role("button", name="Close").click()
        open_button.click()
        dialog.get_by_role("button", name="Forget it").click()
        expect(use_last).to_be_hidden()
        assert stored_room(page) is None


@pytest.mark.time_machine("2026-11-18T12:00:00Z", tick=True)
def test_the_button_is_hidden_while_the_shops_quota_is_spent(storefront, demo_shop):
    from playwright.sync_api import expect

    shots = Path("/tmp/widget-shots")
    shots.mkdir(exist_ok=True)
    url = f"{storefront}/preview/products/harlow-velvet-armchair"
    UsageDaily.objects.update_or_create(
        shop=demo_shop,
        date="2026-11-18",
        defaults={"composite_renders": demo_shop.daily_quota},
    )
    with chromium() as browser:
        page = browser.new_page(viewport=DEVICES["desktop"])
        page.goto(url)
        expect(page.locator("[data-see-it-now-paused]")).to_be_visible()
        expect(page.locator("[data-see-it-now-open]")).to_have_count(0)
        page.screenshot(path=str(shots / "quota-spent.png"))
        page.close()
    UsageDaily.objects.filter(shop=demo_shop).update(composite_renders=0)
    with chromium() as browser:
        page = browser.new_page(viewport=DEVICES["desktop"])
        page.goto(url)
        expect(page.locator("[data-see-it-now-open]")).to_be_visible()
        expect(page.locator("[data-see-it-now-paused]")).to_have_count(0)
        page.screenshot(path=str(shots / "quota-left.png"))


def test_a_thumbnail_not_there_yet_shows_the_full_image(storefront):
    """Variants are announced before their thumbnails are made: a thumbnail the
    browser asks for too early (404 here, for every one) gives way to the full
    image, in the gallery (phone width picks the 400 px rendition) and the strip."""
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport=DEVICES["mobile"])
        thumbs: set[str] = set()
        refused: list[str] = []

        def noting_thumbnails(route) -> None:
            # The render and poll answers pass through; their thumb_urls are noted.
            response = route.fetch()
            if response.headers.get("content-type") == "application/json":
                for variant in response.json().get("variants", []):
                    thumbs.add(variant["thumb_url"])
            route.fulfill(response=response)

        def not_yet(route) -> None:
            refused.append(route.request.url)
            route.fulfill(status=404, body="not found")

        page.route("**/see-it-now/render**", noting_thumbnails)
        page.route(lambda url: url in thumbs, not_yet)
        page.goto(f"{storefront}/preview/products/harlow-velvet-armchair")
        page.get_by_role("button", name="See it in your home").click()
        dialog = page.get_by_role("dialog", name="See it in your home")
        dialog.get_by_role("button", name="Use the sample room: Living room").click()
        expect(dialog.locator(".sin-slide.is-loaded")).to_have_count(8, timeout=60_000)

        assert refused, "the phone never asked for a thumbnail"
        gallery = dialog.locator(".sin-slide img").evaluate_all(
            "imgs => imgs.map(img => [img.naturalWidth, img.currentSrc])"
        )
        assert len(gallery) == 8
        assert all(width > 0 and "thumb-" not in src for width, src in gallery)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.sin-thumb img')]"
            ".every(img => img.complete && img.naturalWidth > 0)"
        )


def test_a_big_phone_photo_is_sent_at_the_servers_size_without_its_gps(
    storefront, tmp_path
):
    """A 12 MP photo with GPS in its EXIF: the widget draws it down to 2048 px
    before the upload (a fraction of the bytes, none of the metadata) and the
    room is confirmed and rendered as usual."""
    from PIL import Image
    from playwright.sync_api import expect

    photo = tmp_path / "IMG_0001.jpg"
    picture = Image.new("RGB", (4032, 3024), (200, 190, 175))
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 24.0)  # a latitude
    picture.save(photo, "JPEG", quality=92, exif=exif)

    with chromium() as browser:
        page = browser.new_page(viewport=DEVICES["mobile"])
        uploads: list[str] = []
        page.on(
            "request",
            lambda request: (
                request.method == "PUT"
                and uploads.append(request.headers.get("content-type", ""))
            ),
        )
        page.goto(f"{storefront}/preview/products/harlow-velvet-armchair")
        page.get_by_role("button", name="See it in your home").click()
        dialog = page.get_by_role("dialog", name="See it in your home")
        dialog.locator("input[type=file]:not([capture])").set_input_files(str(photo))
        expect(dialog.locator(".sin-slide.is-loaded").first).to_be_visible(
            timeout=60_000
        )

    assert uploads == ["image/jpeg"]
    # What the server received and keeps as the room's original (Chromium does
    # not show a Blob body to Playwright): the browser's 2048 px drawing.
    room = RoomSession.objects.get()
    with Image.open(io.BytesIO(storage.read(room.original_room_image_key))) as uploaded:
        assert uploaded.size == (2048, 1536)
        assert not uploaded.getexif().get_ifd(0x8825)
