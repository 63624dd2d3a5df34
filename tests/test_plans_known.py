"""repo.plans: what a crawl starts from, on SQLite and PostgreSQL.

A plan carries the newest snapshot of each URL its source has fetched (the
validators of its conditional requests, the body it compares an answer with)
and whether the source has a version yet. The newest is the one `store_capture`
compares the next answer with, however many snapshots the URL has had.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from db import repo
from db.engine import get_engine, session_scope
from db.models import Source
from db.retry import in_transaction
from vocab.fetch import Capture, Known
from vocab.settings import get_settings

PAGE, NOTICE = "http://127.0.0.1:9/page.html", "http://127.0.0.1:9/notice.html"
DAY = datetime(2026, 5, 1, 9, tzinfo=UTC)


def _source(name: str) -> int:
    with session_scope(get_engine(get_settings().db_url)) as session:
        source = Source(name=name, kind="page", url=PAGE)
        session.add(source)
        session.flush()
        return source.id


def _store(source_id: int, url: str, body: bytes, at: datetime, etag: str) -> None:
    headers = {"content-type": "text/html", "etag": etag}
    capture = Capture(source_id, url, "main", 200, headers, body, at)
    in_transaction(get_engine(get_settings().db_url), partial(repo.store_capture, capture=capture))


def _plans(*source_ids: int) -> dict[int, dict[str, Known]]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        targets = repo.crawl_targets(session, source_ids=source_ids)
        return {
            plan.source_id: plan.validators
            for plan in repo.plans(session, sources=targets, secrets={})
        }


def _newest(source_id: int, url: str) -> int:
    with session_scope(get_engine(get_settings().db_url)) as session:
        snapshot = repo.latest_snapshot(session, source_id=source_id, url=url)
        assert snapshot is not None and snapshot.id is not None
        return snapshot.id


def test_a_plan_knows_the_newest_snapshot_of_each_of_its_urls_and_no_others(home: Path) -> None:
    watched, other, new = _source("watched"), _source("other"), _source("new")
    for n in range(5):  # a page whose every answer differs: a snapshot each time
        _store(watched, PAGE, f"<p>generated {n}</p>".encode(), DAY + timedelta(hours=n), f'"p{n}"')
    _store(watched, NOTICE, b"<p>notice</p>", DAY, '"n0"')
    _store(other, PAGE, b"<p>another source's copy</p>", DAY, '"o0"')
    with session_scope(get_engine(get_settings().db_url)) as session:
        repo.mark_parsed(session, source_id=watched, urls=[NOTICE])
    known = _plans(watched, other, new)
    assert set(known) == {watched, other, new} and known[new] == {}
    assert set(known[watched]) == {PAGE, NOTICE} and set(known[other]) == {PAGE}
    page, notice = known[watched][PAGE], known[watched][NOTICE]
    assert (page.snapshot_id, page.etag, page.parsed) == (_newest(watched, PAGE), '"p4"', False)
    assert (notice.snapshot_id, notice.etag, notice.parsed) == (
        _newest(watched, NOTICE),
        '"n0"',
        True,
    )
    assert known[other][PAGE].etag == '"o0"'


def test_the_newest_is_the_latest_fetched_as_store_capture_reads_it(home: Path) -> None:
    """A snapshot stored after another but fetched before it (a clock set back) is not the newest."""
    source_id = _source("clock")
    _store(source_id, PAGE, b"<p>fetched at ten</p>", DAY + timedelta(hours=1), '"ten"')
    _store(source_id, PAGE, b"<p>fetched at nine</p>", DAY, '"nine"')
    known = _plans(source_id)[source_id][PAGE]
    assert (known.snapshot_id, known.etag) == (_newest(source_id, PAGE), '"ten"')


def test_a_plan_says_whether_its_source_has_a_version_yet(home: Path) -> None:
    versioned, fresh = _source("versioned"), _source("fresh")
    with session_scope(get_engine(get_settings().db_url)) as session:
        for seq in range(3):
            last = repo.latest_versions(session, source_ids=[versioned]).get(versioned)
            repo.add_version(
                session,
                source_id=versioned,
                dossier_id=None,
                fingerprint=f"f{seq}",
                record={},
                text="",
                last=last,
            )
    with session_scope(get_engine(get_settings().db_url)) as session:
        targets = repo.crawl_targets(session, source_ids=[versioned, fresh])
        has = {
            plan.source_id: plan.has_version
            for plan in repo.plans(session, sources=targets, secrets={})
        }
    assert has == {versioned: True, fresh: False}
