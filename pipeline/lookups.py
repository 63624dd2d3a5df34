"""What storing a batch of records looks up, read once for the batch instead of once per record.

The latest version of each source, the files named by key (a record's own, and
the EU files it cites), the files holding the identifiers it cites. Read inside
the batch's transaction, after its sources are locked. Anything not read ahead
(a second record of one source, a file created by an earlier record of the
batch) is looked up in the database as before, so a lookup is never stale in a
way that matters: a key read as missing that another record has since created
is found by the insert's conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session

from db import repo
from db.models import Dossier, Source, Version
from monitor import link
from vocab.records import Record

Pair = tuple[str, str]


class Lookups:
    """A batch's lookups; `Lookups()` reads everything from the database when asked."""

    def __init__(self) -> None:
        self.versions: dict[int, Version | None] = {}  # taken once per source
        self.keys: dict[str, Dossier | None] = {}
        self.identifiers: dict[Pair, Dossier] = {}
        self.looked: set[Pair] = set()
        self.cited: dict[int, list[Pair]] = {}  # id(record) -> its citations

    def latest_version(self, session: Session, source_id: int) -> Version | None:
        """The source's latest version (read ahead once; afterwards from the database)."""
        if source_id in self.versions:
            return self.versions.pop(source_id)
        return repo.latest_version(session, source_id=source_id)

    def dossier_by_key(self, session: Session, key: str) -> Dossier | None:
        """The file with this key, if there was one when the batch began (else asked)."""
        if key in self.keys:
            return self.keys[key]
        return repo.dossier_by_key(session, key=key)

    def citations(self, record: Record, home: str) -> list[Pair]:
        """The files the record cites (worked out once)."""
        cited = self.cited.get(id(record))
        return cited if cited is not None else link.citations(record, home)

    def by_identifiers(self, session: Session, pairs: list[Pair]) -> dict[Pair, Dossier]:
        """The files holding these identifiers: from the batch's read if it asked for all."""
        if not set(pairs) <= self.looked:
            return repo.dossiers_by_identifiers(session, pairs=pairs)
        return {p: self.identifiers[p] for p in pairs if p in self.identifiers}


def home_of(record: Record, source: Source) -> str:
    """The jurisdiction of the file a source's record belongs to."""
    return link.jurisdiction(record.key, source.jurisdiction or "EU")


def key_of(record: Record, source: Source) -> str:
    """The key a record's file is looked up by first: its own, or the source's file."""
    return record.key or link.fallback_key(source.name)


def look_up(session: Session, stored: Sequence[tuple[Source, Record]]) -> Lookups:
    """Read what storing these records will look up: three queries for the batch."""
    found = Lookups()
    ids = list(dict.fromkeys(source.id for source, _ in stored))
    found.versions = dict.fromkeys(ids) | repo.latest_versions(session, source_ids=ids)
    found.cited = {id(r): cited for s, r in stored if (cited := _citations(r, s)) is not None}
    keys = {key_of(r, s) for s, r in stored} | set(_stub_keys(found.cited.values()))
    found.keys = dict.fromkeys(keys) | repo.dossiers_by_keys(session, keys=keys)
    found.looked = {pair for pairs in found.cited.values() for pair in pairs}
    found.identifiers = repo.dossiers_by_identifiers(session, pairs=found.looked)
    return found


def _citations(record: Record, source: Source) -> list[Pair] | None:
    """The record's citations; None if working them out fails (its own store will say why)."""
    try:
        return link.citations(record, home_of(record, source))
    except Exception:  # a bug: storing this record meets it again, inside its fault boundary
        return None


def _stub_keys(cited: Iterable[list[Pair]]) -> list[str]:
    return [f"EU:{value}" for pairs in cited for scheme, value in pairs if scheme == "procedure"]
