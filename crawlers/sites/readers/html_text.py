"""Reading HTML as text: one parse on BeautifulSoup's lxml builder, then what a site module
needs from an element (its text on one line or split where blocks break, absolute links,
the page's canonical address, a label as a field name).

Always the lxml builder, never `html.parser`: every site module then sees the same tree
for the same markup, whatever the page's flaws.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag

# Never text a reader sees: controls, code and what a browser shows without scripts.
SKIPPED = frozenset({"button", "script", "style", "noscript"})


def parse_html(markup: str | bytes) -> BeautifulSoup:
    """The document tree of `markup`, on the lxml builder."""
    return BeautifulSoup(markup, "lxml")


def text(tag: Tag | None) -> str:
    """An element's whole text on one line, runs of white space (and &nbsp;) as one space."""
    return " ".join(tag.get_text(" ").split()) if tag is not None else ""


def block_lines(tag: Tag, blocks: Collection[str]) -> list[str]:
    """An element's text split where one of `blocks` (tag names) opens or closes, each line
    with white space collapsed, empty ones dropped; buttons, scripts and comments left out."""
    parts = "".join(_pieces(tag, blocks)).split("\n")
    return [line for part in parts if (line := " ".join(part.split()))]


def inline_text(tag: Tag | None, blocks: Collection[str]) -> str:
    """The text of `block_lines` on one line: blocks apart by a space, never run together."""
    return " ".join(block_lines(tag, blocks)) if tag is not None else ""


def _pieces(tag: Tag, blocks: Collection[str]) -> Iterator[str]:
    for child in tag.children:
        if type(child) is NavigableString:  # not a comment, CDATA or doctype
            yield re.sub(r"\s+", " ", str(child))  # its own line breaks are no block's
        elif isinstance(child, Tag) and child.name not in SKIPPED:
            edge = "\n" if child.name in blocks else ""
            yield edge
            yield from _pieces(child, blocks)
            yield edge


def absolute_url(base: str, href: object) -> str:
    """A link's address made absolute against `base`, the white space around it dropped."""
    return urljoin(base, str(href).strip())


def canonical_url(soup: BeautifulSoup, fallback: str) -> str:
    """The page's `<link rel="canonical">` address, else `fallback` (the fetched URL)."""
    link = soup.find("link", rel="canonical", href=True)
    return str(link["href"]).strip() if link else fallback


def field_name(label: str) -> str:
    """A label as the page prints it as a field name: 'Legal basis:' → 'legal_basis'."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
