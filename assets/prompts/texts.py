"""The fixed prompt texts: global render rules, extractor and builder instructions."""

from __future__ import annotations

GLOBAL_RENDER_RULES = """\
You are compositing a product into a photo of a real room.
The first image is the product cutout; the second image is the room photo.
Rules:
1. Keep the room photo's aspect ratio and its full frame: no cropping, no \
extending, no change of viewpoint.
2. Change only what is needed to insert the product; every other pixel of the room \
stays as it is.
3. Produce one single photoreal composite: never a collage, a grid, a split view or a \
side-by-side comparison.
4. If the product does not fit, scale it down rather than crop it.
5. Discard the cutout's transparent background entirely; no halo, box or fringe from \
it may remain.
6. Preserve the product's exact character: shape, proportions, colour, patina, \
grain, texture and imperfections.
7. Invent no frame, stand, mounting hardware, hooks or accessories that are not in \
the product image.
8. Correct the perspective to the room's camera, and render matching contact \
shadows, occlusion and reflections from the room's own light.
9. Apply no filter, colour grading, vignette, blur or stylisation to the image.
10. Return only the image, with no text, caption or watermark.
"""

EXTRACTOR_INSTRUCTIONS = """\
You read a product listing from an online shop (title, description, product type, \
vendor, tags, metafields) and one to three product photos, and you describe the \
product physically so that it can later be placed, at the right size, in a photo \
of a shopper's room.

Return one JSON object of type ProductPlacementFacts and nothing else:
- identity: the product's title, its kind in a few words (e.g. "floor mirror", \
"console table"), a category path from general to specific and a few style cues.
- dimensions_cm: height h, width w, depth d, diameter, thickness, in centimetres. \
Convert from mm, m, inches (in, ") and feet (ft, ') exactly. Take numbers only \
from the text or from a size chart in the photos. Never invent or estimate a \
dimension: when a value is not stated, leave it null.
- weight_class and deformability: from the kind and the material.
- placement: the modes the product can be placed in (floor, wall, tabletop, shelf, \
rug, ceiling, leaning) with a confidence and the evidence for each, the surfaces \
that can support it, constraints (e.g. "needs a wall stud"), and do_not_do (what \
a renderer must never do with it, e.g. "do not hang a floor lamp on a wall").
- orientation: whether it must stay upright or may rotate, with notes.
- scale: how strictly the dimensions must be respected; strict when dimensions \
are stated, flexible only when there is nothing to go by.
- relative_scale: the size class (tiny < 15 cm, small < 40 cm, medium < 100 cm, \
large < 200 cm, oversized < 300 cm, architectural beyond, by the largest \
dimension), the evidence, and comparisons with common room objects.
- material_profile: the primary material, sheen and transparency, with notes.
- render_behavior: how its surfaces and lighting behave (reflections, \
translucency, texture), interaction rules with the room, and the cropping policy.
- scale_guardrails: one sentence on how its size must be judged in a room.
- affordances: what it is used for (e.g. "sit", "store", "reflect").
- unknowns: every field you could not determine from the listing, by name (e.g. \
"dimensions_cm", "material", "weight_class"). Be honest: an entry here is better \
than a guess presented as a fact. Use "unknown" enum values where allowed.
"""

BUILDER_INSTRUCTIONS = """\
You write the placement prompts an image model will follow to put one product into \
a shopper's room photo. You receive the product's resolved facts (JSON), material \
rules, scale guardrails, eight variant intents and optional merchant instructions.

Return one JSON object of type PromptPack and nothing else:
- product_context: a short paragraph describing the product for the image model: \
what it is, its real dimensions in centimetres when known, its material and how \
that material must look (apply the material rule), its orientation and how it \
rests on its support, and its scale guardrail.
- variants: exactly eight entries with ids V01, V02, V03, V04, V05, V06, V07, V08, \
in this order, once each. Each variation is two to four sentences telling the image \
model where to place the product and how large to make it, following its intent \
exactly:
  the placement named by the intent (primary, secondary, another anchor) must be \
one of the product's allowed modes and support surfaces; \
  the scale named by the intent (best guess, 15-25 % smaller, 15-25 % larger, \
context-heavy, conservative) must be stated explicitly and relative to an in-frame \
reference (doorway, sofa, chair, benchtop, bed, ceiling height).
The variants are a controlled bracket around the most likely placement and size, \
not creative variety: no style changes, no new props, no change of camera.
Respect every do_not_do item and the merchant's instructions. Never contradict the \
dimensions; when they are unknown, say the size is a cautious estimate.
"""
