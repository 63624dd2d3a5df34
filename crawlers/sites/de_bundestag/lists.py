"""A list of Vorgänge, Drucksachen or Vorgangspositionen: a record of kind `<entity>_list`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from crawlers.sites.de_bundestag.dip import API, dip_text, kom_field, kom_number, paper_reference
from crawlers.sites.de_bundestag.vorgang import position_event
from crawlers.sites.readers.json_data import dig
from vocab.dates import parse_date, parse_datetime
from vocab.fetch import Response
from vocab.identifiers import find_identifiers
from vocab.records import Item, Record

_ENTITY_LIST = {"Vorgang": "vorgang_list", "Dokument": "drucksache_list"}


def with_kom(
    entities: list[Mapping[str, Any]], params: Mapping[str, str]
) -> list[Mapping[str, Any]]:
    """With `kom`, the listed Vorgänge whose `kom` field is that Commission document."""
    if not params.get("kom"):
        return entities
    wanted = ("com", kom_number(params["kom"]))
    return [e for e in entities if wanted in find_identifiers(kom_field(dip_text(e.get("kom"))))]


def list_record(entities: list[Mapping[str, Any]], first: Response) -> Record:
    typ = dip_text(entities[0].get("typ")) if entities else ""
    # An empty list has no entity to tell its kind: the endpoint in the URL does.
    endpoint = urlsplit(first.url).path.rstrip("/").rsplit("/", 1)[-1]
    kind = _ENTITY_LIST.get(typ) or f"{typ.lower() or endpoint}_list"
    readers = {
        "Vorgang": _vorgang_item,
        "Dokument": _drucksache_item,
        "Vorgangsposition": _position_item,
    }
    items = {
        item.id: item
        for item in (readers.get(dip_text(e.get("typ")), _other_item)(e) for e in entities)
    }
    return Record(kind=kind, url=first.url, items=tuple(sorted(items.values(), key=lambda i: i.id)))


def _vorgang_item(vorgang: Mapping[str, Any]) -> Item:
    return Item(
        id=dip_text(vorgang.get("id")),
        title=dip_text(vorgang.get("titel")),
        link=f"{API}vorgang/{dip_text(vorgang.get('id'))}",
        published=parse_date(dip_text(vorgang.get("datum"))),
        summary=" — ".join(
            filter(
                None,
                [dip_text(vorgang.get("vorgangstyp")), dip_text(vorgang.get("beratungsstand"))],
            )
        ),
        updated=parse_datetime(dip_text(vorgang.get("aktualisiert"))),
    )


def _drucksache_item(drucksache: Mapping[str, Any]) -> Item:
    return Item(
        id=paper_reference(drucksache) or dip_text(drucksache.get("id")),
        title=dip_text(drucksache.get("titel")),
        link=dip_text(dig(drucksache, "fundstelle", "pdf_url")),
        published=parse_date(dip_text(drucksache.get("datum"))),
        summary=dip_text(drucksache.get("drucksachetyp")),
        updated=parse_datetime(dip_text(drucksache.get("aktualisiert"))),
    )


def _position_item(position: Mapping[str, Any]) -> Item:
    event = position_event(position)
    return Item(
        id=dip_text(position.get("id")),
        title=f"{event.title}: {dip_text(position.get('titel'))}",
        link=event.url,
        published=event.date,
        summary=event.reference,
        updated=parse_datetime(dip_text(position.get("aktualisiert"))),
    )


def _other_item(entity: Mapping[str, Any]) -> Item:
    return Item(id=dip_text(entity.get("id")), title=dip_text(entity.get("titel")))
