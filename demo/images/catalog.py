"""The demo shop's catalog: products whose photos this package draws."""

from __future__ import annotations

DEMO_PRODUCTS: list[dict] = [
    {
        "id": "8000000001",
        "title": "Harlow Velvet Armchair",
        "handle": "harlow-velvet-armchair",
        "product_type": "Armchair",
        "vendor": "Fern & Forge",
        "tags": ["living room", "seating", "velvet", "floor"],
        "description": (
            "<p>A deep-seated armchair upholstered in forest-green cotton velvet, "
            "on tapered solid oak legs.</p>"
            "<ul><li>Dimensions: W 80 x D 78 x H 92 cm</li>"
            "<li>Seat height 45 cm</li><li>Frame: kiln-dried hardwood</li></ul>"
        ),
        "kind": "armchair",
        "price": "899.00",
        "prepare": True,
    },
    {
        "id": "8000000002",
        "title": "Orbit Brass Wall Mirror",
        "handle": "orbit-brass-wall-mirror",
        "product_type": "Mirror",
        "vendor": "Fern & Forge",
        "tags": ["hallway", "wall decor", "brass", "wall"],
        "description": (
            "<p>A round wall mirror in a half-round brushed brass frame, hung "
            "from a tan leather strap.</p>"
            "<p>Size: 36 in x 36 in (frame depth 1.5 in). Hangs from a single "
            "wall hook.</p>"
        ),
        "kind": "mirror",
        "price": "249.00",
        "prepare": True,
    },
    {
        "id": "8000000003",
        "title": "Marlow Ceramic Table Lamp",
        "handle": "marlow-ceramic-table-lamp",
        "product_type": "Table Lamp",
        "vendor": "Lumen Row",
        "tags": ["lighting", "bedroom", "ceramic", "tabletop"],
        "description": (
            "<p>A hand-glazed cobalt ceramic base with a warm linen drum shade "
            "and brass fittings.</p>"
            "<p>Diameter 45cm, height 55 cm. E27 bulb, 2 m fabric cable.</p>"
        ),
        "kind": "table_lamp",
        "price": "179.00",
        "prepare": True,
    },
    {
        "id": "8000000004",
        "title": "Anatolia Wool Rug",
        "handle": "anatolia-wool-rug",
        "product_type": "Rug",
        "vendor": "Loom House",
        "tags": ["rug", "living room", "wool", "floor"],
        "description": (
            "<p>Hand-knotted wool rug with a terracotta field, indigo border and "
            "a central medallion. Cotton fringe on the short ends.</p>"
            "<p>Size: 160 x 230 cm, pile height 10 mm.</p>"
        ),
        "kind": "rug",
        "price": "640.00",
        "prepare": True,
    },
    {
        "id": "8000000005",
        "title": "Pila Round Side Table",
        "handle": "pila-round-side-table",
        "product_type": "Side Table",
        "vendor": "Fern & Forge",
        "tags": ["living room", "tables", "walnut", "floor"],
        "description": (
            "<p>A pedestal side table turned from solid walnut with an oiled "
            "finish.</p><p>Top diameter 50 cm &middot; Height 55 cm</p>"
        ),
        "kind": "side_table",
        "price": "329.00",
        "prepare": True,
    },
    {
        "id": "8000000006",
        "title": "Terra Glazed Vase",
        "handle": "terra-glazed-vase",
        "product_type": "Vase",
        "vendor": "Loom House",
        "tags": ["decor", "ceramic", "tabletop"],
        "description": (
            "<p>A wheel-thrown stoneware vase in a rust glaze that breaks to "
            "cream at the neck. Watertight.</p><p>Height 48cm</p>"
        ),
        "kind": "vase",
        "price": "89.00",
        # Left unprepared by the seed command so the merchant can try Prepare.
        "prepare": False,
    },
]
