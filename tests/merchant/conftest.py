"""Fixtures of the merchant pages: a shop installed on the fake Shopify Admin,
session tokens, and a product prepared with a complete set of facts."""

from __future__ import annotations

from typing import Any

import pytest

from seeitnow.ai.schema import ProductPlacementFacts
from tests.factories import make_ready_asset
from tests.fakes.shopify_proxy import make_session_token

# Every field of the schema filled in (SAMPLE_FACTS leaves most out), validated
# through the model so the editor round trip starts from what extraction gives.
COMPLETE_FACTS: dict[str, Any] = ProductPlacementFacts.model_validate(
    {
        "identity": {
            "title": "Oak stool",
            "product_kind": "stool",
            "category_path": ["furniture", "seating"],
            "style_cues": ["scandinavian", "natural wood"],
        },
        "dimensions_cm": {
            "h": 45.0,
            "w": 35.0,
            "d": 35.0,
            "diameter": None,
            "thickness": None,
        },
        "weight_class": "light",
        "deformability": "rigid",
        "placement": {
            "allowed_modes": [
                {"mode": "floor", "confidence": "high", "evidence": "four legs"}
            ],
            "support_surfaces": [
                {"surface": "floor", "confidence": "high", "evidence": "legs"}
            ],
            "constraints": ["all four legs on the floor"],
            "do_not_do": ["hang it on a wall"],
        },
        "orientation": {"constraint": "upright_only", "notes": ""},
        "scale": {"priority": "prefer_true_to_dimensions", "notes": ""},
        "relative_scale": {
            "class": "small",
            "evidence": "45 cm tall",
            "comparisons": [{"to": "a chair seat", "confidence": "medium"}],
        },
        "material_profile": {
            "primary": "painted_wood",
            "sheen": "matte",
            "transparency": "opaque",
            "notes": "",
        },
        "render_behavior": {
            "surface": [{"kind": "contact shadow", "strength": "medium"}],
            "lighting": [{"kind": "soft daylight"}],
            "interaction_rules": ["legs touch the floor"],
            "cropping_policy": "never_crop_product",
        },
        "scale_guardrails": "Never taller than a dining chair seat.",
        "affordances": ["sit", "set a plant on it"],
        "unknowns": [],
    }
).model_dump()


@pytest.fixture
def installed(shop, fake_shopify, settings):
    """The shop with a valid offline token and two products in Shopify."""
    settings.DEV_ADMIN_LOGIN = False
    shop.access_token = fake_shopify.stored_token(shop.shop_domain)
    shop.save(update_fields=["access_token"])
    fake_shopify.add_product(shop.shop_domain, 101, "Oak stool")
    fake_shopify.add_product(shop.shop_domain, 102, "Brass lamp")
    return shop


@pytest.fixture
def auth(settings, installed) -> dict:
    """Headers of a fetch from the embedded app: a fresh session token."""
    token = make_session_token(
        shop=installed.shop_domain,
        api_key=settings.SHOPIFY_API_KEY,
        secret=settings.SHOPIFY_API_SECRET,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def bearer(auth) -> dict:
    """The same headers, under the name the settings and monitor tests use."""
    return auth


@pytest.fixture
def prepared(installed):
    """Product 101, ready, with COMPLETE_FACTS extracted and nothing overridden."""
    return make_ready_asset(
        shop=installed,
        product_id="101",
        extracted_facts=COMPLETE_FACTS,
        resolved_facts=COMPLETE_FACTS,
    )
