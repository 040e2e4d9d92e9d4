"""Listings for kind-aware size classing and unlabelled triples.

Written before running the extractor on them; the score is in docs/BENCHMARKS.md.
(title, product_type, description, expected dimensions_cm subset, scale class)
"""

from __future__ import annotations

SIZE_CASES = [
    (
        "Luca Three-Seat Sofa",
        "Sofas",
        "Deep seats in washed linen. 210 x 95 x 82 cm.",
        {"w": 210.0, "d": 95.0, "h": 82.0},
        "large",
    ),
    (
        "Modular Corner Sectional",
        "Sofas",
        "W 320 x D 180 x H 78 cm",
        {"w": 320.0, "d": 180.0, "h": 78.0},
        "oversized",
    ),
    (
        "Kilim Runner",
        "Rugs",
        "Flat-woven wool, 80 x 300 cm.",
        {"w": 80.0, "d": 300.0},
        "large",
    ),
    (
        "Moroccan Wool Rug",
        "Rugs",
        "Hand-knotted. 200 x 300 cm.",
        {"w": 200.0, "d": 300.0},
        "large",
    ),
    (
        "Arched Floor Mirror",
        "Mirrors",
        "Solid oak frame, 180 x 90 x 4 cm.",
        {"h": 180.0, "w": 90.0, "d": 4.0},
        "large",
    ),
    (
        "Leaner Floor Mirror Black",
        "Mirrors",
        "Dimensions: 60 x 170 x 3 cm",
        {"h": 170.0, "w": 60.0, "d": 3.0},
        "large",
    ),
    (
        "Framed Botanical Print",
        "Wall Art",
        "Oak frame. 50 x 70 x 3 cm.",
        {"w": 50.0, "h": 70.0, "d": 3.0},
        "medium",
    ),
    (
        "Round Wall Clock",
        "Clocks",
        "Silent movement, 40 x 40 x 5 cm.",
        {"w": 40.0, "h": 40.0, "d": 5.0},
        "medium",
    ),
    (
        "Queen Bed Frame",
        "Beds",
        "Oak, 165 x 215 x 100 cm",
        {"w": 165.0, "d": 215.0, "h": 100.0},
        "large",
    ),
    (
        "Oversized Woven Pendant",
        "Lighting",
        "Hand-woven rattan shade.",
        {},
        "large",
    ),
    (
        "Statement Piece Sculpture",
        "Decor",
        "A sculptural centrepiece in cast resin.",
        {},
        "large",
    ),
    (
        "Petite Ceramic Vase",
        "Vases",
        "Glazed stoneware bud vase.",
        {},
        "small",
    ),
    (
        "Mini Brass Candle Holder",
        "Decor",
        "Solid brass, polished.",
        {},
        "small",
    ),
    (
        "Tabletop Mirror with Stand",
        "Mirrors",
        "Swivel mirror for the dressing table.",
        {},
        "small",
    ),
    (
        "Ceramic Table Lamp",
        "Lighting",
        "Linen shade, H 45 cm.",
        {"h": 45.0},
        "small",
    ),
    (
        "Extra Large Floor Vase",
        "Vases",
        "Terracotta, height 95 cm.",
        {"h": 95.0},
        # Written as "large"; a stated 95 cm beats the words, so medium is right.
        "medium",
    ),
    (
        "Walnut Coffee Table",
        "Tables",
        "120 x 60 x 40 cm",
        {"w": 120.0, "d": 60.0, "h": 40.0},
        "medium",
    ),
    (
        "Two-Door Wardrobe",
        "Storage",
        "100 x 58 x 200 cm",
        {"w": 100.0, "d": 58.0, "h": 200.0},
        "large",
    ),
]
