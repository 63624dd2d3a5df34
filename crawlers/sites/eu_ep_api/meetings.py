"""A plenary sitting (`/meetings/{MTG-PL-YYYY-MM-DD}`, RDF/XML): its items and agenda points as
events, its minutes, verbatim report and agenda as documents."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from crawlers.sites.eu_ep_api.documents import document_label, document_of
from crawlers.sites.eu_ep_api.jsonld import SLUG, last_segment, preferred
from crawlers.sites.readers.xml_data import Element, stripped
from vocab.dates import parse_date, parse_datetime
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.identifiers import find_identifiers
from vocab.records import Document, Event, Record, identifier_pairs

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_ELI = "{http://data.europa.eu/eli/eli-draft-legislation-ontology#}"
_EPVOC = "{https://data.europarl.europa.eu/def/epvoc#}"
_SKOS = "{http://www.w3.org/2004/02/skos/core#}"
_VCARD = "{http://www.w3.org/2006/vcard/ns#}"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_Slot = tuple[str, list[Element]]  # an agenda time slot: its start, its agenda points
_Order = tuple[str, int, str]  # slot start, activity_order, activity_id


def meeting_record(root: Element, response: Response) -> Record:
    sitting = _sitting(root, response)
    events = _meeting_events(root, sitting)
    return Record(
        kind="meeting",
        title=_label(sitting) or _value(sitting, "activity_id"),
        url=response.url,
        identifiers=identifier_pairs(find_identifiers(" ".join(e.title for e in events))),
        events=tuple(events),
        documents=tuple(_meeting_documents(sitting)),
        fields=_meeting_fields(sitting),
    )


def _meeting_events(root: Element, sitting: Element) -> list[Event]:
    """The minutes' items, then the agenda's points (forecasts), each in the sitting's order."""
    about = RDF + "about"
    index = {el.get(about): el for el in root.iter() if len(el) and el.get(about)}
    items = [_meeting_event(node, None) for node in _children(sitting, _ELI + "consists_of", index)]
    agenda = [_meeting_event(node, slot) for slot in _frames(sitting, index) for node in slot[1]]
    return [event for event, _ in sorted(items + agenda, key=_meeting_order)]


def _sitting(root: Element, response: Response) -> Element:
    candidates = [node for node in root if node.find(_ELI + "activity_id") is not None]
    for node in candidates:
        if last_segment(_resource(node, "had_activity_type")).endswith("PLENARY_SITTING"):
            return node
    if candidates:
        return candidates[0]
    raise ParseError(
        "no meeting (an activity with an activity_id) in the RDF", url=response.url, kind=SLUG
    )


def _children(node: Element, tag: str, index: Mapping[str, Element]) -> Iterator[Element]:
    """Nodes under `tag`: nested ones, or ones named by rdf:resource and described elsewhere."""
    for link in node.findall(tag):
        nested = [child for child in link if child.get(RDF + "about")]
        described = index.get(link.get(RDF + "resource", ""))
        yield from nested or ([described] if described is not None else [])


def _frames(sitting: Element, index: Mapping[str, Element]) -> list[_Slot]:
    """The agenda's time slots, each with its start time and its agenda points."""
    slots = _children(sitting, _EPVOC + "scheduledIn", index)
    return [
        (_value(slot, "activity_start_date"), list(_children(slot, _ELI + "consists_of", index)))
        for slot in slots
    ]


def _meeting_event(node: Element, slot: _Slot | None) -> tuple[Event, _Order]:
    point = _agenda_point(node)
    event = Event(
        date=parse_date(_value(node, "activity_date")),
        title=_label(node),
        kind=last_segment(_resource(node, "had_activity_type")),
        reference=document_label(last_segment(_resource(node, "recorded_in_a_realization_of"))),
        url=node.get(RDF + "about", ""),
        source="EP",
        forecast=slot is not None,
        details=f"agenda point {point}" if point else "",
    )
    return event, (
        slot[0] if slot else "",
        _number(_value(node, "activity_order")),
        _value(node, "activity_id"),
    )


def _agenda_point(node: Element) -> str:
    for notation in node.findall(_SKOS + "notation"):
        if notation.get(RDF + "datatype", "").endswith("agendaPoint"):
            return (notation.text or "").strip()
    return ""


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _meeting_order(pair: tuple[Event, _Order]) -> tuple[bool, str, bool, str, int, str]:
    # RDF/XML keeps no order: the minutes first by item number, then the agenda by time slot.
    event, (slot, order, activity_id) = pair
    return (event.date is None, event.date or "", event.forecast, slot, order, activity_id)


def _value(node: Element, name: str) -> str:
    return stripped(node, _ELI + name)


def _resource(node: Element, name: str) -> str:
    found = node.find(_ELI + name)
    return found.get(RDF + "resource", "") if found is not None else ""


def _label(node: Element) -> str:
    texts: dict[str, str] = {}
    for label in node.findall(_ELI + "activity_label"):
        texts.setdefault(label.get(_LANG, ""), (label.text or "").strip())
    return preferred(texts)


def _meeting_documents(sitting: Element) -> list[Document]:
    day = parse_date(_value(sitting, "activity_date"))
    links = sitting.findall(_ELI + "recorded_in_a_realization_of")
    links += sitting.findall(_ELI + "documented_by_a_realization_of")
    ids = sorted({last_segment(link.get(RDF + "resource", "")) for link in links} - {""})
    return [document_of(doc_id, day) for doc_id in ids]


def _meeting_fields(sitting: Element) -> tuple[tuple[str, str], ...]:
    locality = sitting.find(_VCARD + "hasLocality")
    pairs = [
        ("activity_id", _value(sitting, "activity_id")),
        ("activity_type", last_segment(_resource(sitting, "had_activity_type"))),
        ("start", parse_datetime(_value(sitting, "activity_start_date")) or ""),
        ("end", parse_datetime(_value(sitting, "activity_end_date")) or ""),
        (
            "locality",
            last_segment(locality.get(RDF + "resource", "")) if locality is not None else "",
        ),
        ("parliamentary_term", last_segment(_resource(sitting, "parliamentary_term"))),
        ("attendees", _value(sitting, "number_of_attendees")),
    ]
    return tuple((name, value) for name, value in pairs if value)
