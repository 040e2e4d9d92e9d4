"""Dimension parsing from free product text (cm, mm, m, in, ", ft, ')."""

from __future__ import annotations

import re
from dataclasses import dataclass

CM_PER_UNIT = {
    "mm": 0.1,
    "cm": 1.0,
    "m": 100.0,
    "in": 2.54,
    "ft": 30.48,
}

_UNIT = (
    r"(?P<unit{n}>(?:mm|cm|centimet(?:er|re)s?|millimet(?:er|re)s?|met(?:er|re)s?|m"
    r"|inch(?:es)?|in|feet|foot|ft)(?![a-z])|\"|''|')"
)
_NUM = r"(?P<num{n}>\d+(?:[.,]\d+)?)"
# A label written before the number ("W 80", "Height: 92", "Ø45") or after it
# ("80W", "92 cm high").
_LABEL_WORDS = (
    r"w|width|wide|d|depth|deep|h|height|high|tall|l|length|long|dia|diameter"
    r"|ø|⌀|thickness|thick|t"
)
_PRE = rf"(?:(?P<pre{{n}}>{_LABEL_WORDS})\s*[:=.]?\s*)?"
_POST = rf"(?:\s*(?P<post{{n}}>{_LABEL_WORDS})(?!(?!x)[a-z]))?"


def _item(n: int) -> str:
    unit = _UNIT.format(n=n)
    return (
        _PRE.format(n=n)
        + _NUM.format(n=n)
        + rf"(?:\s*{unit})?"
        + _POST.format(n=n)
        + rf"(?:\s*{_UNIT.format(n=f'b{n}')})?"
    )


_SEP = r"\s*(?:x|\*|by)\s*"
_TRIPLE = re.compile(
    r"(?<![\w.])" + _item(1) + _SEP + _item(2) + _SEP + _item(3), re.IGNORECASE
)
_PAIR = re.compile(r"(?<![\w.])" + _item(1) + _SEP + _item(2), re.IGNORECASE)
_FEET_INCHES = re.compile(r"(?<![\w.])(\d+)\s*'\s*(\d+(?:\.\d+)?)\s*(?:\"|'')")
_LABELLED = re.compile(
    rf"(?<![\w])(?P<label>{_LABEL_WORDS})\s*[:=.]?\s*(?P<num>\d+(?:[.,]\d+)?)\s*"
    rf"{_UNIT.format(n='')}",
    re.IGNORECASE,
)
_LABELLED_AFTER = re.compile(
    rf"(?<![\w.])(?P<num>\d+(?:[.,]\d+)?)\s*{_UNIT.format(n='')}\s*"
    r"(?P<label>wide|width|deep|depth|high|height|tall|long|length|diameter|thick)"
    r"(?![a-z])",
    re.IGNORECASE,
)

# "W x D x H: 80 x 30 x 180 cm", "Dimensions (H x W x D): ...": a header naming the
# axis order of the numbers that follow it (optionally after "(cm)" or a colon).
_HEADER = re.compile(
    rf"(?<![\w.])(?P<axes>(?:{_LABEL_WORDS})(?:\s*[x*]\s*(?:{_LABEL_WORDS})){{1,2}})"
    r"(?![\w])(?=(?P<gap>\s*\)?\s*(?:\(\s*[a-z]+\s*\)|in [a-z]+)?\s*[:=-]?\s*)\d)",
    re.IGNORECASE,
)
_HEADER_SEP = re.compile(r"\s*[x*]\s*", re.IGNORECASE)

# "Dimensions (cm): 40 x 40 x 38" declares the unit before bare numbers.
_DECLARED_UNIT = re.compile(
    r"\(\s*(cm|mm|in|inch(?:es)?|ft|feet|m)\s*\)|\bin (cm|mm|inches|feet)\b",
    re.IGNORECASE,
)

_LABEL_KEY = {
    "w": "w",
    "width": "w",
    "wide": "w",
    "d": "d",
    "depth": "d",
    "deep": "d",
    "h": "h",
    "height": "h",
    "high": "h",
    "tall": "h",
    "l": "l",
    "length": "l",
    "long": "l",
    "dia": "diameter",
    "diameter": "diameter",
    "ø": "diameter",
    "⌀": "diameter",
    "thickness": "thickness",
    "thick": "thickness",
    "t": "thickness",
}


def _unit_key(raw: str | None) -> str | None:
    if not raw:
        return None
    u = raw.lower()
    if u.startswith("mm") or u.startswith("milli"):
        return "mm"
    if u.startswith("c"):
        return "cm"
    if u in ("m",) or u.startswith("met"):
        return "m"
    if u.startswith("in") or u in ('"', "''"):
        return "in"
    if u in ("ft", "feet", "foot", "'"):
        return "ft"
    return None


def _num(raw: str) -> float:
    return float(raw.replace(",", "."))


@dataclass(frozen=True)
class ParsedDimensions:
    """Dimensions in cm; `l` is a length that the caller maps by product kind."""

    h: float | None = None
    w: float | None = None
    d: float | None = None
    diameter: float | None = None
    thickness: float | None = None
    l: float | None = None  # noqa: E741 (the label merchants actually write)
    unlabelled: tuple[float, ...] = ()

    def any(self) -> bool:
        """Whether anything was found."""
        return any(
            v is not None
            for v in (self.h, self.w, self.d, self.diameter, self.thickness, self.l)
        ) or bool(self.unlabelled)


def _normalise(text: str) -> str:
    return (
        text.replace("\u2033", '"')  # double prime
        .replace("\u201d", '"')
        .replace("\u201c", '"')
        .replace("\u2032", "'")  # prime
        .replace("\u2019", "'")
        .replace("\u00d7", "x")  # multiplication sign
    )


def _group_items(m: re.Match, count: int) -> list[tuple[float, str | None, str | None]]:
    items = []
    for n in range(1, count + 1):
        label = m.group(f"pre{n}") or m.group(f"post{n}")
        items.append(
            (
                _num(m.group(f"num{n}")),
                _unit_key(m.group(f"unit{n}") or m.group(f"unitb{n}")),
                _LABEL_KEY.get(label.lower()) if label else None,
            )
        )
    return items


def _from_group(
    items: list[tuple[float, str | None, str | None]], declared: str | None
) -> dict | None:
    units = [u for _, u, _ in items if u] or ([declared] if declared else [])
    if not units:
        return None
    # "80 x 40 x 120 cm": the trailing unit applies to every bare number.
    default_unit = units[-1]
    values = [
        (round(v * CM_PER_UNIT[u or default_unit], 1), label) for v, u, label in items
    ]
    return {"values": values}


def parse_dimensions(text: str) -> ParsedDimensions:
    """Find labelled, header-ordered or W x D x H dimensions in `text`, in cm."""
    # "40cm (dia) x 45cm (h)": a bracketed label reads like a bare one.
    text = re.sub(rf"\(\s*({_LABEL_WORDS})\s*\)", r"\1", _normalise(text), flags=re.I)
    # Three tiers: a label on the value itself ("H 92 cm") beats a header's axis
    # order ("W x D x H: ..."), which beats the default order of bare numbers.
    found: dict[str, float] = {}
    ordered: dict[str, float] = {}
    unlabelled: tuple[float, ...] = ()

    def take(
        values: list[tuple[float, str | None]], axes: tuple[str | None, ...]
    ) -> tuple[float, ...]:
        bare = []
        for (v, label), axis in zip(values, axes, strict=True):
            if label:
                found.setdefault(label, v)
            elif axis:
                ordered.setdefault(axis, v)
            else:
                bare.append(v)
        return tuple(bare)

    # Feet-and-inches ("5'6\"") becomes inches before the general patterns run.
    text = _FEET_INCHES.sub(
        lambda m: f'{int(m.group(1)) * 12 + float(m.group(2)):g}"', text
    )
    # Headers are blanked out (same length, so offsets hold) and remembered by the
    # offset of the first number they name.
    headers: dict[int, tuple[str, ...]] = {}

    def header(m: re.Match) -> str:
        axes = _HEADER_SEP.split(m.group("axes"))
        headers[m.end() + len(m.group("gap"))] = tuple(
            _LABEL_KEY[a.lower()] for a in axes
        )
        return " " * len(m.group(0))

    text = _HEADER.sub(header, text)
    for pattern, count in ((_TRIPLE, 3), (_PAIR, 2)):
        for m in pattern.finditer(text):
            before = _DECLARED_UNIT.findall(text[max(0, m.start() - 40) : m.start()])
            declared = _unit_key(next(u for u in before[-1] if u)) if before else None
            group = _from_group(_group_items(m, count), declared)
            if group is None:
                continue
            axes = headers.get(m.start(), ())
            if len(axes) != count:  # a header naming other axes is not trusted
                axes = (None,) * count
            bare = take(group["values"], axes)
            if bare and not unlabelled:
                unlabelled = bare
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
        if found or ordered or unlabelled:
            break
    for pattern in (_LABELLED, _LABELLED_AFTER):
        for m in pattern.finditer(text):
            unit = _unit_key(m.group("unit"))
            if unit is None:
                continue
            key = _LABEL_KEY[m.group("label").lower()]
            found.setdefault(key, round(_num(m.group("num")) * CM_PER_UNIT[unit], 1))
    for key, value in ordered.items():
        found.setdefault(key, value)
    return ParsedDimensions(
        h=found.get("h"),
        w=found.get("w"),
        d=found.get("d"),
        diameter=found.get("diameter"),
        thickness=found.get("thickness"),
        l=found.get("l"),
        unlabelled=unlabelled,
    )
