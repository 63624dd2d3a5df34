"""One Zaak with its documents, decisions and votes, its dossier and its scheduled
activities: a record of kind `zaak`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crawlers.sites.nl_tweedekamer.activities import activity_events
from crawlers.sites.nl_tweedekamer.besluiten import besluit_event, zaak_stage
from crawlers.sites.nl_tweedekamer.documents import document, document_event, document_order
from crawlers.sites.nl_tweedekamer.dossiers import dossier_pairs, motion_reference, publication_ids
from crawlers.sites.nl_tweedekamer.odata import (
    ODATA,
    SLUG,
    SOURCE,
    date_order,
    live,
    load_json,
    nonempty,
    single_zaak,
    text,
)
from vocab.dates import parse_date
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.identifiers import find_identifiers
from vocab.records import Event, Record, identifier_pairs

_EVENT_RANK = {"start": 0, "document": 1, "besluit": 2, "activiteit": 3}


def zaak_record(responses: Sequence[Response]) -> Record:
    zaak = single_zaak(load_json(responses[0]), responses[0].url) or {}
    number = text(zaak.get("Nummer"))
    if not number:
        raise ParseError("Zaak without Nummer", url=responses[0].url, kind=SLUG)
    title = text(zaak.get("Onderwerp")) or text(zaak.get("Titel"))
    if not title:
        raise ParseError(f"Zaak {number} has neither Onderwerp nor Titel", kind=SLUG)
    documents, besluiten = live(zaak.get("Document")), live(zaak.get("Besluit"))
    return Record(
        kind="zaak",
        key=f"NL:{number}",
        title=title,
        stage=zaak_stage(zaak, besluiten),
        url=f"{ODATA}Zaak({text(zaak.get('Id'))})",
        identifiers=zaak_identifiers(zaak, documents),
        events=_zaak_events(zaak, documents, besluiten),
        documents=tuple(sorted((document(d) for d in documents), key=document_order)),
        fields=_zaak_fields(zaak),
    )


def zaak_identifiers(
    zaak: Mapping[str, Any], documents: list[Mapping[str, Any]]
) -> tuple[tuple[str, str], ...]:
    pairs = [("nl_zaak", text(zaak.get("Nummer"))), *dossier_pairs(zaak)]
    texts = [text(zaak.get(name)) for name in ("Onderwerp", "Titel", "Citeertitel")]
    for entity in documents:
        pairs += [("nl_document", text(entity.get("DocumentNummer"))), *dossier_pairs(entity)]
        texts += [text(entity.get("Onderwerp")), text(entity.get("Titel"))]
        texts += publication_ids(entity)
    return identifier_pairs([*pairs, *find_identifiers("\n".join(texts))])


def _zaak_events(
    zaak: Mapping[str, Any],
    documents: list[Mapping[str, Any]],
    besluiten: list[Mapping[str, Any]],
) -> tuple[Event, ...]:
    ranked = [("start", _start_event(zaak))]
    ranked += [("document", document_event(d)) for d in documents]
    motion = motion_reference(zaak, documents)
    ranked += [("besluit", besluit_event(b, motion)) for b in besluiten]
    ranked += [("activiteit", a) for a in activity_events(zaak, besluiten)]
    return tuple(event for _, event in sorted(ranked, key=_event_order))


def _event_order(pair: tuple[str, Event]) -> tuple[Any, ...]:
    # By date, then start, documents, decisions, activities; the rest only so that the API's
    # order of documents (or activities) of one day does not read as a change.
    rank, event = pair
    return *date_order(event.date), _EVENT_RANK[rank], event.reference, event.title, event.details


def _start_event(zaak: Mapping[str, Any]) -> Event:
    return Event(
        date=parse_date(text(zaak.get("GestartOp"))),
        title="Zaak gestart",
        kind=text(zaak.get("Soort")),
        reference=text(zaak.get("Nummer")),
        url=f"{ODATA}Zaak({text(zaak.get('Id'))})",
        source=SOURCE,
    )


def _zaak_fields(zaak: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    names = (
        ("soort", "Soort"),
        ("titel", "Titel"),
        ("vergaderjaar", "Vergaderjaar"),
        ("volgnummer", "Volgnummer"),
        ("status", "Status"),
        ("huidige_behandelstatus", "HuidigeBehandelstatus"),
        ("kabinetsappreciatie", "Kabinetsappreciatie"),
        ("afgedaan", "Afgedaan"),
    )
    return nonempty((name, text(zaak.get(key))) for name, key in names)
