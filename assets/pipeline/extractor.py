"""LLM #1 step: product text (HTML stripped) and images → ProductPlacementFacts."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from assets.prompts.texts import EXTRACTOR_INSTRUCTIONS
from seeitnow.ai.base import AIError, AIProvider, ImageInput, ProductText
from seeitnow.ai.schema import ProductPlacementFacts

MAX_IMAGES = 3
MAX_DESCRIPTION_CHARS = 8000

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4",
    "h5", "h6", "section", "article", "blockquote", "dd", "dt", "hr",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "template", "noscript"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def strip_html(text: str) -> str:
    """Plain text of an HTML description: tags dropped, one line per block."""
    collector = _TextCollector()
    collector.feed(text or "")
    collector.close()
    plain = html.unescape("".join(collector.parts)).replace("\xa0", " ")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in plain.split("\n"))
    return "\n".join(line for line in lines if line)


def product_text(
    *,
    title: str,
    description_html: str = "",
    product_type: str = "",
    vendor: str = "",
    tags: list[str] | tuple[str, ...] = (),
    metafields: dict[str, str] | None = None,
) -> ProductText:
    """ProductText from a Shopify product's fields, description as plain text."""
    return ProductText(
        title=title.strip(),
        description=strip_html(description_html)[:MAX_DESCRIPTION_CHARS],
        product_type=product_type.strip(),
        vendor=vendor.strip(),
        tags=tuple(t.strip() for t in tags if t and t.strip()),
        metafields={str(k): strip_html(str(v)) for k, v in (metafields or {}).items()},
    )


def extract_facts(
    *, provider: AIProvider, product: ProductText, images: list[ImageInput]
) -> ProductPlacementFacts:
    """Run LLM #1 with the extractor instructions; raises AIError."""
    facts = provider.extract_facts(
        product=product, images=images[:MAX_IMAGES], instructions=EXTRACTOR_INSTRUCTIONS
    )
    if not isinstance(facts, ProductPlacementFacts):
        raise AIError("ai_bad_response", "the extractor returned no facts")
    return facts
