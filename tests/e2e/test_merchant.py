"""The merchant's Products pages in Chromium over the dev login (no Shopify, no
CDN): prepare the demo vase, enable it, edit a fact, save and see the prompt
pack rebuilt. Screenshots land in /tmp/merchant-shots."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.models import ProductAsset
from tests.e2e.test_preview import CHROMIUM, CHROMIUM_ARGS

SHOTS = Path("/tmp/merchant-shots")
VASE = "8000000006"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"needs Debian's Chromium at {CHROMIUM}"
)


@pytest.fixture
def admin(live_server, demo_shop, settings):
    settings.ROOT_URLCONF = "tests.e2e.urls"
    settings.SHOPIFY_APP_URL = live_server.url
    settings.DEV_ADMIN_LOGIN = True
    return live_server.url


def test_merchant_prepares_enables_and_edits_the_vase(admin, demo_shop, settings):
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # Shopify's CDN is out of reach here; fail fast instead of waiting.
            page.route("https://cdn.shopify.com/**", lambda route: route.abort())
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))

            page.goto(f"{admin}/app/products?shop={settings.DEMO_SHOP_DOMAIN}")
            rows = page.locator("s-table-row")
            expect(rows).to_have_count(6)
            vase = page.locator(f's-table-row[data-product-id="{VASE}"]')
            expect(vase).to_contain_text("Terra Glazed Vase")
            expect(vase.locator("s-badge")).to_have_text("Not prepared")
            page.screenshot(path=str(SHOTS / "products-unprepared.png"))

            vase.get_by_role("button", name="Prepare", exact=True).click()
            expect(vase.locator("s-badge").first).to_have_text("Ready", timeout=60_000)
            vase.get_by_role("button", name="Enable").click()
            expect(vase.locator("s-badge").first).to_have_text("Live")
            expect(vase.get_by_role("button", name="Disable")).to_be_visible()
            page.wait_for_timeout(300)
            page.screenshot(path=str(SHOTS / "products.png"))

            vase.get_by_role("button", name="Open").click()
            expect(page.locator("h1")).to_have_text("Terra Glazed Vase")
            height = page.locator('[data-path="dimensions_cm.h"] input')
            expect(height).not_to_have_value("")
            pack = page.locator("[data-pack] dl")
            expect(pack.locator("dt")).to_have_count(9)
            page.screenshot(path=str(SHOTS / "detail.png"), full_page=True)

            save_bar = page.get_by_role("region", name="Unsaved changes")
            expect(save_bar).to_be_hidden()
            # Discard puts the saved value back and hides the bar.
            before = height.input_value()
            height.fill("12")
            expect(save_bar).to_be_visible()
            save_bar.get_by_role("button", name="Discard").click()
            expect(save_bar).to_be_hidden()
            expect(height).to_have_value(before)

            height.fill("61.5")
            expect(save_bar).to_be_visible()
            expect(page.locator("s-page s-button[data-save]")).to_have_attribute(
                "aria-disabled", "false"
            )
            page.locator('[data-field="dimensions_cm.h"]').scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "facts-editor.png"))
            save_bar.get_by_role("button", name="Save").click()
            expect(page.locator(".sin-toast").last).to_have_text(
                "Saved; prompt pack rebuilt", timeout=30_000
            )
            expect(save_bar).to_be_hidden()
            expect(pack.locator("dd").first).to_contain_text("61.5")
            pack.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "detail-saved.png"))

            # A test render in a sample room: eight variants on the page.
            test_render = page.locator("[data-test-render]")
            test_render.get_by_role("button", name="Sample living room").click()
            expect(test_render.locator(".sin-test-tile img")).to_have_count(
                8, timeout=60_000
            )
            expect(test_render.locator("[data-test-status]")).to_have_text(
                "8 of 8 variants rendered (complete)."
            )
            test_render.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "test-render.png"))

            # ... and the Monitor has the run, with its eight images.
            page.goto(f"{admin}/app/monitor")
            page.get_by_role("link", name="Details").first.click()
            expect(page.locator("img[alt^='V0']")).to_have_count(8)
            page.screenshot(path=str(SHOTS / "monitor-run.png"), full_page=True)

            missing = page.goto(f"{admin}/app/products/123")
            assert missing.status == 404
            expect(page.locator("h1")).to_have_text("Product not found")
            page.screenshot(path=str(SHOTS / "detail-404.png"))
            page.get_by_role("button", name="Back to products").click()
            expect(page.locator("s-table-row")).to_have_count(6)
            assert errors == []
        finally:
            browser.close()
    # The ORM refuses to run inside Playwright's event loop: check afterwards.
    asset = ProductAsset.objects.get(shop=demo_shop, product_id=VASE)
    assert (asset.status, asset.enabled) == ("live", True)
    assert asset.merchant_overrides == {"dimensions_cm": {"h": 61.5}}
    assert "61.5" in asset.prompt_pack["product_context"]
