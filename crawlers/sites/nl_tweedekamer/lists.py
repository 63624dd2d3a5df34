"""Any other OData `value` list of Zaken or Documents (a word, a dossier, a since query):
a record of kind `zaak_list`, one item each, with the listed Zaken's decisions and
activities as events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from crawlers.sites.nl_tweedekamer.activities import activity_events
from crawlers.sites.nl_tweedekamer.besluiten import besluit_event, zaak_stage
from crawlers.sites.nl_tweedekamer.dossiers import motion_reference
from crawlers.sites.nl_tweedekamer.odata import (
    ODATA,
    SLUG,
    date_order,
    item_order,
    live,
    load_json,
    text,
)
from crawlers.sites.nl_tweedekamer.zaak import zaak_identifiers
from vocab.dates import parse_date, parse_datetime
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.records import Event, Item, Record, identifier_pairs


def zaak_list_record(responses: Sequence[Response]) -> Record:
    entities: dict[str, Mapping[str, Any]] = {}
    for response in responses:
        values = load_json(response).get("value")
        if not isinstance(values, list):
            raise ParseError("OData response without a value list", url=response.url, kind=SLUG)
        if not values and "Nummer eq" in unquote(response.url):
            raise ParseError("no Zaak with the requested Nummer", url=response.url, kind=SLUG)
        entities.update((_number(entity), entity) for entity in live(values))
    zaken = [e for e in entities.values() if "Nummer" in e]
    # Sorted so that a page served in another order is not a change.
    return Record(
        kind="zaak_list",
        url=responses[0].url,
        identifiers=identifier_pairs(
            p for z in zaken for p in zaak_identifiers(z, live(z.get("Document")))
        ),
        events=tuple(sorted(_events(zaken), key=_list_event_order)),
        items=tuple(sorted(map(_item, entities.values()), key=item_order)),
    )


def _number(entity: Mapping[str, Any]) -> str:
    number = text(entity.get("Nummer") or entity.get("DocumentNummer"))
    if not number:
        raise ParseError("list entity without Nummer or DocumentNummer", kind=SLUG)
    return number


def _events(zaken: list[Mapping[str, Any]]) -> list[Event]:
    """The listed Zaken's decisions, and their activities once each (several Zaken share one)."""
    decisions = [e for z in zaken for e in _list_events(z)]
    activities = {e.step_id: e for z in zaken for e in _zaak_activities(z)}
    return decisions + list(activities.values())


def _zaak_activities(zaak: Mapping[str, Any]) -> list[Event]:
    return activity_events(zaak, live(zaak.get("Besluit")))


def _list_events(zaak: Mapping[str, Any]) -> list[Event]:
    """A listed Zaak's decisions as events, each titled with the motion it decides."""
    motion = motion_reference(zaak, live(zaak.get("Document")))
    label = f"{text(zaak.get('Soort')) or 'Zaak'} {motion.removeprefix('kst-')}"
    events = [besluit_event(b, motion) for b in live(zaak.get("Besluit"))]
    return [replace(e, title=f"{label}: {e.title}") for e in events]


def _list_event_order(event: Event) -> tuple[Any, ...]:
    return *date_order(event.date), event.reference, event.title, event.details


def _item(entity: Mapping[str, Any]) -> Item:
    entity_set = "Zaak" if "Nummer" in entity else "Document"
    stage = zaak_stage(entity, live(entity.get("Besluit"))) if entity_set == "Zaak" else ""
    parts = [text(entity.get("Soort")), text(entity.get("Titel")), stage]
    return Item(
        id=_number(entity),
        title=text(entity.get("Onderwerp")) or text(entity.get("Titel")),
        link=f"{ODATA}{entity_set}({text(entity.get('Id'))})",
        published=parse_date(text(entity.get("GestartOp") or entity.get("Datum"))),
        summary=" — ".join(filter(None, parts)),
        updated=parse_datetime(text(entity.get("GewijzigdOp"))),
    )
