"""The change feed (`/procedures/feed`, Atom): one item per procedure published or updated."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from crawlers.sites.eu_ep_api.jsonld import PROCESS_ID, SLUG, last_segment, url_for
from crawlers.sites.readers.xml_data import ATOM, Element, stripped
from vocab.dates import parse_datetime
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.identifiers import procedure_from_parts
from vocab.records import Item, Record


def feed_record(root: Element, response: Response) -> Record:
    timeframe = parse_qs(urlsplit(response.url).query).get("timeframe", [""])[0]
    items = {item.id: item for item in map(_feed_item, root.findall(f"{ATOM}entry"))}
    return Record(
        kind="procedure_list",
        title=f"EP procedures changed ({timeframe or 'feed'})",
        url=response.url,
        # Sorted: the feed's order (said to vary) is no change.
        items=tuple(sorted(items.values(), key=lambda item: item.id)),
    )


def _feed_item(entry: Element) -> Item:
    uri = stripped(entry, f"{ATOM}id")
    match = PROCESS_ID.match(last_segment(uri))
    if not match:
        raise ParseError(f"feed entry without a procedure id: {uri[:120]!r}", kind=SLUG)
    kind = _feed_type(entry)
    reference = procedure_from_parts(match[1], match[2], kind) if kind else ""
    process_id = last_segment(uri)
    return Item(
        id=reference or process_id,
        title=" ".join(stripped(entry, f"{ATOM}title").split()) or reference or process_id,
        link=url_for(reference or process_id),
        updated=parse_datetime(stripped(entry, f"{ATOM}updated")),
    )


def _feed_type(entry: Element) -> str:
    """The procedure type an entry's category names (its term or the end of its scheme)."""
    for category in entry.findall(f"{ATOM}category"):
        for value in (category.get("term", ""), last_segment(category.get("scheme", ""))):
            if re.fullmatch(r"[A-Z]{3}", value):
                return value
    return ""
