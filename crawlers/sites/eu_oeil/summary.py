"""OEIL's document summary page (`/oeil/en/document-summary?id=…`) as a `summary` Record."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bs4 import BeautifulSoup, Tag

from crawlers.sites.eu_oeil.address import current_url
from crawlers.sites.eu_oeil.layout import page_error
from crawlers.sites.readers.html_text import text
from vocab.dates import parse_date
from vocab.fetch import Response
from vocab.identifiers import procedure
from vocab.records import Record, identifier_pairs


def read_summary(soup: BeautifulSoup, response: Response) -> Record:
    """The document summary page as a `summary` Record keyed by the procedure it summarises."""
    subtitle = soup.find(class_=re.compile(r"product-subtitle$"))
    content = soup.find(class_=re.compile(r"product-content$"))
    found = {
        "title": text(soup.find(class_=re.compile(r"product-name$"))),
        "procedure reference": procedure(text(subtitle)) or "",
        # Its <time datetime> is a template placeholder (2018-07-01 on every page): read the text.
        "date": parse_date(text(subtitle.find("time"))) or "",
        "text": _summary_text(content),
    }
    missing = [what for what, value in found.items() if not value]
    if missing:
        raise page_error(f"no {', '.join(missing)} in the document summary", response)
    return _summary_record(found, content, response)


def _summary_text(content: Tag | None) -> str:
    """The summary's paragraphs, one a line."""
    if not isinstance(content, Tag):
        return ""
    return "\n".join(line for p in content.find_all("p") if (line := text(p)))


def _summary_record(found: Mapping[str, str], content: Tag, response: Response) -> Record:
    reference = found["procedure reference"]
    # The document summarised, e.g. "Text adopted by Parliament, single reading".
    document_type = text(content.find(class_=re.compile(r"links-list$")))
    return Record(
        kind="summary",
        key=f"EU:{reference}",
        title=found["title"],
        url=current_url(response.url),
        identifiers=identifier_pairs([("procedure", reference)]),
        fields=tuple(
            (k, v) for k, v in (("date", found["date"]), ("document_type", document_type)) if v
        ),
        text=found["text"],
    )
