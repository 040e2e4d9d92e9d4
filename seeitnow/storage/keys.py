"""The storage key layout of SPEC §4: the only module that spells it."""

from __future__ import annotations


def room_key(*, shop_id: object, room_session_id: object, name: str) -> str:
    """`rooms/{shopId}/{roomSessionId}/{name}`: a room session's images."""
    return f"rooms/{shop_id}/{room_session_id}/{name}"


def room_prefix(*, shop_id: object, room_session_id: object) -> str:
    """`rooms/{shopId}/{roomSessionId}/`: every image of one room session."""
    return room_key(shop_id=shop_id, room_session_id=room_session_id, name="")


def cutout_key(*, shop_id: object, product_id: str, asset_id: object) -> str:
    """`shops/{shopId}/products/{productId}/prepared-{assetId}.png`."""
    return f"shops/{shop_id}/products/{product_id}/prepared-{asset_id}.png"


def variant_prefix(*, run_id: object) -> str:
    """`see-it-now/{runId}/`: every variant and final image of a run."""
    return f"see-it-now/{run_id}/"


def variant_key(*, run_id: object, variant_id: str) -> str:
    """`see-it-now/{runId}/{variantId}.jpg`: a generated variant."""
    return f"{variant_prefix(run_id=run_id)}{variant_id}.jpg"


def thumb_key(*, run_id: object, variant_id: str) -> str:
    """`see-it-now/{runId}/thumb-{variantId}.jpg`: a variant's small rendition."""
    return f"{variant_prefix(run_id=run_id)}thumb-{variant_id}.jpg"


def final_key(*, run_id: object, variant_id: str) -> str:
    """`see-it-now/{runId}/final-{variantId}.jpg`: an upscaled selection."""
    return f"{variant_prefix(run_id=run_id)}final-{variant_id}.jpg"


def shop_prefixes(*, shop_id: object) -> list[str]:
    """The folders that hold a shop's own files (rooms and product cutouts)."""
    return [f"rooms/{shop_id}/", f"shops/{shop_id}/"]
