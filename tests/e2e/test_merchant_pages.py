"""Settings, Monitor and a run's detail in Chromium over the dev login, without
Shopify's CDN (the local fallback look). Screenshots land in /tmp/merchant-shots."""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path

import pytest
from PIL import Image

from renders.models import RenderJob
from seeitnow import storage
from shops.signals import order_paid
from tests.e2e.test_preview import CHROMIUM, CHROMIUM_ARGS
from tests.factories import make_ready_asset, make_room, make_run, make_variant

SHOTS = Path("/tmp/merchant-shots")

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def merchant(live_server, settings, shop):
    settings.ROOT_URLCONF = "tests.e2e.urls"
    settings.SHOPIFY_APP_URL = live_server.url
    settings.DEV_ADMIN_LOGIN = True
    shop.shop_domain = settings.DEMO_SHOP_DOMAIN
    shop.save()
    chair = make_ready_asset(shop=shop, product_id="21", product_title="Armchair")
    lamp = make_ready_asset(shop=shop, product_id="22", product_title="Table lamp")
    room = make_room(shop=shop)
    run = make_run(asset=chair, room=room, status="partial", total_duration_ms=14200)
    for i in range(1, 9):
        vid = f"V0{i}"
        if i == 6:
            make_variant(
                run=run,
                variant_id=vid,
                status="timeout",
                latency_ms=45000,
                output_image_key=None,
                output_image_hash=None,
                error_message="The image model did not answer within 45 s.",
            )
            continue
        key = f"see-it-now/{run.pk}/{vid}.jpg"
        storage.save(key, _jpeg((40 * i, 120, 200 - 20 * i)), content_type="image/jpeg")
        make_variant(run=run, variant_id=vid, latency_ms=3000 + 400 * i)
    other = make_run(asset=lamp, room=room, status="complete", total_duration_ms=9100)
    for i in range(1, 9):
        make_variant(run=other, variant_id=f"V0{i}", latency_ms=2500 + 100 * i)
    RenderJob.objects.create(
        shop=shop,
        product_id="21",
        product_asset=chair,
        variant_id="V02",
        status="completed",
        config_json='{"added_to_cart_at": "2026-11-18T10:00:00+00:00"}',
    )
    order_paid.send(
        sender=None,
        shop=shop,
        payload={
            "id": 5001,
            "currency": "EUR",
            "line_items": [
                {
                    "id": 1,
                    "product_id": 21,
                    "quantity": 1,
                    "price": "349.00",
                    "properties": [{"name": "_see_it_now_variant", "value": "V02"}],
                }
            ],
        },
    )
    return live_server.url, run


def test_settings_monitor_and_run_pages_look_finished(merchant):
    from playwright.sync_api import expect, sync_playwright

    base, run = merchant
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{base}/app/settings?shop=demo-shop.myshopify.com")
            page.get_by_label("Shop-wide prompt addition").fill(
                "Warm natural light, Scandinavian rooms"
            )
            page.click("#save")
            expect(page.locator("#settings-status")).to_have_text("Saved.")
            expect(page.locator("#reprepare-offer")).to_be_visible()
            page.screenshot(path=str(SHOTS / "settings.png"), full_page=True)

            page.goto(f"{base}/app/monitor")
            expect(page.get_by_text("Page 1 of 1 · 2 runs")).to_be_visible()
            page.screenshot(path=str(SHOTS / "monitor.png"), full_page=True)

            page.goto(f"{base}/app/monitor/runs/{run.pk}")
            expect(page.locator("article.variant img")).to_have_count(7)
            page.wait_for_timeout(300)
            page.screenshot(path=str(SHOTS / "run.png"), full_page=True)

            # A run this shop does not have: the app's own page, a way back.
            page.goto(f"{base}/app/monitor/runs/{uuid.uuid4()}")
            expect(page.locator("h1")).to_have_text("Run not found")
            page.get_by_text("Back to monitor").click()
            expect(page.get_by_text("Page 1 of 1 · 2 runs")).to_be_visible()
            page.goto(f"{base}/app/monitor/runs/{uuid.uuid4()}")
            page.screenshot(path=str(SHOTS / "run-missing.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
