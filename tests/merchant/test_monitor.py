"""Monitor: runs, one run in full, the funnel, the CSV export, order lines."""

from __future__ import annotations

import uuid
from unittest.mock import ANY

import pytest

from renders.models import SeeItNowOrderLine
from shops.signals import order_paid
from tests.factories import (
    SAMPLE_FACTS,
    SAMPLE_PROMPT_PACK,
    make_ready_asset,
    make_render_job,
    make_room,
    make_run,
    make_variant,
)
from tests.fakes.shopify_proxy import make_session_token

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine("2026-11-18T12:00:00Z", tick=False),
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]

CART = '{"added_to_cart_at": "2026-11-18T10:00:00+00:00"}'


def _order(order_id=1001, *lines):
    return {
        "id": order_id,
        "currency": "EUR",
        "email": "shopper@example.com",
        "customer": {"first_name": "Ann"},
        "line_items": list(lines),
    }


def _line(line_id, product_id, variant, quantity=1, price="120.00"):
    props = [{"name": "_see_it_now_variant", "value": variant}] if variant else []
    return {
        "id": line_id,
        "product_id": product_id,
        "variant_id": 999,
        "quantity": quantity,
        "price": price,
        "properties": props,
    }


@pytest.fixture
def data(installed, other_shop):
    stool = make_ready_asset(shop=installed, product_id="11", product_title="Stool")
    lamp = make_ready_asset(shop=installed, product_id="12", product_title="Lamp")
    room = make_room(shop=installed)
    run = make_run(asset=stool, room=room, status="partial", total_duration_ms=9000)
    make_variant(run=run, variant_id="V01", latency_ms=1000)
    make_variant(run=run, variant_id="V02", latency_ms=3000)
    make_variant(
        run=run,
        variant_id="V03",
        status="timeout",
        latency_ms=45000,
        output_image_key=None,
        output_image_hash=None,
        error_message="=timed out",
    )
    lamp_run = make_run(
        asset=lamp,
        room=room,
        status="complete",
        total_duration_ms=5000,
        prompt_pack_version=2,
    )
    make_variant(run=lamp_run, variant_id="V01", latency_ms=2000)
    make_render_job(asset=stool, room=None, variant_id="V01", config_json=CART)
    make_render_job(asset=stool, room=None, variant_id="V02")
    order_paid.send(
        sender=None,
        shop=installed,
        payload=_order(1001, _line(1, 11, "V01", 2, "120.00"), _line(2, 11, None)),
    )
    theirs = make_ready_asset(shop=other_shop, product_id="11", product_title="Sofa")
    their_run = make_run(asset=theirs, room=make_room(shop=other_shop))
    make_variant(run=their_run, variant_id="V01")
    return {"run": run, "lamp_run": lamp_run, "their_run": their_run}


def _row(
    renders, attempts, rate, median, chosen=0, carted=0, ordered=0, revenue="0.00"
):
    return {
        "attempts": attempts,
        "renders": renders,
        "chosen": chosen,
        "added_to_cart": carted,
        "ordered": ordered,
        "revenue": revenue,
        "success_rate": rate,
        "median_latency_ms": median,
    }


def test_funnel_per_product_and_per_variant(installed, data):
    from renders.analytics import RunFilters, funnel_by_product, funnel_by_variant

    filters = RunFilters()
    assert funnel_by_product(shop=installed, filters=filters) == [
        {
            "product_id": "11",
            "title": "Stool",
            **_row(2, 3, 0.6667, 2000, chosen=2, carted=1, ordered=2, revenue="240.00"),
        },
        {"product_id": "12", "title": "Lamp", **_row(1, 1, 1.0, 2000)},
    ]
    empty = _row(0, 0, None, None)
    assert funnel_by_variant(shop=installed, filters=filters) == [
        {
            "variant_id": "V01",
            **_row(2, 2, 1.0, 1500, chosen=1, carted=1, ordered=2, revenue="240.00"),
        },
        {"variant_id": "V02", **_row(1, 1, 1.0, 3000, chosen=1)},
        {"variant_id": "V03", **_row(0, 1, 0.0, None)},
        *({"variant_id": f"V0{i}", **empty} for i in range(4, 9)),
    ]


def test_order_lines_are_recorded_once_and_only_with_the_property(installed, data):
    payload = _order(1001, _line(1, 11, "V01", 2, "120.00"), _line(2, 11, None))
    order_paid.send(sender=None, shop=installed, payload=payload)  # redelivered
    order_paid.send(
        sender=None, shop=installed, payload=_order(1002, _line(5, 12, None))
    )
    rows = list(
        SeeItNowOrderLine.objects.values(
            "order_id",
            "line_item_id",
            "product_id",
            "variant_id",
            "quantity",
            "currency",
        )
    )
    assert rows == [
        {
            "order_id": "1001",
            "line_item_id": "1",
            "product_id": "11",
            "variant_id": "V01",
            "quantity": 2,
            "currency": "EUR",
        }
    ]


def test_run_api_gives_eight_variants_and_the_snapshots(client, data, bearer):
    run = data["run"]
    response = client.get(f"/api/monitor/run/{run.id}", **bearer)
    assert response.status_code == 200
    body = response.json()
    prompt = ANY
    assert body == {
        "run_id": str(run.id),
        "status": "partial",
        "created_at": "2026-11-18T12:00:00+00:00",
        "duration_ms": 9000,
        "product_id": "11",
        "product_title": "Stool",
        "model": "local-compositor",
        "prompt_pack_version": 1,
        "request_id": "req-test",
        "variants": [
            {
                "id": "V01",
                "status": "success",
                "latency_ms": 1000,
                "error": None,
                "image_url": ANY,
                "prompt": prompt,
            },
            {
                "id": "V02",
                "status": "success",
                "latency_ms": 3000,
                "error": None,
                "image_url": ANY,
                "prompt": prompt,
            },
            {
                "id": "V03",
                "status": "timeout",
                "latency_ms": 45000,
                "error": "=timed out",
                "image_url": None,
                "prompt": prompt,
            },
            *(
                {
                    "id": f"V0{i}",
                    "status": "pending",
                    "latency_ms": None,
                    "error": None,
                    "image_url": None,
                    "prompt": prompt,
                }
                for i in range(4, 9)
            ),
        ],
        "resolved_facts": SAMPLE_FACTS,
        "prompt_pack": SAMPLE_PROMPT_PACK,
    }
    assert "/storage/read/" in body["variants"][0]["image_url"]
    assert body["variants"][0]["prompt"].endswith(
        "Variation:\nVariation V01: place it beside the sofa.\n"
    )


@pytest.mark.parametrize("which", ["their_run", "unknown", "not-a-uuid"])
def test_another_shops_or_unknown_run_is_404(client, data, bearer, which):
    run_id = {
        "their_run": str(data["their_run"].id),
        "unknown": str(uuid.uuid4()),
        "not-a-uuid": "not-a-uuid",
    }[which]
    response = client.get(f"/api/monitor/run/{run_id}", **bearer)
    assert response.status_code == 404
    assert response.json() == {
        "error": "run_not_found",
        "message": "Render run not found.",
    }
    page = client.get(f"/app/monitor/runs/{run_id}", **bearer)
    assert page.status_code == 404
    html = page.content.decode()
    assert '<s-page heading="Run not found"' in html
    assert "Back to monitor" in html


def test_csv_export_has_one_row_per_variant_of_the_filtered_runs(client, data, bearer):
    response = client.get("/app/monitor/export.csv?product=11", **bearer)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    run = data["run"].id
    start = f"{run},2026-11-18T12:00:00+00:00,11,Stool,partial,1,local-compositor"
    assert b"".join(response.streaming_content).decode().splitlines() == [
        "run_id,created_at,product_id,product_title,run_status,prompt_version,"
        "model,variant_id,variant_status,latency_ms,error",
        f"{start},V01,success,1000,",
        f"{start},V02,success,3000,",
        f"{start},V03,timeout,45000,'=timed out",
    ]


def test_csv_export_refuses_a_bad_filter(client, data, bearer):
    response = client.get("/app/monitor/export.csv?status=exploded", **bearer)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_filter",
        "message": "Select a valid choice. exploded is not one of the available "
        "choices.",
        "field": "status",
    }


def test_monitor_page_filters_runs_and_shows_the_funnel(client, data, bearer):
    response = client.get("/app/monitor?version=2", **bearer)
    assert response.status_code == 200
    page = response.content.decode()
    assert str(data["lamp_run"].id) in page
    assert str(data["run"].id) not in page
    assert "Sofa" not in page
    assert "Page 1 of 1 · 1 runs" in page
    bad = client.get("/app/monitor?date_from=yesterday", **bearer)
    assert bad.status_code == 400
    assert "Enter a valid date." in bad.content.decode()


def test_run_page_shows_the_variants(client, data, bearer):
    response = client.get(f"/app/monitor/runs/{data['run'].id}", **bearer)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="variant"') == 8
    assert "=timed out" in page and "Resolved facts" in page


ROUTES = [
    ("get", "/app/settings"),
    ("get", "/api/settings"),
    ("post", "/api/settings"),
    ("post", "/api/settings/reprepare"),
    ("get", "/app/monitor"),
    ("get", "/app/monitor/export.csv"),
    ("get", f"/app/monitor/runs/{uuid.UUID(int=1)}"),
    ("get", f"/api/monitor/run/{uuid.UUID(int=1)}"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("token", ["none", "forged", "expired"])
def test_requests_without_a_valid_session_token_are_refused(
    client, settings, installed, method, path, token
):
    settings.DEV_ADMIN_LOGIN = False
    headers = {}
    if token != "none":
        headers["HTTP_AUTHORIZATION"] = "Bearer " + make_session_token(
            shop=installed.shop_domain,
            api_key=settings.SHOPIFY_API_KEY,
            secret="not-the-secret"
            if token == "forged"
            else settings.SHOPIFY_API_SECRET,
            issued_at=None if token == "forged" else 1_700_000_000,
        )
    response = getattr(client, method)(path, **headers)
    if token == "none" and not path.startswith("/api/"):
        # A page load without a token is bounced through App Bridge for one.
        assert response.status_code == 302
        assert "/auth/patch-id-token?shopify-reload=" in response["Location"]
    else:
        # A fetch gets 401 and Shopify's header telling App Bridge to retry.
        assert response.status_code == 401
        assert response["X-Shopify-Retry-Invalid-Session-Request"] == "1"
    assert installed.settings_json is None
