"""The products JSON API (SPEC §9), against the fake Shopify Admin."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from assets.models import ProductAsset
from assets.pipeline.resolver import CLEAR
from seeitnow import storage
from tests.factories import make_ready_asset
from tests.fakes.shopify_proxy import make_session_token
from tests.merchant.conftest import COMPLETE_FACTS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]

UNAUTHORIZED = {
    "error": "unauthorized",
    "message": "Session token is missing, invalid or expired.",
}
NOT_FOUND = {"error": "product_not_found", "message": "Product not found."}
API_ROUTES = [
    ("get", "/api/products"),
    ("post", "/api/products/prepare"),
    ("get", "/api/products/101"),
    ("post", "/api/products/101/prepare"),
    ("post", "/api/products/101/enable"),
    ("post", "/api/products/101/disable"),
    ("post", "/api/products/101/overrides"),
    ("post", "/api/products/101/cutout"),
]


def _png(*, alpha: bool = True, size: int = 64) -> bytes:
    """A square with a transparent border around an opaque centre."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    image.paste((180, 120, 60, 255), (size // 4, size // 4, 3 * size // 4, size))
    buffer = io.BytesIO()
    (image if alpha else image.convert("RGB")).save(buffer, format="PNG")
    return buffer.getvalue()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 200, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _save(client, auth, facts: dict, **extra):
    return client.post(
        "/api/products/101/overrides",
        {"facts": facts, **extra},
        content_type="application/json",
        **auth,
    )


def _edited(**changes: dict) -> dict:
    """COMPLETE_FACTS with some nested values changed: `group={"key": value}`."""
    facts = {
        k: (dict(v) if isinstance(v, dict) else v) for k, v in COMPLETE_FACTS.items()
    }
    for group, values in changes.items():
        facts[group].update(values)
    return facts


def test_list_joins_catalog_products_with_their_assets(client, installed, auth):
    make_ready_asset(
        shop=installed,
        product_id="101",
        prepared_image_key=None,
        prompt_pack_version=None,
    )
    response = client.get("/api/products", **auth)
    assert response.status_code == 200
    assert response.json() == {
        "products": [
            {
                "product_id": "102",
                "title": "Brass lamp",
                "image_url": "https://cdn.shopify.com/p/102.jpg",
                "status": "unprepared",
                "enabled": False,
                "prompt_outdated": False,
                "error_message": None,
                "prompt_pack_version": None,
            },
            {
                "product_id": "101",
                "title": "Oak stool",
                "image_url": "https://cdn.shopify.com/p/101.jpg",
                "status": "ready",
                "enabled": False,
                "prompt_outdated": True,
                "error_message": None,
                "prompt_pack_version": None,
            },
        ],
        "next_cursor": None,
    }


@pytest.mark.parametrize(
    ("query", "body"),
    [
        (
            "status=nope",
            {
                "error": "invalid_status",
                "message": "status must be one of: unprepared, preparing, ready, "
                "live, failed, outdated.",
            },
        ),
        (
            "limit=0",
            {"error": "invalid_limit", "message": "limit must be between 1 and 100."},
        ),
    ],
)
def test_list_refuses_bad_filters(client, installed, auth, query, body):
    response = client.get(f"/api/products?{query}", **auth)
    assert response.status_code == 400
    assert response.json() == body


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_api_without_a_valid_token_is_401_json_with_the_retry_header(
    client, settings, installed, method, path
):
    expired = make_session_token(
        shop=installed.shop_domain,
        api_key=settings.SHOPIFY_API_KEY,
        secret=settings.SHOPIFY_API_SECRET,
        issued_at=time.time() - 3600,
    )
    forged = make_session_token(
        shop=installed.shop_domain,
        api_key=settings.SHOPIFY_API_KEY,
        secret="not-the-app-secret",
    )
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer not.a.token"},
        {"HTTP_AUTHORIZATION": f"Bearer {forged}"},
        {"HTTP_AUTHORIZATION": f"Bearer {expired}"},
    ):
        response = getattr(client, method)(path, **headers)
        assert response.status_code == 401, headers
        assert response["X-Shopify-Retry-Invalid-Session-Request"] == "1"
        assert response.json() == UNAUTHORIZED


def test_a_page_load_without_a_token_still_bounces_for_a_fresh_one(client, installed):
    response = client.get(f"/app/products?shop={installed.shop_domain}")
    assert response.status_code == 302
    assert response["Location"].startswith(
        f"http://testserver/auth/patch-id-token?shop={installed.shop_domain}&"
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [r for r in API_ROUTES if "/101" in r[1]],
)
def test_another_shops_product_is_404_and_untouched(
    client, installed, auth, other_shop, method, path
):
    theirs = make_ready_asset(
        shop=other_shop, product_id="555", extracted_facts=COMPLETE_FACTS
    )
    response = getattr(client, method)(path.replace("101", "555"), **auth)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    theirs.refresh_from_db()
    assert (theirs.status, theirs.merchant_overrides) == ("ready", None)


def test_enable_adds_the_live_tag_and_disable_removes_it(
    client, installed, auth, prepared, fake_shopify
):
    response = client.post("/api/products/101/enable", **auth)
    assert response.status_code == 200
    assert response.json()["product"]["status"] == "live"
    assert "see-it-live" in fake_shopify.product(installed.shop_domain, 101)["tags"]
    response = client.post("/api/products/101/disable", **auth)
    assert response.status_code == 200
    assert "warning" not in response.json()
    assert response.json()["product"]["status"] == "ready"
    assert "see-it-live" not in fake_shopify.product(installed.shop_domain, 101)["tags"]


def test_enable_with_a_failing_tag_call_leaves_the_status_and_answers_an_error(
    client, installed, auth, prepared, fake_shopify
):
    # Shopify keeps answering 429: the client's retries run out.
    fake_shopify.rate_limit_next(times=10)
    response = client.post("/api/products/101/enable", **auth)
    assert response.status_code == 502
    assert response.json() == {
        "error": "shopify_unavailable",
        "message": "Shopify could not be reached.",
    }
    prepared.refresh_from_db()
    assert (prepared.status, prepared.enabled) == ("ready", False)
    assert fake_shopify.product(installed.shop_domain, 101)["tags"] == []


def test_disable_with_a_failing_tag_call_goes_offline_and_warns(
    client, installed, auth, fake_shopify
):
    # Live here, but the product is gone from Shopify: tagsRemove has userErrors.
    asset = make_ready_asset(
        shop=installed, product_id="103", status="live", enabled=True
    )
    response = client.post("/api/products/103/disable", **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["product"]["status"] == "ready"
    assert body["warning"] == (
        "The storefront tag could not be removed (Product does not exist). The "
        "product is off the storefront anyway; disable it again later to remove "
        "the tag."
    )
    asset.refresh_from_db()
    assert (asset.status, asset.enabled) == ("ready", False)


def test_facts_round_trip_stores_only_the_two_edited_fields_and_rebuilds_the_pack(
    client, auth, prepared
):
    old_pack = prepared.prompt_pack
    facts = _edited(dimensions_cm={"h": 77.5}, material_profile={"sheen": "gloss"})
    response = _save(client, auth, facts, render_instructions="Keep legs visible.")
    assert response.status_code == 200, response.content
    prepared.refresh_from_db()
    assert prepared.merchant_overrides == {
        "dimensions_cm": {"h": 77.5},
        "material_profile": {"sheen": "gloss"},
    }
    # The size class and its guardrail follow the new height (resolver); the rest
    # is exactly what the merchant saw and edited.
    derived = ("relative_scale", "scale_guardrails")
    resolved = prepared.resolved_facts
    assert {k: v for k, v in resolved.items() if k not in derived} == {
        k: v for k, v in facts.items() if k not in derived
    }
    assert "77.5 cm high" in resolved["scale_guardrails"]
    assert prepared.render_instructions_see_it_now == "Keep legs visible."
    assert prepared.prompt_pack != old_pack
    assert [v["id"] for v in prepared.prompt_pack["variants"]] == [
        f"V0{i}" for i in range(1, 9)
    ]
    product = response.json()["product"]
    assert product["prompt_pack"] == prepared.prompt_pack
    assert product["merchant_overrides"] == prepared.merchant_overrides
    assert product["resolved_facts"] == resolved


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        (_edited(), "weight_class"),
        (_edited(material_profile={"sheen": "sparkly"}), "material_profile.sheen"),
    ],
)
def test_an_invalid_enum_is_a_field_error_and_nothing_is_saved(
    client, auth, prepared, facts, field
):
    if field == "weight_class":
        facts = {**facts, "weight_class": "enormous"}
    before = (prepared.merchant_overrides, prepared.prompt_pack, prepared.updated_at)
    response = _save(client, auth, facts)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_overrides"
    assert body["field"] == field
    assert body["message"].startswith(f"{field}: Input should be ")
    prepared.refresh_from_db()
    after = (prepared.merchant_overrides, prepared.prompt_pack, prepared.updated_at)
    assert after == before


def test_clearing_a_dimension_stores_the_clear_marker_and_resolves_to_null(
    client, auth, prepared
):
    response = _save(client, auth, _edited(dimensions_cm={"d": None}))
    assert response.status_code == 200, response.content
    prepared.refresh_from_db()
    assert prepared.merchant_overrides == {"dimensions_cm": {"d": CLEAR}}
    assert prepared.resolved_facts["dimensions_cm"]["d"] is None
    assert prepared.resolved_facts["dimensions_cm"]["h"] == 45.0


def test_setting_an_enum_to_unknown_and_back_to_extracted_empties_the_diff(
    client, auth, prepared
):
    assert _save(client, auth, {**COMPLETE_FACTS, "weight_class": "unknown"}).json()
    prepared.refresh_from_db()
    assert prepared.merchant_overrides == {"weight_class": "unknown"}
    assert prepared.resolved_facts["weight_class"] == "unknown"
    assert _save(client, auth, COMPLETE_FACTS).status_code == 200
    prepared.refresh_from_db()
    assert prepared.merchant_overrides is None
    # Everything back as extracted; the guardrail is rebuilt in code (resolver).
    resolved = dict(prepared.resolved_facts)
    assert resolved.pop("scale_guardrails").startswith("a small stool, 45 cm high")
    assert resolved == {
        k: v for k, v in COMPLETE_FACTS.items() if k != "scale_guardrails"
    }


def test_a_required_value_cannot_be_cleared(client, auth, prepared):
    response = _save(client, auth, {**COMPLETE_FACTS, "weight_class": None})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_overrides",
        "message": "weight_class: cannot be cleared: pick a value",
        "field": "weight_class",
    }
    prepared.refresh_from_db()
    assert prepared.merchant_overrides is None


def test_overrides_refuse_a_body_without_facts(client, auth, prepared):
    response = client.post(
        "/api/products/101/overrides", "[]", content_type="application/json", **auth
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_json",
        "message": "Request body must be a JSON object.",
    }
    response = _save(client, auth, "not facts")
    assert response.json() == {
        "error": "invalid_overrides",
        "message": "facts must be an object.",
    }


def test_a_manual_cutout_png_with_alpha_replaces_the_cutout(client, auth, prepared):
    upload = io.BytesIO(_png())
    upload.name = "stool.png"
    response = client.post("/api/products/101/cutout", {"cutout": upload}, **auth)
    assert response.status_code == 200, response.content
    prepared.refresh_from_db()
    assert prepared.prep_strategy == "manual"
    stored = Image.open(io.BytesIO(storage.read(prepared.prepared_image_key)))
    # Cropped to the opaque part: 32 wide, 48 tall.
    assert (stored.format, stored.mode, stored.size) == ("PNG", "RGBA", (32, 48))


@pytest.mark.parametrize(
    ("data", "body"),
    [
        (
            _jpeg(),
            {
                "error": "invalid_cutout",
                "message": "a cutout must be a PNG file",
                "reason": "not_png",
            },
        ),
        (
            _png(alpha=False),
            {
                "error": "invalid_cutout",
                "message": "the PNG has no transparency (alpha channel)",
                "reason": "no_alpha",
            },
        ),
    ],
)
def test_a_cutout_that_is_not_a_png_with_alpha_is_refused(
    client, auth, prepared, data, body
):
    before = (prepared.prepared_image_key, prepared.prep_strategy)
    upload = io.BytesIO(data)
    upload.name = "cutout.png"
    response = client.post("/api/products/101/cutout", {"cutout": upload}, **auth)
    assert response.status_code == 400
    assert response.json() == body
    prepared.refresh_from_db()
    assert (prepared.prepared_image_key, prepared.prep_strategy) == before


def test_a_cutout_request_without_a_file_is_refused(client, auth, prepared):
    response = client.post("/api/products/101/cutout", {}, **auth)
    assert response.status_code == 400
    assert response.json() == {
        "error": "missing_file",
        "message": "Attach the cutout PNG as `cutout`.",
    }


def test_prepare_queues_the_given_products(client, installed, auth):
    response = client.post(
        "/api/products/prepare",
        {"product_ids": ["101", "abc"]},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json() == {
        "queued": ["101"],
        "skipped": [
            {
                "product_id": "abc",
                "error": "invalid_product_id",
                "message": "Product id must be numeric.",
            }
        ],
    }
    assert ProductAsset.objects.filter(shop=installed, product_id="101").exists()


def test_prepare_all_unprepared_queues_only_the_unprepared(
    client, installed, auth, prepared
):
    response = client.post(
        "/api/products/prepare",
        {"all_unprepared": True},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json() == {"queued": ["102"], "skipped": []}
    prepared.refresh_from_db()
    assert prepared.status == "ready"
    assert ProductAsset.objects.filter(shop=installed, product_id="102").exists()


@pytest.mark.parametrize(
    "body", [{}, {"product_ids": []}, {"product_ids": "101"}, {"all_unprepared": 1}]
)
def test_prepare_refuses_a_body_without_ids(client, installed, auth, body):
    response = client.post(
        "/api/products/prepare", body, content_type="application/json", **auth
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_product_ids",
        "message": "Send product_ids (1 to 250 ids) or all_unprepared: true.",
    }
    assert not ProductAsset.objects.filter(shop=installed).exists()


def test_pages_render_with_a_session_token(client, installed, auth, prepared):
    token = auth["HTTP_AUTHORIZATION"].split()[1]
    for path in ("/app/products", "/app/products/101"):
        response = client.get(
            f"{path}?shop={installed.shop_domain}&host=abc&id_token={token}"
        )
        assert response.status_code == 200
        assert "<s-page" in response.content.decode()


@pytest.mark.parametrize("product_id", ["555", "999", "not-an-id"])
def test_the_detail_page_of_a_product_the_shop_lacks_is_an_html_404(
    client, installed, auth, other_shop, product_id
):
    make_ready_asset(shop=other_shop, product_id="555")
    token = auth["HTTP_AUTHORIZATION"].split()[1]
    response = client.get(
        f"/app/products/{product_id}?shop={installed.shop_domain}&host=abc"
        f"&id_token={token}"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert '<s-page heading="Product not found"' in html
    assert "This store has no product with that id." in html
    assert f'href="/app/products?shop={installed.shop_domain}&amp;host=abc"' in html


def test_the_detail_page_says_so_when_shopify_cannot_be_reached(
    client, installed, auth, prepared, fake_shopify
):
    fake_shopify.rate_limit_next(times=10)
    token = auth["HTTP_AUTHORIZATION"].split()[1]
    response = client.get(
        f"/app/products/101?shop={installed.shop_domain}&host=abc&id_token={token}"
    )
    assert response.status_code == 502
    html = response.content.decode()
    assert '<s-page heading="Product unavailable"' in html
    assert "<p>Shopify could not be reached.</p>" in html
