"""The official pages a file links to, such as its OEIL procedure file or its bill on congress.gov.

Each site module says which page a person opens for a record it read
(`official_page`); a file asks the newest record of each of its sources. An EU
procedure's key alone names its OEIL and EUR-Lex pages, so a file known only
because others cite it links there too. Pure: records in, (site, URL) out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from crawlers.sites import SITES
from vocab.identifiers import procedure
from vocab.records import Record, record_from_json


def official_pages(
    key: str, newest: Iterable[tuple[str, Mapping[str, Any]]]
) -> list[tuple[str, str]]:
    """(site name, URL) for a file: from its key, then from each source's newest record; each once."""
    records = [*_from_key(key), *((kind, record_from_json(data)) for kind, data in newest)]
    pages: dict[str, str] = {}
    for kind, record in records:
        found = _page(kind, record)
        if found:
            pages.setdefault(found[1], found[0])
    return [(site, url) for url, site in pages.items()]


def _from_key(key: str) -> list[tuple[str, Record]]:
    reference = procedure(key.removeprefix("EU:")) if key.startswith("EU:") else None
    if not reference:
        return []
    named = Record(kind="procedure", key=key, identifiers=(("procedure", reference),))
    return [("eu_oeil", named), ("eu_eurlex", named)]


def _page(kind: str, record: Record) -> tuple[str, str] | None:
    page = getattr(SITES.get(kind), "official_page", None)
    return page(record) if page else None
