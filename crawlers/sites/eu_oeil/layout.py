"""Which OEIL page a response is (old layout, table layout, document summary) and its
sections by heading."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from crawlers.sites.eu_oeil.address import KIND
from crawlers.sites.readers.html_text import text
from vocab.errors import ParseError
from vocab.fetch import Response


@dataclass(frozen=True)
class Page:
    """A parsed procedure file: the soup, its sections by lower-cased heading, the response."""

    soup: BeautifulSoup
    sections: Mapping[str, Tag]
    response: Response

    def fail(self, what: str) -> ParseError:
        return page_error(what, self.response)


def page_error(what: str, response: Response) -> ParseError:
    """A ParseError naming the page and this kind."""
    return ParseError(what, url=response.url, kind=KIND)


def page_layout(soup: BeautifulSoup) -> str | None:
    """'old', 'table' (2023 and current procedure file), 'summary', or None."""
    if soup.find("span", class_="proc-section-switch"):
        return "old"
    if soup.find("div", class_="oeil-spy-section"):
        return "table"
    if soup.find(class_=re.compile(r"product-subtitle$")):
        return "summary"
    return None


def glimpse(soup: BeautifulSoup) -> str:
    """What the page is instead, for the error message: its title or its first words."""
    title = text(soup.find("title"))
    if title:
        return f"page title {title!r}"
    return f"page starts {text(soup)[:80]!r}"


def sections_of(soup: BeautifulSoup, layout: str) -> dict[str, Tag]:
    """The page's sections by lower-cased heading, as its layout lays them out."""
    return _old_sections(soup) if layout == "old" else _table_sections(soup)


def _old_sections(soup: BeautifulSoup) -> dict[str, Tag]:
    # The old page keeps a heading and its content in sibling blocks; the heading's
    # open/close switch names the content block's id.
    found: dict[str, Tag] = {}
    for switch in soup.find_all("span", class_="proc-section-switch"):
        content = soup.find(id=switch.get("data-id") or None)
        if isinstance(content, Tag):
            found.setdefault(text(switch.parent).lower(), content)
    return found


def _table_sections(soup: BeautifulSoup) -> dict[str, Tag]:
    found: dict[str, Tag] = {}
    for section in soup.find_all("div", class_="oeil-spy-section"):
        heading = section.find("h2")
        if heading is not None:
            found.setdefault(text(heading).lower(), section)
    return found
