"""Files (dossiers): their keys, identifiers and links, and the steps and documents sources report."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from db.models import (
    DocumentRow,
    Dossier,
    DossierIdentifier,
    DossierLink,
    EventRow,
    Source,
    Version,
    utcnow,
)
from db.repo.unique import insert_all_once, insert_new, insert_once, insert_rows_once

__all__ = [
    "add_identifiers",
    "add_links",
    "add_timeline",
    "documents_of",
    "dossier_by_identifier",
    "dossier_by_key",
    "dossiers_by_identifiers",
    "dossiers_by_keys",
    "ensure_dossier",
    "ensure_dossier_new",
    "file_by_id",
    "file_page_list",
    "identifiers_of",
    "link_dossiers",
    "linked_from",
    "links_of",
    "list_dossiers",
    "timeline",
]


def dossier_by_identifier(session: Session, *, pairs: Iterable[tuple[str, str]]) -> Dossier | None:
    """The dossier that already holds one of these identifiers, in the order given."""
    for scheme, value in pairs:
        query = (
            select(Dossier)
            .join(DossierIdentifier, col(DossierIdentifier.dossier_id) == col(Dossier.id))
            .where(DossierIdentifier.scheme == scheme, DossierIdentifier.value == value)
            .order_by(col(Dossier.id))
        )
        found = session.exec(query).first()
        if found:
            return found
    return None


def dossiers_by_identifiers(
    session: Session, *, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Dossier]:
    """Each of these identifiers that a dossier holds, with the first such dossier: one query."""
    wanted = set(pairs)
    if not wanted:
        return {}
    query = (
        select(DossierIdentifier.scheme, DossierIdentifier.value, Dossier)
        .join(Dossier, col(DossierIdentifier.dossier_id) == col(Dossier.id))
        .where(col(DossierIdentifier.value).in_({value for _, value in wanted}))
        .order_by(col(Dossier.id))
    )
    found: dict[tuple[str, str], Dossier] = {}
    for scheme, value, dossier in session.exec(query):
        if (scheme, value) in wanted:
            found.setdefault((scheme, value), dossier)
    return found


def linked_from(session: Session, *, dossier_id: int) -> set[int]:
    """The files a file links to (any relation)."""
    query = select(DossierLink.to_id).where(DossierLink.from_id == dossier_id)
    return set(session.exec(query))


def list_dossiers(session: Session) -> list[Dossier]:
    """Every file, by key."""
    return list(session.exec(select(Dossier).order_by(Dossier.key)))


def file_page_list(
    session: Session, *, jurisdiction: str = "", limit: int = 100, offset: int = 0
) -> list[Dossier]:
    """Files, most recently updated first."""
    query = select(Dossier).order_by(col(Dossier.updated_at).desc(), col(Dossier.id))
    if jurisdiction:
        query = query.where(Dossier.jurisdiction == jurisdiction)
    return list(session.exec(query.offset(offset).limit(limit)))


def file_by_id(session: Session, *, dossier_id: int | None) -> Dossier | None:
    """A file by id."""
    return session.get(Dossier, dossier_id) if dossier_id else None


def dossier_by_key(session: Session, *, key: str) -> Dossier | None:
    """The dossier with this key."""
    return session.exec(select(Dossier).where(Dossier.key == key)).first()


def dossiers_by_keys(session: Session, *, keys: Iterable[str]) -> dict[str, Dossier]:
    """The dossiers with these keys that exist, in one query: key -> dossier."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    query = select(Dossier).where(col(Dossier.key).in_(wanted))
    return {dossier.key: dossier for dossier in session.exec(query)}


def ensure_dossier(
    session: Session, *, key: str, title: str, jurisdiction: str, stage: str
) -> Dossier:
    """The dossier with `key`, created when new; title and stage kept current.

    The first title a version brings stays (sources of one file word it
    differently); a stub's provisional title gives way to it.
    """
    dossier, _new = ensure_dossier_new(
        session, key=key, title=title, jurisdiction=jurisdiction, stage=stage
    )
    return dossier


def ensure_dossier_new(
    session: Session,
    *,
    key: str,
    title: str,
    jurisdiction: str,
    stage: str,
    looked_up: bool = False,
    found: Dossier | None = None,
) -> tuple[Dossier, bool]:
    """`ensure_dossier`, and whether this transaction created the dossier (nothing refers to it yet).

    looked_up: the caller has just looked the key up, and `found` is what it found.
    """
    dossier = found if looked_up else dossier_by_key(session, key=key)
    if dossier is None:  # another source of the same file may be creating it right now
        row = Dossier(key=key, title=title, jurisdiction=jurisdiction, stage=stage)
        dossier = insert_new(session, row)
        if dossier is not None:
            return dossier, True
        dossier = session.exec(select(Dossier).where(Dossier.key == key)).one()
    elif title and is_stub(session, dossier_id=dossier.id):
        dossier.title = title
    dossier.title = dossier.title or title
    if stage:
        dossier.stage, dossier.updated_at = stage, utcnow()
    return dossier, False


def is_stub(session: Session, *, dossier_id: int) -> bool:
    """True for a file known only because others cite it: no version of its own yet."""
    found = session.exec(select(Version.id).where(Version.dossier_id == dossier_id).limit(1))
    return found.first() is None


_IDENTIFIERS = DossierIdentifier.__table__  # type: ignore[attr-defined]
_LINKS = DossierLink.__table__  # type: ignore[attr-defined]


def add_identifiers(
    session: Session, *, dossier: Dossier, pairs: Iterable[tuple[str, str]], new: bool = False
) -> None:
    """Attach identifiers to a dossier (each once); new: the dossier has none yet."""
    query = select(DossierIdentifier.scheme, DossierIdentifier.value).where(
        DossierIdentifier.dossier_id == dossier.id
    )
    known = set() if new else {tuple(k) for k in session.exec(query)}
    rows = [
        {"dossier_id": dossier.id, "scheme": scheme, "value": value}
        for scheme, value in sorted(set(pairs) - known)
    ]
    insert_rows_once(session, _IDENTIFIERS, rows)


def identifiers_of(session: Session, *, dossier_id: int) -> list[tuple[str, str]]:
    """A dossier's identifiers, sorted."""
    query = select(DossierIdentifier.scheme, DossierIdentifier.value).where(
        DossierIdentifier.dossier_id == dossier_id
    )
    return sorted(tuple(row) for row in session.exec(query))


def link_dossiers(session: Session, *, from_id: int, to_id: int, relation: str, via: str) -> None:
    """Record that one file is related to another (once)."""
    query = select(DossierLink).where(DossierLink.from_id == from_id, DossierLink.to_id == to_id)
    if from_id != to_id and session.exec(query).first() is None:
        insert_once(session, DossierLink(from_id=from_id, to_id=to_id, relation=relation, via=via))


def add_links(
    session: Session, *, from_id: int, links: Iterable[tuple[int, str]], relation: str
) -> None:
    """Link one file to others, (to_id, via) each, in one statement; links already there stay."""
    now = utcnow()
    rows = [
        {"from_id": from_id, "to_id": to_id, "relation": relation, "via": via, "created_at": now}
        for to_id, via in links
        if to_id != from_id
    ]
    insert_rows_once(session, _LINKS, rows)


def links_of(session: Session, *, dossier_id: int) -> list[tuple[DossierLink, Dossier]]:
    """Every file linked to a dossier, in either direction, with the other side."""
    out = []
    for link in session.exec(
        select(DossierLink).where(
            (DossierLink.from_id == dossier_id) | (DossierLink.to_id == dossier_id)
        )
    ):
        other = link.to_id if link.from_id == dossier_id else link.from_id
        out.append((link, session.get(Dossier, other)))
    return out


def add_timeline(
    session: Session, *, events: Iterable[EventRow], documents: Iterable[DocumentRow]
) -> None:
    """Add the events and documents a source reports for a file, each (source, key) once.

    The unique (file, source, key) of each table keeps the first report of each.
    """
    insert_all_once(session, list(events))
    insert_all_once(session, list(documents))


def timeline(
    session: Session, *, dossier_id: int, with_links: bool = True
) -> list[tuple[EventRow, str, str]]:
    """Every source's reports of a file's steps (and, with_links, of the files linked to it).

    (event, its source's name, the linked file's key or '' for the file's own), by date.
    """
    ids = [dossier_id] + (
        [other.id for _l, other in links_of(session, dossier_id=dossier_id)] if with_links else []
    )
    query = (
        select(EventRow, Source.name, Dossier.key)
        .join(Source, col(Source.id) == col(EventRow.source_id))
        .join(Dossier, col(Dossier.id) == col(EventRow.dossier_id))
        .where(col(EventRow.dossier_id).in_(ids))
        .order_by(col(EventRow.date).nulls_first(), col(EventRow.id))  # SQLite's order, everywhere
    )
    return [
        (event, name, key if event.dossier_id != dossier_id else "")
        for event, name, key in session.exec(query)
    ]


def documents_of(session: Session, *, dossier_id: int) -> list[tuple[DocumentRow, str]]:
    """A file's documents from every source, by date, with the source's name."""
    query = (
        select(DocumentRow, Source.name)
        .join(Source, col(Source.id) == col(DocumentRow.source_id))
        .where(DocumentRow.dossier_id == dossier_id)
        .order_by(col(DocumentRow.date), col(DocumentRow.id))
    )
    return [(doc, name) for doc, name in session.exec(query)]
