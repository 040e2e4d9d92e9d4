"""The theme app extension as Shopify CLI deploys it: layout, the app block's
Liquid and schema, the widget's assets, and locales that all carry the same keys."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from seeitnow.preview.selectors import EXTENSION_DIR, widget_locales, widget_strings

BLOCK = EXTENSION_DIR / "blocks" / "see-it-now.liquid"
ASSETS = EXTENSION_DIR / "assets"
LOCALES = EXTENSION_DIR / "locales"
SCHEMA_RE = re.compile(r"\{%-?\s*schema\s*-?%\}(.*?)\{%-?\s*endschema\s*-?%\}", re.S)
STRING_RE = re.compile(r'"([\w.]+)": \{\{ \'see_it_now\.([\w.]+)\' \| t \| json \}\}')
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")
# Shopify rejects these tags in app blocks (theme check AppBlockValidTags).
FORBIDDEN_TAGS = (
    "javascript",
    "stylesheet",
    "include",
    "layout",
    "section",
    "sections",
)


def leaves(tree: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out |= leaves(value, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = value
    return out


def schema() -> dict:
    (body,) = SCHEMA_RE.findall(BLOCK.read_text())
    return json.loads(body)


def test_the_extension_has_shopifys_layout():
    config = tomllib.loads((EXTENSION_DIR / "shopify.extension.toml").read_text())
    assert config == {"name": "see-it-now", "type": "theme"}
    top = sorted(p.name for p in EXTENSION_DIR.iterdir())
    assert top == ["assets", "blocks", "locales", "shopify.extension.toml"]
    assert sorted(p.name for p in (EXTENSION_DIR / "blocks").iterdir()) == [
        "see-it-now.liquid"
    ]
    assert sorted(p.name for p in ASSETS.iterdir()) == [
        "see-it-now-modal.js",
        "see-it-now.css",
        "see-it-now.js",
    ]


def test_the_block_schema_is_a_product_page_app_block():
    block = schema()
    assert block["name"] == "See It Now"
    assert block["target"] == "section"
    assert block["enabled_on"] == {"templates": ["product"]}
    # The block's JavaScript is the loader; the modal is fetched on first use.
    assert block["javascript"] == "see-it-now.js"
    assert (ASSETS / block["javascript"]).is_file()
    assert (ASSETS / block["stylesheet"]).is_file()
    settings = {s["id"]: s for s in block["settings"] if "id" in s}
    assert len(settings) == len([s for s in block["settings"] if "id" in s])
    assert {k: s["type"] for k, s in settings.items()} == {
        "button_label": "text",
        "accent_color": "color",
        "accent_text_color": "color",
        "full_width": "checkbox",
    }
    assert all(
        re.fullmatch(r"#[0-9a-f]{6}", settings[k]["default"])
        for k in (
            "accent_color",
            "accent_text_color",
        )
    )


def test_the_block_renders_only_for_tagged_products_and_uses_only_settings_it_has():
    liquid = SCHEMA_RE.sub("", BLOCK.read_text())
    markup = re.sub(
        r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", "", liquid, flags=re.S
    ).strip()
    assert markup.startswith(
        "{%- if product and product.tags contains 'see-it-live' -%}"
    )
    assert markup.endswith("{%- endif -%}")
    opened = re.findall(r"(?:\{%-?|^)\s*if\b", liquid, re.M)
    closed = re.findall(r"(?:\{%-?|^)\s*endif\b", liquid, re.M)
    assert len(opened) == len(closed) == 3
    for tag in FORBIDDEN_TAGS:
        assert not re.search(r"\{%-?\s*" + tag + r"\b", liquid), tag
    used = set(re.findall(r"block\.settings\.(\w+)", liquid))
    assert used == {s["id"] for s in schema()["settings"] if "id" in s}
    for attribute in (
        'data-proxy-base="/apps/see-it"',
        'data-cart-add-url="{{ routes.cart_add_url }}.js"',
        'data-product-id="{{ product.id }}"',
        'data-product-title="{{ product.title | escape }}"',
        'data-variant-id="{{ variant.id }}"',
        "data-modal-src=\"{{ 'see-it-now-modal.js' | asset_url }}\"",
        "{{ block.shopify_attributes }}",
    ):
        assert attribute in liquid


def test_the_block_passes_every_string_to_the_widget():
    english = leaves(json.loads((LOCALES / "en.default.json").read_text()))
    passed = STRING_RE.findall(BLOCK.read_text())
    assert all(name == key for name, key in passed)
    assert sorted(f"see_it_now.{name}" for name, _ in passed) == sorted(english)


@pytest.mark.parametrize("locale", ["fr", "de"])
def test_every_locale_has_the_same_keys_and_placeholders(locale):
    english = leaves(json.loads((LOCALES / "en.default.json").read_text()))
    other = leaves(json.loads((LOCALES / f"{locale}.json").read_text()))
    assert sorted(other) == sorted(english)
    for key, text in other.items():
        assert isinstance(text, str) and text.strip(), key
        assert set(PLACEHOLDER_RE.findall(text)) == set(
            PLACEHOLDER_RE.findall(english[key])
        ), key


def test_the_locales_are_named_as_shopify_expects():
    names = sorted(p.name for p in LOCALES.iterdir())
    assert names == ["de.json", "en.default.json", "fr.json"]
    assert widget_locales() == ["de", "en", "fr"]
    with pytest.raises(ValueError, match="unknown widget locale 'xx'"):
        widget_strings(locale="xx")


def test_the_widget_uses_only_strings_that_exist():
    english = widget_strings(locale="en")
    source = (ASSETS / "see-it-now-modal.js").read_text()
    groups = "steps|room|working|gallery|done|errors"
    used = set(re.findall(rf'"((?:{groups})\.[a-z_]+)"', source))
    used |= set(re.findall(r'\b[th]\("(\w+)"', source))
    assert used - set(english) == set()
    # The rest: the button (Liquid renders it), and keys built at run time, the
    # step markers and a title per API error code.
    codes = {
        "quota_exceeded",
        "rate_limit_exceeded",
        "invalid_image",
        "invalid_content_type",
        "file_too_large",
        "room_not_uploaded",
        "room_not_found",
        "product_not_enabled",
        "pipeline_not_ready",
        "all_variants_failed",
        "see_it_now_not_enabled",
        "forbidden",
        "network",
        "timeout",
        "cart",
    }
    assert set(english) - used == {"button", "steps.room", "steps.gallery"} | {
        "steps.done"
    } | {f"errors.{code}" for code in codes}


def test_the_widget_loads_nothing_from_elsewhere_and_stays_small():
    for name in ("see-it-now.js", "see-it-now-modal.js", "see-it-now.css"):
        text = (ASSETS / name).read_text()
        assert not re.search(r"https?://|//cdn|@import|fonts\.", text), name
    block = BLOCK.read_text()
    assert "<script src" not in block and "<link" not in block
    # Theme check's AssetSizeAppBlockJavaScript: at most 10,000 bytes of the raw
    # file the block names; the loader keeps well under it.
    assert (ASSETS / "see-it-now.js").stat().st_size < 5_000


def test_the_loader_builds_nothing_and_fetches_the_modal_only_on_use():
    loader = (ASSETS / "see-it-now.js").read_text()
    modal = (ASSETS / "see-it-now-modal.js").read_text()
    # The loader never builds the dialog or calls the app; the modal registers
    # the one entry point the loader calls.
    assert "dialog" not in loader
    assert not re.search(r"\bfetch\(|XMLHttpRequest|/apps/", loader)
    assert "root.dataset.modalSrc" in loader
    assert re.search(r'addEventListener\("click"', loader)
    assert "window.SeeItNowModal = {" in modal
