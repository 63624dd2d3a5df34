"""repo.store_capture: what a fetched answer leaves in the database, on SQLite and PostgreSQL.

Each answer is stored in a transaction of its own, as the spider's `keep` stores it.
"""

from __future__ import annotations

import hashlib
import zlib
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlmodel import select

from db import repo
from db.engine import get_engine, session_scope
from db.models import Blob, Snapshot, Source
from db.retry import in_transaction
from vocab.fetch import Capture
from vocab.settings import get_settings

URL = "http://127.0.0.1:9/page.html"
BODY = b"<html><body><h1>Chat control</h1><p>Awaiting the committee vote.</p></body></html>"
SHA = hashlib.sha256(BODY).hexdigest()
FIRST, SECOND = datetime(2026, 5, 1, 9, tzinfo=UTC), datetime(2026, 5, 8, 9, tzinfo=UTC)


def _source() -> int:
    with session_scope(get_engine(get_settings().db_url)) as session:
        source = Source(name="store", kind="page", url=URL)
        session.add(source)
        session.flush()
        return source.id


def _store(source_id: int, status: int, body: bytes, at: datetime, url: str = URL, **headers):
    headers = {"content-type": "text/html", **headers}
    capture = Capture(source_id, url, "main", status, headers, body, at)
    return in_transaction(
        get_engine(get_settings().db_url), partial(repo.store_capture, capture=capture)
    )


def _snapshots(source_id: int) -> list[Snapshot]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        query = select(Snapshot).where(Snapshot.source_id == source_id).order_by(Snapshot.id)
        rows = list(session.exec(query))
        session.expunge_all()
        return rows


def test_a_new_body_is_kept_once_compressed_with_its_snapshot(home: Path) -> None:
    source_id = _source()
    stored = _store(source_id, 200, BODY, FIRST, etag='"v1"', **{"last-modified": "Fri, 01 May"})
    assert stored == (SHA, "text/html", True, False)
    [snap] = _snapshots(source_id)
    assert (snap.url, snap.role, snap.status, snap.sha256) == (URL, "main", 200, SHA)
    kept = (snap.etag, snap.last_modified, snap.content_type)
    assert kept == ('"v1"', "Fri, 01 May", "text/html")
    assert snap.fetched_at == snap.last_seen_at == FIRST and not snap.parsed
    with session_scope(get_engine(get_settings().db_url)) as session:
        blob = session.get(Blob, SHA)
        assert blob is not None and blob.size == len(BODY)
        assert zlib.decompress(blob.data) == BODY
        assert repo.body(session, sha256=SHA) == BODY


def test_the_same_bytes_again_move_the_snapshot_on_and_store_nothing_new(home: Path) -> None:
    source_id = _source()
    _store(source_id, 200, BODY, FIRST, etag='"v1"')
    assert _store(source_id, 200, BODY, SECOND, etag='"v2"') == (SHA, "text/html", False, False)
    [snap] = _snapshots(source_id)
    assert (snap.fetched_at, snap.last_seen_at, snap.etag) == (FIRST, SECOND, '"v2"')


def test_a_304_moves_the_snapshot_on_and_keeps_its_validators(home: Path) -> None:
    source_id = _source()
    _store(source_id, 200, BODY, FIRST, etag='"v1"', **{"last-modified": "Fri, 01 May"})
    with session_scope(get_engine(get_settings().db_url)) as session:
        repo.mark_parsed(session, source_id=source_id, urls=[URL])
    assert _store(source_id, 304, b"", SECOND) == (SHA, "text/html", False, True)
    [snap] = _snapshots(source_id)
    assert (snap.last_seen_at, snap.etag, snap.last_modified) == (SECOND, '"v1"', "Fri, 01 May")


def test_a_304_for_a_url_never_stored_stores_nothing(home: Path) -> None:
    source_id = _source()
    assert _store(source_id, 304, b"", FIRST) is None
    assert _snapshots(source_id) == []


def test_an_edited_body_is_a_new_snapshot_and_one_body_serves_two_urls(home: Path) -> None:
    source_id = _source()
    edited = BODY.replace(b"Awaiting", b"After")
    _store(source_id, 200, BODY, FIRST)
    assert _store(source_id, 200, edited, SECOND)[2] is True
    assert _store(source_id, 200, BODY, SECOND, url=URL + "?copy")[2] is True
    snaps = _snapshots(source_id)
    assert [(s.url, s.sha256 == SHA) for s in snaps] == [
        (URL, True),
        (URL, False),
        (URL + "?copy", True),
    ]
    with session_scope(get_engine(get_settings().db_url)) as session:
        newest = repo.latest_snapshot(session, source_id=source_id, url=URL)
        assert newest is not None and newest.sha256 == hashlib.sha256(edited).hexdigest()
        assert len(list(session.exec(select(Blob.sha256)))) == 2  # the shared body once
