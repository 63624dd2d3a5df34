"""Store a parsed record: the source's next Version, its classified Changes, its file and timeline.

`store_record` is what a crawl does with a record once parsed; `place` finds the
file (Dossier) a record belongs to and links the files it cites. Both run inside
the source's transaction (pipeline/run.py), so a Version is never stored
without its Changes.
"""

from __future__ import annotations

from sqlmodel import Session

from db import repo
from db.models import DocumentRow, Dossier, EventRow, Source, Version, utcnow
from monitor import link
from monitor.classify import classify_all
from monitor.diff import Seen, diff_records, document_key, event_key
from monitor.fingerprint import json_fingerprint
from pipeline.lookups import Lookups, home_of, key_of
from pipeline.steps import step
from vocab.fetch import Plan
from vocab.records import Document as RecordDocument
from vocab.records import Event as RecordEvent
from vocab.records import Record, record_from_json, record_to_json


def store_record(
    session: Session,
    *,
    source: Source,
    record: Record,
    plan: Plan | None = None,
    known: Lookups | None = None,
) -> tuple[str, int]:
    """Store a parsed record as the source's next Version with its Changes, if it differs.

    `known`: what a batch read ahead for its records (pipeline/lookups.py).
    """
    known = known or Lookups()
    previous = known.latest_version(session, source.id)
    data = record_to_json(record)  # made once: fingerprinted and stored
    mark = json_fingerprint(data)
    if previous is not None and previous.fingerprint == mark:
        return "unchanged", 0
    seen = _stage_seen(session, source, previous, record)  # before the new version is stored
    dossier = place(session, source=source, record=record, known=known)
    version = repo.add_version(
        session,
        source_id=source.id,
        dossier_id=dossier.id,
        fingerprint=mark,
        record=data,
        text=record.text,
        last=previous,
    )
    specs = _changes(previous, record, plan, seen) if previous else []
    repo.add_changes(session, version=version, previous=previous, specs=specs)
    _add_timeline(session, dossier=dossier, source=source, record=record)
    return ("changed" if specs else "ok"), len(specs)


def _stage_seen(session: Session, source: Source, previous: Version | None, record: Record) -> Seen:
    """The source's stage history, read only when the stage changes (it damps flip-flops)."""
    if previous is None or (previous.record or {}).get("stage", "") == record.stage:
        return Seen()
    return Seen(tuple(repo.stage_history(session, source_id=source.id)), utcnow())


def _changes(previous: Version, record: Record, plan: Plan | None, seen: Seen) -> list:
    """The classified differences from the previous version; a bug here is a Fault."""
    if plan is None:
        return classify_all(diff_records(record_from_json(previous.record), record, seen=seen))
    with step("comparing with the last version", plan):
        return classify_all(diff_records(record_from_json(previous.record), record, seen=seen))


def place(
    session: Session, *, source: Source, record: Record, known: Lookups | None = None
) -> Dossier:
    """The file a source's version belongs to; the files it cites are linked, never joined.

    A record that names its file (a key) is that file, or the file it is already
    known as under another key (a Zaak and its motion). A record that names none
    (a watched page, a feed) is a file of its own: a press feed citing
    2022/0155(COD) is linked to that procedure, not filed under it.
    """
    known = known or Lookups()
    home = home_of(record, source)
    if record.key:
        found = _known_as(session, record, home, known)
        key, own = (found.key if found else record.key), link.own_identifiers(record, home)
    else:
        key, own = key_of(record, source), []
        found = known.dossier_by_key(session, key)
    dossier, new = repo.ensure_dossier_new(
        session,
        key=key,
        title=record.title,
        jurisdiction=home,
        stage=record.stage,
        looked_up=True,  # by key (or by an identifier: then found, under its key)
        found=found,
    )
    repo.add_identifiers(session, dossier=dossier, pairs=own, new=new)
    _link_citations(session, dossier=dossier, record=record, home=home, new=new, known=known)
    return dossier


def _known_as(session: Session, record: Record, home: str, known: Lookups) -> Dossier | None:
    """The file a keyed record names: by its key, else by an identifier that names one file only."""
    dossier = known.dossier_by_key(session, record.key)
    if dossier is None:
        candidates = link.join_candidates(link.own_identifiers(record, home), strong_only=True)
        dossier = repo.dossier_by_identifier(session, pairs=candidates)
    return dossier


def _link_citations(
    session: Session, *, dossier: Dossier, record: Record, home: str, new: bool, known: Lookups
) -> None:
    """Link every file the record cites: the files found in one query, the new links in one more.

    A file created just now links to nothing yet.
    """
    pairs = known.citations(record, home)
    holders = known.by_identifiers(session, pairs)
    linked = repo.linked_from(session, dossier_id=dossier.id) if pairs and not new else set()
    links: list[tuple[int, str]] = []
    for scheme, value in pairs:
        cited = holders.get((scheme, value))
        if cited is None and scheme == "procedure":
            cited = _stub(session, value, known)  # not crawled yet: the link must not wait for it
        if cited is not None and cited.id != dossier.id and cited.id not in linked:
            links.append((cited.id, value))
            linked.add(cited.id)
    repo.add_links(session, from_id=dossier.id, links=links, relation="cites")


def _stub(session: Session, procedure: str, known: Lookups) -> Dossier:
    """The EU file a record cites, known so far only by its reference; its sources fill it in.

    Its title is the shipped one for the files Lexwatch watches out of the box.
    """
    key = f"EU:{procedure}"
    dossier, new = repo.ensure_dossier_new(
        session,
        key=key,
        title=link.KNOWN_TITLES.get(procedure, ""),
        jurisdiction="EU",
        stage="",
        looked_up=True,
        found=known.dossier_by_key(session, key),
    )
    repo.add_identifiers(session, dossier=dossier, pairs=[("procedure", procedure)], new=new)
    return dossier


def _add_timeline(session: Session, *, dossier: Dossier, source: Source, record: Record) -> None:
    events = [_event_row(e, dossier, source) for e in record.events]
    documents = [_document_row(d, dossier, source) for d in record.documents]
    repo.add_timeline(session, events=events, documents=documents)


def _event_row(e: RecordEvent, dossier: Dossier, source: Source) -> EventRow:
    return EventRow(
        dossier_id=dossier.id,
        source_id=source.id,
        dedupe_key=repr(event_key(e)),
        date=e.date,
        title=e.title,
        kind=e.kind,
        reference=e.reference,
        url=e.url,
        origin=e.source,
        forecast=e.forecast,
    )


def _document_row(d: RecordDocument, dossier: Dossier, source: Source) -> DocumentRow:
    return DocumentRow(
        dossier_id=dossier.id,
        source_id=source.id,
        dedupe_key=repr(document_key(d)),
        title=d.title,
        reference=d.reference,
        date=d.date,
        url=d.url,
        kind=d.kind,
    )
