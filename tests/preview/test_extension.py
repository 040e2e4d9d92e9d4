"""The theme app extension as Shopify CLI deploys it: layout, the app block's
Liquid and schema, the widget's assets, and locales that all carry the same keys."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from demo.preview.selectors import EXTENSION_DIR, widget_locales, widget_strings

BLOCK = EXTENSION_DIR / "blocks" / "see-it-now.liquid"
ASSETS = EXTENSION_DIR / "assets"
LOCALES = EXTENSION_DIR / "locales"
SCHEMA_RE = re.compile(r"\{%-?\s*schema\s*-?%\}(.*?)\{%-?\s*endschema\s*-?%\}", re.S)
STRING_RE = re.compile(r'"([\w.]+)": \{\{ \'see_it_now\.([\w.]+)\' \| t \| json \}\}')
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")
# The error codes of the storefront API (SPEC §5): the widget words each itself.
API_ERROR_CODES = {
    "invalid_content_type",
    "invalid_session_id",
    "room_not_found",
    "room_not_uploaded",
    "invalid_image",
    "invalid_crop_params",
    "see_it_now_not_enabled",
    "missing_room_session",
    "missing_product_id",
    "invalid_json",
    "rate_limit_exceeded",
    "quota_exceeded",
    "no_room_image",
    "product_not_enabled",
    "no_product_image",
    "pipeline_not_ready",
    "all_variants_failed",
    "variant_not_found",
}
# ...and the failures it meets itself (or another server answers with).
CLIENT_ERROR_CODES = {
    "generic",
    "server_error",
    "network",
    "timeout",
    "file_too_large",
    "upload_failed",
    "sample_unavailable",
    "download_failed",
    "cart",
    "unauthorized",
}
LOCALE_FILES = {
    "en": "en.default.json",
    "fr": "fr.json",
    "de": "de.json",
    "es": "es.json",
}
SCHEMA_FILES = {
    "en": "en.default.schema.json",
    "fr": "fr.schema.json",
    "de": "de.schema.json",
    "es": "es.schema.json",
}
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
    assert block["name"] == "t:blocks.see_it_now.name"
    names = json.loads((LOCALES / "en.default.schema.json").read_text())
    assert names["blocks"]["see_it_now"]["name"] == "See It Now"
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
        "sample_room_1": "image_picker",
        "sample_room_2": "image_picker",
        "sample_room_3": "image_picker",
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
    # The live tag and whether the shop can serve come from the app-data
    # metafields the app writes (shops.availability), never a copy of the tag.
    assert markup.startswith(
        "{%- liquid\n"
        "  assign live_tag = app.metafields.see_it_now.live_tag.value\n"
        "  assign serving = true\n"
        "  if app.metafields.see_it_now.available.value == false\n"
        "    assign serving = false\n"
        "  endif\n"
        "-%}\n"
        "{%- if product and serving and live_tag != blank and product.tags "
        "contains live_tag -%}"
    )
    assert "see-it-live" not in markup
    assert markup.endswith("{%- endif -%}")
    opened = re.findall(r"(?:\{%-?|^)\s*if\b", liquid, re.M)
    closed = re.findall(r"(?:\{%-?|^)\s*endif\b", liquid, re.M)
    assert len(opened) == len(closed) == 7
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
        'data-shop="{{ shop.permanent_domain }}"',
        'data-product-url="{{ request.origin }}{{ product.url }}"',
        "{{ block.shopify_attributes }}",
    ):
        assert attribute in liquid


def test_the_block_passes_every_string_to_the_widget():
    english = leaves(json.loads((LOCALES / "en.default.json").read_text()))
    passed = STRING_RE.findall(BLOCK.read_text())
    assert all(name == key for name, key in passed)
    assert sorted(f"see_it_now.{name}" for name, _ in passed) == sorted(english)


@pytest.mark.parametrize("files", [LOCALE_FILES, SCHEMA_FILES], ids=["shop", "schema"])
@pytest.mark.parametrize("locale", ["fr", "de", "es"])
def test_every_locale_has_the_same_keys_and_placeholders(files, locale):
    english = leaves(json.loads((LOCALES / files["en"]).read_text()))
    other = leaves(json.loads((LOCALES / files[locale]).read_text()))
    assert sorted(other) == sorted(english)
    for key, text in other.items():
        assert isinstance(text, str) and text.strip(), key
        assert set(PLACEHOLDER_RE.findall(text)) == set(
            PLACEHOLDER_RE.findall(english[key])
        ), key
    # Not English with a new name: most texts differ from the English ones.
    same = [key for key, text in other.items() if text == english[key]]
    assert len(same) < len(english) / 10, same


def test_the_locales_are_named_as_shopify_expects_and_fit_its_limit():
    names = sorted(p.name for p in LOCALES.iterdir())
    assert names == sorted([*LOCALE_FILES.values(), *SCHEMA_FILES.values()])
    assert widget_locales() == ["de", "en", "es", "fr"]
    with pytest.raises(ValueError, match="unknown widget locale 'xx'"):
        widget_strings(locale="xx")
    # Shopify takes at most 15 KB per locale file of a theme app extension.
    for path in LOCALES.iterdir():
        assert path.stat().st_size < 15_000, path.name


def test_the_block_schema_is_translated_for_the_theme_editor():
    block = schema()
    english = leaves(json.loads((LOCALES / "en.default.schema.json").read_text()))
    texts = [block["name"]] + [
        setting[field]
        for setting in block["settings"]
        for field in ("label", "info", "content")
        if field in setting
    ]
    assert texts and all(text.startswith("t:") for text in texts)
    assert {text.removeprefix("t:") for text in texts} == set(english)


def test_the_block_passes_the_merchants_sample_rooms():
    liquid = BLOCK.read_text()
    for number in (1, 2, 3):
        setting = f"block.settings.sample_room_{number}"
        assert f"{{%- if {setting} != blank -%}}" in liquid
        assert f'"name": "sample_room_{number}"' in liquid
        assert f'"label": {{{{ {setting}.alt | json }}}}' in liquid
        assert f"{setting} | image_url: width: 2048, format: 'jpg' | json" in liquid
        assert f"{setting} | image_url: width: 480 | json" in liquid
    source = (ASSETS / "see-it-now-modal.js").read_text()
    assert "config.sample_rooms" in source and "room.thumb_url ||" in source


def test_the_widget_uses_only_strings_that_exist():
    english = widget_strings(locale="en")
    source = (ASSETS / "see-it-now-modal.js").read_text()
    groups = "steps|room|working|gallery|done|errors"
    used = set(re.findall(rf'"((?:{groups})\.[a-z_]+)"', source))
    used |= set(re.findall(r'\b[th]\("(\w+)"', source))
    assert used - set(english) == set()
    # The rest: the button (Liquid renders it), and keys built at run time, the
    # step markers and a title and a text per error code.
    codes = API_ERROR_CODES | CLIENT_ERROR_CODES
    assert set(english) - used == {"button", "steps.room", "steps.gallery"} | {
        "steps.done"
    } | {f"errors.{code}.{part}" for code in codes for part in ("title", "text")}
    # The codes the widget raises itself are all worded.
    raised = set(re.findall(r'new ApiError\("(\w+)"', source))
    assert raised <= CLIENT_ERROR_CODES | API_ERROR_CODES


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
