"""The fixed prompt texts: global render rules, extractor and builder instructions."""

from __future__ import annotations

GLOBAL_RENDER_RULES = """\
Edit image 2: place the product from image 1 into this room photo, as described \
below, so the result looks like an unedited photo of that room with the product \
really in it. This is an edit of image 2, not a new room and not a background swap.
Rules:
1. Room: keep the photo's aspect ratio, full frame, viewpoint and light. Change \
only what is needed to insert the product: move nothing and remove nothing; if the \
intended spot is taken, use the nearest free spot of the same kind.
2. Product: preserve its exact character: shape, proportions, colour, texture, \
patina, grain and imperfections. Its features are not flaws: do not smooth, \
polish or idealise it. Text, logos and labels on it stay as they are.
3. Hardware: do not add, remove or modify hardware; invent no frame, stand, \
mounting hardware, hooks, legs or accessories that image 1 does not show.
4. Size: make it the target size the variation states, judged against real \
references in the room (door, bench top, table height). Frame it as the product \
context's Framing line says; unless that line allows a crop, scale it down \
rather than crop it.
5. Contact: it rests on a real surface or hangs at the stated height, with \
contact shadows that match the room's main light and correct occlusion; nothing \
floats.
6. Blend: correct the perspective to the room's camera; match its light \
direction, colour temperature and reflections; discard image 1's transparent \
background entirely, with no halo, box or fringe.
7. Output: one single photoreal composite. Return only the image.
Avoid: a collage, grid, split view or side-by-side comparison; cropping or \
extending the room; filters, colour grading, vignette, blur or stylisation; \
captions, text or watermarks; extra copies of the product.
"""

# How renders.assembler joins the rules, the product context and one variation.
ASSEMBLY_TEMPLATE = """\
{rules}

Product context:
{product_context}

Variation:
{variation}
"""

EXTRACTOR_INSTRUCTIONS = """\
You read a product listing from an online shop (title, description, product type, \
vendor, tags, metafields) and one to three product photos, and you describe the \
product physically so that it can later be placed, at the right size, in a photo \
of a shopper's room.

Return one JSON object of type ProductPlacementFacts and nothing else:
- identity: the product's title, its kind in a few words (e.g. "floor mirror", \
"console table"), a short visual description for an image model (shape, colours, \
finish, distinctive details, visible text or logos; what it looks like, not \
marketing copy), a category path from general to specific and a few style cues.
- dimensions_cm: height h, width w, depth d, diameter, thickness, in centimetres. \
Convert from mm, m, inches (in, ") and feet (ft, ') exactly. Take numbers only \
from the text or from a size chart in the photos. Never invent or estimate a \
dimension: when a value is not stated, leave it null. Unlabelled "A x B x C" \
follows the kind: for a mirror, print or other flat piece the smallest number is \
the depth, and a floor mirror's largest number is its height.
- weight_class and deformability: from the kind and the material.
- placement: the modes the product can be placed in (floor, wall, tabletop, shelf, \
rug, ceiling, leaning) with a confidence and the evidence for each, the surfaces \
that can support it, constraints (e.g. "needs a wall stud"), and do_not_do (what \
a renderer must never do with it, e.g. "do not hang a floor lamp on a wall").
- orientation: whether it must stay upright or may rotate, with notes.
- scale: how strictly the dimensions must be respected; strict when dimensions \
are stated, flexible only when there is nothing to go by.
- relative_scale: the size class for its kind, not by the largest dimension \
alone: a 210 cm sofa, a 300 cm rug and a 180 cm floor mirror are large, typical \
of their kinds; only beyond a kind's usual range does the class rise (a 320 cm \
sectional is oversized). With no kind to go by: tiny < 15 cm, small < 40 cm, \
medium < 100 cm, large < 200 cm, oversized < 300 cm, architectural beyond. With \
no dimensions, use the words: "oversized", "XL", "floor mirror", "statement \
piece" mean large; "petite", "mini", "tabletop" mean small; else unknown. Give the \
evidence and comparisons with common room objects.
- material_profile: the primary material, sheen and transparency, with notes.
- render_behavior: how its surfaces and lighting behave (reflections, \
translucency, texture), interaction rules with the room, and the cropping policy: \
never_crop_product unless the product is usually partly hidden or runs past a \
view (a large rug under furniture: allow_crop_if_needed).
- scale_guardrails: leave empty; the app writes it from the class, kind and \
dimensions.
- affordances: what it is used for (e.g. "sit", "store", "reflect").
- unknowns: every field you could not determine from the listing, by name (e.g. \
"dimensions_cm", "material", "weight_class"). Be honest: an entry here is better \
than a guess presented as a fact. Use "unknown" enum values where allowed.
"""

BUILDER_INSTRUCTIONS = """\
You write the product-specific part of the prompts an image model follows to put \
one product into a shopper's room photo. You receive the product's resolved facts \
(JSON), the rules for its material, its scale guardrail, eight variant intents \
and optional merchant instructions.

The app already sends fixed rules with every prompt: you do not write global \
rules, image handling, aspect ratio or room preservation, and you never repeat or \
contradict them. Describe the product's visual identity, not marketing copy.

Return one JSON object of type PromptPack and nothing else:
- product_context: a short paragraph for the image model: what the product is and \
what it looks like (start from identity.visual_description), its real dimensions \
in centimetres when known, its material and how that material must look (apply \
every material rule given), its orientation and how it rests on or hangs from its \
support, and any do_not_do item.
- variants: exactly eight entries with ids V01, V02, V03, V04, V05, V06, V07, V08, \
in this order, once each. Each variation is two to four sentences telling the image \
model where to place the product and how large to make it, following its intent \
exactly:
  the placement named by the intent (primary, secondary, another anchor) must be \
one of the product's allowed modes and support surfaces, with its contact stated \
(which surface it stands on, or the hanging height of its centre in cm); \
  the size is stated as a target in centimetres and, where the room is likely to \
show one, as a ratio to a common anchor (door height about 200 cm, bench top about \
90 cm, table height about 75 cm).
Every variation is rendered by a separate call that sees no other variation: \
never refer to another variant or its id ("smaller than V01"); state the target \
size itself. End each variation with the line "Relative scale: " followed by the \
scale guardrail exactly as given.
The variants are a controlled bracket around the most likely placement and size, \
not creative variety: no style changes, no new props, no change of camera.
Respect every do_not_do item and the merchant's instructions. Never contradict the \
dimensions; when they are unknown, say the size is a cautious estimate.
"""
