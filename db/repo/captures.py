"""What crawls fetched: snapshots of each URL and their bodies, kept once per SHA-256.

Also what a crawl starts from (plans: the latest snapshot of every known URL)
and the retention of old bodies.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import BindParameter, Row, bindparam, exists, func, insert, text, update
from sqlmodel import Session, col, delete, select
from sqlmodel.sql.expression import SelectOfScalar

from db.models import Blob, Snapshot, Source, Version, utcnow
from db.repo.sources import CrawlTarget, hold_source
from db.repo.unique import insert_rows_once
from vocab.fetch import Capture, Known, Plan, Target

__all__ = [
    "bodies",
    "body",
    "drop_unversioned",
    "latest_snapshot",
    "mark_parsed",
    "plans",
    "remove_old_bodies",
    "store_blob",
    "store_capture",
    "touch_snapshots",
]


def plans(
    session: Session, *, sources: Sequence[Source | CrawlTarget], secrets: dict[str, str]
) -> list[Plan]:
    """What to crawl for each source, with what is known of its URLs (two queries for all).

    Both look each source, or each URL, up in an index: neither reads a source's history,
    so their cost does not grow with the snapshots and versions its crawls have stored.
    """
    ids = [s.id for s in sources]
    known = _known(session, ids)
    versioned = set(session.exec(select(Source.id).where(col(Source.id).in_(ids), _VERSIONED)))
    return [
        Plan(
            s.id,
            s.name,
            s.kind,
            Target(s.url, dict(s.params), secrets),
            known.get(s.id, {}),
            s.id in versioned,
        )
        for s in sources
    ]


_VERSIONED = exists().where(Version.source_id == Source.id)  # one index lookup a source


def _known(session: Session, source_ids: list[int]) -> dict[int, dict[str, Known]]:
    """The newest snapshot of every URL of these sources (plain rows: no ORM object is made).

    A few index lookups per URL, however many snapshots each URL has had (_KNOWN).
    """
    known: dict[int, dict[str, Known]] = {}
    for *fields, source_id, url in session.execute(_KNOWN, {"ids": source_ids}):
        known.setdefault(source_id, {})[url] = Known(*fields)
    return known


# Every URL of the sources, then each URL's newest snapshot, each found by a lookup in the
# index on (source_id, url, fetched_at, id): the URLs one after another (the least URL above the
# last one), the newest as `_newest_of` orders them. A GROUP BY over the snapshots read
# every snapshot the sources ever had, and a page whose every answer differs (a clock in
# it) has one per crawl, kept for the retention period.
_KNOWN_COLUMNS = [
    "id",
    "etag",
    "last_modified",
    "sha256",
    "content_type",
    "parsed",
    "source_id",
    "url",
]
_KNOWN_SQL = """
WITH RECURSIVE pages(source_id, url) AS (
  SELECT s.id, (SELECT min(x.url) FROM snapshot x WHERE x.source_id = s.id)
  FROM source s WHERE s.id IN :ids
  UNION ALL
  SELECT p.source_id,
         (SELECT min(x.url) FROM snapshot x WHERE x.source_id = p.source_id AND x.url > p.url)
  FROM pages p WHERE p.url IS NOT NULL
)
SELECT n.id, n.etag, n.last_modified, n.sha256, n.content_type, n.parsed, n.source_id, n.url
FROM pages p JOIN snapshot n ON n.id = (
  SELECT y.id FROM snapshot y WHERE y.source_id = p.source_id AND y.url = p.url
  ORDER BY y.fetched_at DESC, y.id DESC LIMIT 1
)
"""
_KNOWN = (
    text(_KNOWN_SQL)
    .bindparams(bindparam("ids", expanding=True))
    .columns(
        *(Snapshot.__table__.c[name] for name in _KNOWN_COLUMNS)  # type: ignore[attr-defined]
    )
)


def touch_snapshots(session: Session, *, seen: Sequence[tuple[int, datetime, str, str]]) -> None:
    """Record that these snapshots were seen again (304 or the same bytes): one statement for all.

    A Core statement run for each row (half the cost of the ORM's bulk update by key).
    """
    if seen:
        rows = [{"at": at, "etag": etag, "mod": mod, "key": i} for i, at, etag, mod in seen]
        session.connection().execute(_TOUCH, rows)


_TABLE = Snapshot.__table__  # type: ignore[attr-defined]
_BLOBS = Blob.__table__  # type: ignore[attr-defined]
_TOUCH = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("key"))
    .values(last_seen_at=bindparam("at"), etag=bindparam("etag"), last_modified=bindparam("mod"))
)


def store_capture(session: Session, *, capture: Capture) -> tuple[str, str, bool, bool] | None:
    """Record a capture: (sha256, content type, new?, parsed?) or None for a 304 with nothing stored.

    Core statements throughout: no Snapshot or Blob object is built or flushed.
    """
    hold_source(session, source_id=capture.source_id)  # two crawls of one URL: one new snapshot
    last = _last_seen(session, capture)
    if capture.status == 304:
        if last is None:
            return None
        _seen_again(session, last.id, capture.fetched_at, last.etag, last.last_modified)
        return last.sha256, last.content_type, False, last.parsed
    sha256 = hashlib.sha256(capture.body).hexdigest()
    etag, modified = capture.headers.get("etag", ""), capture.headers.get("last-modified", "")
    if last is not None and last.sha256 == sha256:
        _seen_again(session, last.id, capture.fetched_at, etag, modified)
        return sha256, last.content_type, False, last.parsed
    store_blob(session, sha256=sha256, body=capture.body)
    _add_snapshot(session, capture, sha256, etag, modified)
    return sha256, capture.headers.get("content-type", ""), True, False


def _last_seen(session: Session, capture: Capture) -> Row | None:
    """What store_capture needs of the newest snapshot of the capture's URL, if there is one."""
    found = session.connection().execute(_LAST, {"source": capture.source_id, "page": capture.url})
    return found.first()


def _seen_again(session: Session, snapshot_id: int, at: datetime, etag: str, mod: str) -> None:
    session.connection().execute(_TOUCH, {"at": at, "etag": etag, "mod": mod, "key": snapshot_id})


def _add_snapshot(session: Session, capture: Capture, sha256: str, etag: str, mod: str) -> None:
    row = {
        "source_id": capture.source_id,
        "run_id": None,
        "url": capture.url,
        "role": capture.role,
        "status": capture.status,
        "sha256": sha256,
        "etag": etag,
        "last_modified": mod,
        "content_type": capture.headers.get("content-type", ""),
        "fetched_at": capture.fetched_at,
        "last_seen_at": capture.fetched_at,
        "parsed": False,
        "versioned": False,
    }
    session.connection().execute(_ADD, row)


def mark_parsed(
    session: Session, *, source_id: int, urls: Iterable[str], versioned: bool = False
) -> None:
    """The latest snapshots of these URLs have been turned into the source's current version.

    `versioned`: that version is new (their bodies made it), so the bodies are kept.
    A Core statement run for each URL: no snapshot is loaded, none needs refreshing.
    """
    rows = [{"source": source_id, "page": url} for url in urls]
    if rows:
        session.connection().execute(_MARK_VERSIONED if versioned else _MARK, rows)


def drop_unversioned(session: Session, *, source_id: int, urls: Iterable[str]) -> None:
    """These URLs have a new snapshot, parsed: the one before each goes if its body made no version.

    Parsed and no version made: its body said what a kept one said already, and the
    newer snapshot has the later validators. So each URL keeps the bodies that made a
    version, its newest, and any that could not be parsed (until the retention period).
    Its body goes too, unless another snapshot holds it (one body may be at two URLs).
    """
    connection = session.connection()
    for url in urls:
        before = connection.execute(_BEFORE, {"source": source_id, "page": url}).first()
        if before is not None and before.parsed and not before.versioned:
            connection.execute(_DROP, {"key": before.id})
            connection.execute(_ORPHAN, {"sha": before.sha256})


def _newest_of(
    source_id: int | BindParameter, url: str | BindParameter
) -> SelectOfScalar[Snapshot]:
    return (
        select(Snapshot)
        .where(Snapshot.source_id == source_id, Snapshot.url == url)
        .order_by(col(Snapshot.fetched_at).desc(), col(Snapshot.id).desc())
    )


# The newest snapshot of one URL (bound per row: "page", as "url" names a column), marked parsed.
_NEWEST = _newest_of(bindparam("source"), bindparam("page")).with_only_columns(col(Snapshot.id))
_MARK = update(_TABLE).where(_TABLE.c.id == _NEWEST.limit(1).scalar_subquery()).values(parsed=True)
_MARK_VERSIONED = _MARK.values(versioned=True)
# The snapshot of one URL before its newest; a body no snapshot holds any more.
_BEFORE = (
    _newest_of(bindparam("source"), bindparam("page"))
    .with_only_columns(_TABLE.c.id, _TABLE.c.sha256, _TABLE.c.parsed, _TABLE.c.versioned)
    .limit(1)
    .offset(1)
)
_DROP = delete(_TABLE).where(_TABLE.c.id == bindparam("key"))
_ORPHAN = delete(_BLOBS).where(
    _BLOBS.c.sha256 == bindparam("sha"), ~exists().where(_TABLE.c.sha256 == bindparam("sha"))
)


# What store_capture needs of the newest snapshot of one URL; and a new snapshot.
_LAST_COLUMNS = ("id", "sha256", "content_type", "parsed", "etag", "last_modified")
_LAST = (
    _newest_of(bindparam("source"), bindparam("page"))
    .with_only_columns(*(_TABLE.c[name] for name in _LAST_COLUMNS))
    .limit(1)
)
_ADD = insert(_TABLE)


def latest_snapshot(session: Session, *, source_id: int, url: str) -> Snapshot | None:
    """The newest snapshot of one URL of a source."""
    return session.exec(_newest_of(source_id, url)).first()


def store_blob(session: Session, *, sha256: str, body: bytes) -> None:
    """Keep a body once per SHA-256, compressed (another source may bring the same body).

    zlib level 1: a page compresses 4x faster than at level 6 and about 10 % larger.
    """
    row = {
        "sha256": sha256,
        "size": len(body),
        "data": zlib.compress(body, 1),
        "created_at": utcnow(),
    }
    insert_rows_once(session, _BLOBS, [row])


def body(session: Session, *, sha256: str) -> bytes | None:
    """The uncompressed bytes of a stored body."""
    blob = session.get(Blob, sha256)
    return zlib.decompress(blob.data) if blob else None


def bodies(session: Session, *, sha256s: Iterable[str]) -> dict[str, bytes]:
    """The uncompressed bytes of these stored bodies, in one query: sha256 -> bytes."""
    wanted = sorted(set(sha256s))
    if not wanted:
        return {}
    query = select(Blob.sha256, Blob.data).where(col(Blob.sha256).in_(wanted))
    return {sha256: zlib.decompress(data) for sha256, data in session.exec(query)}


def remove_old_bodies(session: Session, *, days: int) -> int:
    """Drop snapshots older than `days` that are not the latest of their URL, then unreferenced bodies."""
    cutoff = utcnow() - timedelta(days=days)
    latest = select(func.max(Snapshot.id)).group_by(Snapshot.source_id, Snapshot.url)
    session.exec(
        delete(Snapshot).where(Snapshot.fetched_at < cutoff, col(Snapshot.id).not_in(latest))
    )
    orphans = select(Blob.sha256).where(col(Blob.sha256).not_in(select(Snapshot.sha256)))
    doomed = list(session.exec(orphans))
    if doomed:
        session.exec(delete(Blob).where(col(Blob.sha256).in_(doomed)))
    return len(doomed)
