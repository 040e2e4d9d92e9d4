"""Keyword lexicon for the local extractor: product kinds and materials."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """What a keyword tells about a product."""

    name: str
    category: tuple[str, ...]
    modes: tuple[str, ...]
    surfaces: tuple[str, ...]
    weight: str
    deformability: str
    orientation: str
    # How an unlabelled pair of numbers reads: "wh" (wall pieces), "wl" (rugs).
    pair: str = "wh"
    # A material the kind itself implies (a mirror is a mirror, whatever its frame).
    material: str | None = None
    # How an unlabelled triple reads: "wdh" in order; "flat" (wall pieces: the
    # thinnest is the depth, the others w then h); "tall_flat" (floor mirrors: the
    # thinnest is the depth, the tallest the height).
    triple: str = "wdh"


def _k(
    name,
    category,
    modes,
    surfaces,
    weight,
    deform,
    orient,
    pair="wh",
    material=None,
    triple="wdh",
) -> Kind:
    return Kind(
        name,
        tuple(category),
        modes,
        surfaces,
        weight,
        deform,
        orient,
        pair,
        material,
        triple,
    )


_FURN = ("Home", "Furniture")
_DECOR = ("Home", "Decor")
_LIGHT = ("Home", "Lighting")

# Most specific phrases first: the first keyword found wins.
KINDS: tuple[tuple[tuple[str, ...], Kind], ...] = (
    (
        ("floor mirror", "standing mirror", "leaner mirror", "full length mirror"),
        _k(
            "floor mirror",
            (*_DECOR, "Mirrors"),
            ("leaning", "floor", "wall"),
            ("floor", "wall"),
            "heavy",
            "rigid",
            "upright_only",
            material="mirror",
            triple="tall_flat",
        ),
    ),
    (
        ("floor lamp", "standing lamp", "arc lamp"),
        _k(
            "floor lamp",
            (*_LIGHT, "Floor lamps"),
            ("floor",),
            ("floor",),
            "medium",
            "rigid",
            "upright_only",
        ),
    ),
    (
        ("table lamp", "desk lamp", "bedside lamp"),
        _k(
            "table lamp",
            (*_LIGHT, "Table lamps"),
            ("tabletop", "shelf"),
            ("side table", "desk", "sideboard"),
            "light",
            "rigid",
            "upright_only",
        ),
    ),
    (
        ("pendant", "chandelier", "ceiling light"),
        _k(
            "pendant light",
            (*_LIGHT, "Pendants"),
            ("ceiling",),
            ("ceiling",),
            "medium",
            "rigid",
            "upright_only",
        ),
    ),
    (
        ("wall clock",),
        _k(
            "wall clock",
            (*_DECOR, "Clocks"),
            ("wall",),
            ("wall",),
            "light",
            "rigid",
            "upright_only",
            triple="flat",
        ),
    ),
    (
        ("wall shelf", "floating shelf", "wall shelves"),
        _k(
            "wall shelf",
            (*_FURN, "Shelving"),
            ("wall",),
            ("wall",),
            "medium",
            "rigid",
            "upright_only",
        ),
    ),
    (
        ("rug", "runner", "carpet", "kilim", "doormat"),
        _k(
            "rug",
            ("Home", "Rugs"),
            ("rug",),
            ("floor",),
            "medium",
            "flexible_drape",
            "free_rotation",
            pair="wl",
        ),
    ),
    (
        ("mirror",),
        _k(
            "wall mirror",
            (*_DECOR, "Mirrors"),
            ("wall", "leaning"),
            ("wall", "sideboard"),
            "medium",
            "rigid",
            "upright_only",
            material="mirror",
            triple="flat",
        ),
    ),
    (
        (
            "wall art",
            "art print",
            "print",
            "poster",
            "canvas",
            "painting",
            "artwork",
            "photograph",
            "wall hanging",
            "tapestry",
        ),
        _k(
            "wall art",
            (*_DECOR, "Wall art"),
            ("wall", "leaning"),
            ("wall", "sideboard", "shelf"),
            "light",
            "rigid",
            "upright_only",
            triple="flat",
        ),
    ),
    (
        ("sofa", "couch", "sectional", "loveseat", "settee", "daybed"),
        _k(
            "sofa",
            (*_FURN, "Sofas"),
            ("floor",),
            ("floor",),
            "heavy",
            "semi_rigid",
            "can_rotate_slightly",
        ),
    ),
    (
        ("bed frame", "bed", "headboard"),
        _k(
            "bed",
            (*_FURN, "Beds"),
            ("floor",),
            ("floor",),
            "very_heavy",
            "rigid",
            "can_rotate_slightly",
        ),
    ),
    (
        (
            "sideboard",
            "credenza",
            "buffet",
            "dresser",
            "chest of drawers",
            "cabinet",
            "bookcase",
            "bookshelf",
            "wardrobe",
            "tv stand",
            "media console",
        ),
        _k(
            "storage furniture",
            (*_FURN, "Storage"),
            ("floor",),
            ("floor",),
            "heavy",
            "rigid",
            "upright_only",
        ),
    ),
    (
        (
            "coffee table",
            "side table",
            "console table",
            "dining table",
            "end table",
            "nightstand",
            "bedside table",
            "desk",
            "table",
        ),
        _k(
            "table",
            (*_FURN, "Tables"),
            ("floor",),
            ("floor",),
            "medium",
            "rigid",
            "can_rotate_slightly",
        ),
    ),
    (
        (
            "armchair",
            "lounge chair",
            "accent chair",
            "chair",
            "stool",
            "bench",
            "ottoman",
            "pouf",
        ),
        _k(
            "seating",
            (*_FURN, "Seating"),
            ("floor",),
            ("floor",),
            "medium",
            "semi_rigid",
            "can_rotate_slightly",
        ),
    ),
    (
        ("planter", "plant pot", "pot"),
        _k(
            "planter",
            (*_DECOR, "Planters"),
            ("floor", "tabletop"),
            ("floor", "side table", "shelf"),
            "medium",
            "rigid",
            "upright_only",
        ),
    ),
    (
        ("cushion", "pillow", "throw", "blanket"),
        _k(
            "soft furnishing",
            (*_DECOR, "Textiles"),
            ("tabletop",),
            ("sofa", "bed", "armchair"),
            "light",
            "flexible_drape",
            "free_rotation",
        ),
    ),
    (
        (
            "vase",
            "bowl",
            "sculpture",
            "figurine",
            "candle holder",
            "candlestick",
            "candle",
            "jar",
            "tray",
            "bookend",
            "ornament",
            "lamp",
        ),
        _k(
            "decor object",
            (*_DECOR, "Objects"),
            ("tabletop", "shelf"),
            ("side table", "sideboard", "shelf", "coffee table"),
            "light",
            "rigid",
            "can_rotate_slightly",
        ),
    ),
)

# Material keywords → SPEC material enum; first match in a source wins.
MATERIALS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("reclaimed teak", "recycled teak", "teak"), "reclaimed_teak"),
    (("painted", "lacquered wood", "painted wood", "mdf"), "painted_wood"),
    (("mirror", "mirrored"), "mirror"),
    (("glass", "crystal"), "glass"),
    (("ceramic", "stoneware", "porcelain", "earthenware", "terracotta"), "ceramic"),
    (("marble", "travertine", "granite", "stone", "concrete", "slate"), "stone"),
    (("leather", "suede"), "leather"),
    (
        (
            "brass",
            "steel",
            "iron",
            "aluminium",
            "aluminum",
            "metal",
            "copper",
            "chrome",
            "bronze",
        ),
        "metal",
    ),
    (
        (
            "linen",
            "cotton",
            "wool",
            "velvet",
            "boucle",
            "bouclé",
            "fabric",
            "jute",
            "polyester",
            "silk",
            "upholstered",
        ),
        "fabric",
    ),
)

WOODS = (
    "oak",
    "walnut",
    "pine",
    "ash",
    "beech",
    "mango wood",
    "acacia",
    "birch",
    "wood",
    "wooden",
    "timber",
    "rattan",
    "bamboo",
    "cane",
)

MATERIAL_DEFAULTS = {
    # primary: (sheen, transparency, surface kind, lighting kind)
    "reclaimed_teak": ("matte", "opaque", "wood grain", "diffuse"),
    "painted_wood": ("satin", "opaque", "painted finish", "diffuse"),
    "mirror": ("gloss", "opaque", "reflection", "specular"),
    "glass": ("gloss", "transparent", "refraction", "specular"),
    "ceramic": ("gloss", "opaque", "glaze", "specular"),
    "metal": ("satin", "opaque", "metallic", "specular"),
    "stone": ("matte", "opaque", "stone texture", "diffuse"),
    "fabric": ("matte", "opaque", "textile weave", "soft"),
    "leather": ("satin", "opaque", "leather grain", "soft"),
    "mixed": ("unknown", "opaque", "mixed materials", "diffuse"),
    "unknown": ("unknown", "unknown", "unknown", "diffuse"),
}

STYLE_CUES = (
    "scandinavian",
    "mid-century",
    "industrial",
    "rustic",
    "modern",
    "minimalist",
    "vintage",
    "boho",
    "coastal",
    "farmhouse",
    "art deco",
    "japandi",
    "contemporary",
    "traditional",
    "handmade",
    "hand-woven",
)
