"""A SyncFeed page (Atom, `/SyncFeed/2.0/Feed?category=Zaak`): a record of kind `syncfeed`.

The SyncFeed is an API in an Atom envelope whose entries carry entity XML; feedparser would
treat that XML as HTML content, so the envelope is read directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from crawlers.sites.nl_tweedekamer.elements import atom_link, child_text, local_name, text_of
from crawlers.sites.nl_tweedekamer.odata import SLUG, item_order
from crawlers.sites.readers.xml_data import ATOM, Element, read_xml
from vocab.dates import parse_datetime
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.records import Item, Record


def syncfeed_record(responses: Sequence[Response]) -> Record:
    items: dict[str, Item] = {}
    for response in responses:
        entries = read_xml(response, SLUG).iter(f"{ATOM}entry")
        items.update((item.id, item) for item in map(_atom_item, entries))
    return Record(
        kind="syncfeed", url=responses[0].url, items=tuple(sorted(items.values(), key=item_order))
    )


def next_page(response: Response) -> str:
    """The page after this one; '' for the last (an empty page repeats its own position)."""
    try:
        root = read_xml(response, SLUG)
    except ParseError:
        return ""
    if root.tag != f"{ATOM}feed" or root.find(f"{ATOM}entry") is None:
        return ""
    return atom_link(root, "next")


def _atom_item(entry: Element) -> Item:
    entity = _atom_entity(entry)
    guid = child_text(entry, f"{ATOM}title") or child_text(entry, f"{ATOM}id")
    if not guid:
        raise ParseError("SyncFeed entry without title or id", kind=SLUG)
    return Item(
        id=_local_text(entity, "nummer") or guid,
        title=_local_text(entity, "onderwerp") or _local_text(entity, "titel") or guid,
        link=atom_link(entry, "enclosure")
        or atom_link(entry, "alternate")
        or child_text(entry, f"{ATOM}id"),
        summary=_entity_summary(entity),
        updated=parse_datetime(child_text(entry, f"{ATOM}updated")),
    )


def _atom_entity(entry: Element) -> Element | None:
    content = entry.find(f"{ATOM}content")
    return None if content is None else next(iter(content), None)


def _local_text(entity: Element | None, name: str) -> str:
    """The text of the entity's child called `name`, whatever its namespace."""
    if entity is None:
        return ""
    return next((text_of(child) for child in entity if local_name(child) == name), "")


def _entity_summary(entity: Element | None) -> str:
    if entity is None:
        return ""
    deleted = any(k.endswith("verwijderd") and v == "true" for k, v in entity.attrib.items())
    return local_name(entity) + (" (verwijderd)" if deleted else "")
