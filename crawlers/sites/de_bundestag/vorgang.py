"""A Vorgang with its steps (Vorgangspositionen) and papers: a record of kind `vorgang`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawlers.sites.de_bundestag.dip import (
    API,
    SLUG,
    dip_text,
    id_number,
    is_drucksache,
    kom_field,
    nonempty,
    of_typ,
    paper_reference,
)
from crawlers.sites.readers.json_data import dig, obj, objects
from vocab.dates import parse_date
from vocab.errors import ParseError
from vocab.identifiers import find_identifiers
from vocab.records import Document, Event, Record, identifier_pairs


def vorgang_record(vorgang: Mapping[str, Any], entities: list[Mapping[str, Any]]) -> Record:
    number, title = dip_text(vorgang.get("id")), dip_text(vorgang.get("titel"))
    if not number or not title:
        raise ParseError(f"Vorgang without {'id' if not number else 'titel'}", kind=SLUG)
    positions = [
        p for p in of_typ(entities, "Vorgangsposition") if dip_text(p.get("vorgang_id")) == number
    ]
    papers = [d for d in of_typ(entities, "Dokument") if d.get("dokumentart") == "Drucksache"]
    drucksachen = [d for d in papers if _tied(d, number, positions)]
    return Record(
        kind="vorgang",
        key=f"DE:vorgang-{number}",
        title=title,
        stage=dip_text(vorgang.get("beratungsstand")),
        url=f"{API}vorgang/{number}",
        identifiers=_identifiers(vorgang, positions, drucksachen),
        events=_events(vorgang, positions),
        documents=_documents(positions, drucksachen),
        fields=_fields(vorgang),
        text=_lines(vorgang.get("abstract")),
    )


def _tied(drucksache: Mapping[str, Any], number: str, positions: list[Mapping[str, Any]]) -> bool:
    """True when the paper belongs to the Vorgang: its `vorgangsbezug` names it, or (DIP cuts
    that list at four) one of the Vorgang's steps cites it."""
    named = {dip_text(v.get("id")) for v in objects(drucksache.get("vorgangsbezug"))}
    if number in named:
        return True
    cut = (drucksache.get("vorgangsbezug_anzahl") or 0) > len(named)
    cited = {dip_text(dig(p, "fundstelle", "id")) for p in positions}
    return cut and dip_text(drucksache.get("id")) in cited


def _lines(value: Any) -> str:
    """Readable text: one block per line, blank lines dropped."""
    return "\n".join(line.strip() for line in str(value or "").splitlines() if line.strip())


def _identifiers(
    vorgang: Mapping[str, Any],
    positions: list[Mapping[str, Any]],
    drucksachen: list[Mapping[str, Any]],
) -> tuple[tuple[str, str], ...]:
    papers = [(obj(p.get("fundstelle")), dip_text(p.get("zuordnung"))) for p in positions]
    papers += [(d, "") for d in drucksachen]
    pairs = [("de_vorgang", dip_text(vorgang.get("id")))]
    pairs += [
        ("de_drucksache", paper_reference(paper, chamber))
        for paper, chamber in papers
        if is_drucksache(paper)
    ]
    texts = _cited(vorgang, positions, drucksachen)
    return identifier_pairs([*pairs, *find_identifiers("\n".join(texts))])


def _cited(
    vorgang: Mapping[str, Any],
    positions: list[Mapping[str, Any]],
    drucksachen: list[Mapping[str, Any]],
) -> list[str]:
    """The texts that cite EU papers: titles, the abstract, the KOM and Ratsdok numbers."""
    texts = [dip_text(entity.get("titel")) for entity in [vorgang, *drucksachen]]
    texts.append(dip_text(vorgang.get("abstract")))
    for entity in [vorgang, *positions]:
        texts += [kom_field(dip_text(entity.get("kom"))), _ratsdok(dip_text(entity.get("ratsdok")))]
    return texts


def _ratsdok(number: str) -> str:
    # DIP gives the bare Council number ('9068/22'); the prefix lets find_identifiers read it.
    return f"Ratsdok. {number}" if number else ""


def _events(vorgang: Mapping[str, Any], positions: list[Mapping[str, Any]]) -> tuple[Event, ...]:
    ranked = [(id_number(p), position_event(p)) for p in positions]
    ranked += [(0, _promulgation(v)) for v in objects(vorgang.get("verkuendung"))]
    ranked += [(0, _entry_into_force(i)) for i in objects(vorgang.get("inkrafttreten"))]
    return tuple(event for _, event in sorted(ranked, key=_event_order))


def _event_order(pair: tuple[int, Event]) -> tuple[bool, str, int, str]:
    # Undated events last; positions of one day in DIP's own order (their ids).
    number, event = pair
    return event.date is None, event.date or "", number, event.title


def position_event(position: Mapping[str, Any]) -> Event:
    paper = obj(position.get("fundstelle"))
    chamber = dip_text(position.get("zuordnung"))
    return Event(
        date=parse_date(dip_text(position.get("datum")) or dip_text(paper.get("datum"))),
        title=dip_text(position.get("vorgangsposition")),
        kind=dip_text(position.get("dokumentart")) or dip_text(paper.get("dokumentart")),
        reference=paper_reference(paper, chamber),
        url=dip_text(paper.get("pdf_url")),
        source=chamber,
        details=_position_details(position),
    )


def _position_details(position: Mapping[str, Any]) -> str:
    paper = obj(position.get("fundstelle"))
    parts = [f"Urheber: {dip_text(paper.get('urheber'))}" if paper.get("urheber") else ""]
    referrals = [_referral(u) for u in objects(position.get("ueberweisung"))]
    parts.append(f"Überweisung: {', '.join(referrals)}" if referrals else "")
    parts += [_decision(b) for b in objects(position.get("beschlussfassung"))]
    activities = [_activity(a) for a in objects(position.get("aktivitaet_anzeige"))]
    parts.append(f"Aktivitäten: {', '.join(activities)}" if activities else "")
    return "; ".join(part for part in parts if part)


def _referral(ueberweisung: Mapping[str, Any]) -> str:
    lead = " (federführend)" if ueberweisung.get("federfuehrung") is True else ""
    return dip_text(ueberweisung.get("ausschuss")) + lead


def _decision(decision: Mapping[str, Any]) -> str:
    """'Beschluss: Annahme der Vorlage (20/5678, Namentliche Abstimmung, einstimmig, …)'.

    `abstimm_ergebnis_bemerkung` is the vote's result where DIP gives one ("einstimmig",
    the groups for and against); `grundlage` the article the decision rests on.
    """
    names = (
        "dokumentnummer",
        "abstimmungsart",
        "mehrheit",
        "abstimm_ergebnis_bemerkung",
        "grundlage",
    )
    extra = ", ".join(filter(None, (dip_text(decision.get(name)) for name in names)))
    tenor = dip_text(decision.get("beschlusstenor"))
    return f"Beschluss: {tenor}" + (f" ({extra})" if extra else "")


def _activity(activity: Mapping[str, Any]) -> str:
    return " ".join(
        filter(None, [dip_text(activity.get("aktivitaetsart")), dip_text(activity.get("titel"))])
    )


def _promulgation(verkuendung: Mapping[str, Any]) -> Event:
    return Event(
        date=parse_date(dip_text(verkuendung.get("verkuendungsdatum"))),
        title="Verkündung",
        kind="Verkündung",
        reference=dip_text(verkuendung.get("fundstelle")),
        url=dip_text(verkuendung.get("pdf_url")),
        source=dip_text(verkuendung.get("verkuendungsblatt_kuerzel")),
    )


def _entry_into_force(inkrafttreten: Mapping[str, Any]) -> Event:
    return Event(
        date=parse_date(dip_text(inkrafttreten.get("datum"))),
        title="Inkrafttreten",
        kind="Inkrafttreten",
        details=dip_text(inkrafttreten.get("erlaeuterung")),
    )


def _documents(
    positions: list[Mapping[str, Any]], drucksachen: list[Mapping[str, Any]]
) -> tuple[Document, ...]:
    """Each paper once, by reference: a Drucksache entity (it has a title) wins over a fundstelle."""
    found: dict[str, Document] = {}
    for position in positions:
        document = _fundstelle_document(position)
        if document.reference:
            found.setdefault(document.reference, document)
    found.update((d.reference, d) for d in map(_drucksache_document, drucksachen) if d.reference)
    return tuple(sorted(found.values(), key=lambda d: (d.date is None, d.date or "", d.reference)))


def _fundstelle_document(position: Mapping[str, Any]) -> Document:
    paper = obj(position.get("fundstelle"))
    kind = dip_text(paper.get("drucksachetyp")) or dip_text(paper.get("dokumentart"))
    authors = dip_text(paper.get("urheber"))
    return Document(
        title=(kind or dip_text(position.get("vorgangsposition")))
        + (f" ({authors})" if authors else ""),
        reference=paper_reference(paper, dip_text(position.get("zuordnung"))),
        date=parse_date(dip_text(paper.get("datum")) or dip_text(position.get("datum"))),
        url=dip_text(paper.get("pdf_url")),
        kind=kind,
    )


def _drucksache_document(drucksache: Mapping[str, Any]) -> Document:
    return Document(
        title=dip_text(drucksache.get("titel")),
        reference=paper_reference(drucksache),
        date=parse_date(dip_text(drucksache.get("datum"))),
        url=dip_text(dig(drucksache, "fundstelle", "pdf_url")),
        kind=dip_text(drucksache.get("drucksachetyp")),
    )


def _fields(vorgang: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    # `aktualisiert` is left out: a stamp that moves is not a change of the file.
    names = ("vorgangstyp", "wahlperiode", "gesta", "kom", "ratsdok", "initiative", "sachgebiet")
    pairs = [(name, dip_text(vorgang.get(name))) for name in names]
    descriptors = sorted(dip_text(d.get("name")) for d in objects(vorgang.get("deskriptor")))
    pairs.append(("deskriptor", "; ".join(filter(None, descriptors))))
    pairs.append(("zustimmungsbeduerftigkeit", dip_text(vorgang.get("zustimmungsbeduerftigkeit"))))
    return nonempty(pairs)
