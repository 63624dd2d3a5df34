"""A EUR-Lex document page (legal-content/EN/ALL/?uri=…) as a `document` Record."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bs4 import BeautifulSoup, Tag

from crawlers.sites.eu_eurlex.address import SLUG
from crawlers.sites.eu_eurlex.details import (
    SLASHED_PROCEDURE,
    canonical_reference,
    detail_name,
    detail_value,
    dl_pairs,
    inline,
)
from crawlers.sites.readers.html_text import canonical_url
from vocab.dates import parse_date
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.identifiers import find_identifiers, procedure_from_parts
from vocab.records import Document, Record, identifier_pairs


def document_record(response: Response, soup: BeautifulSoup) -> Record:
    """The document page as a `document` Record, keyed by its procedure when it names one."""
    number = _document_number(soup, response)
    title = _document_title(soup, response)
    pairs = [pair for dl in soup.select("dl.NMetadata") for pair in dl_pairs(dl)]
    fields = {detail_name(label): detail_value(label, v) for label, v in pairs if label != "Link"}
    procedures = sorted(_document_procedures(pairs))
    found = [*find_identifiers(number), *(("procedure", p) for p in procedures)]
    return Record(
        kind="document",
        key=f"EU:{procedures[0]}" if len(procedures) == 1 else "",
        title=title,
        url=response.url,
        identifiers=identifier_pairs([*found, *_celex_fields(fields)]),
        documents=(_page_document(soup, response, number, title, fields),),
        fields=tuple(sorted({"document_number": number, **fields}.items())),
    )


def _document_title(soup: BeautifulSoup, response: Response) -> str:
    title = inline(soup.find(id="title")) or inline(soup.find(id="englishTitle"))
    if not title:
        raise ParseError("document title (p#title) is missing", url=response.url, kind=SLUG)
    return title


def _document_number(soup: BeautifulSoup, response: Response) -> str:
    """'P9_A(2021)0270' from the page heading 'Document P9_A(2021)0270'."""
    heading = inline(soup.select_one("p.DocumentTitle"))
    number = re.sub(r"^Document\s+", "", heading)
    if not number:
        raise ParseError(
            "document number (p.DocumentTitle) is missing", url=response.url, kind=SLUG
        )
    return number


def _document_procedures(pairs: list[tuple[str, Tag]]) -> set[str]:
    found: set[str] = set()
    for label, value in pairs:
        if label.startswith("Procedure number"):
            for match in SLASHED_PROCEDURE.finditer(inline(value)):
                found.add(procedure_from_parts(match[1], match[2], match[3]))
    return found


def _celex_fields(fields: Mapping[str, str]) -> set[tuple[str, str]]:
    """CELEX numbers the page states as such (a 'CELEX number' metadata line)."""
    return {
        pair
        for name, value in fields.items()
        if "celex" in name
        for pair in find_identifiers(value)
    }


def _page_document(
    soup: BeautifulSoup, response: Response, number: str, title: str, fields: Mapping[str, str]
) -> Document:
    return Document(
        title=title,
        reference=canonical_reference(number),
        date=parse_date(fields.get("date_of_document")),
        url=canonical_url(soup, response.url),
        kind=fields.get("form", ""),
    )
