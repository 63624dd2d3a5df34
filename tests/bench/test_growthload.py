"""The growth table's fast history loader stores what the product's own store would, and
search answers the same from it (bench/growthload.py, bench/searchload.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy import text

from bench import growthload
from db import repo
from db.engine import dispose_engines, get_engine, session_scope
from db.models import Change, Source, Version
from db.retry import in_transaction
from vocab.fetch import Capture

SOURCES = 4
CRAWLED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _home(folder: Path):
    """A database with a few sources, each with a first version stored through the ORM."""
    folder.mkdir()
    engine = get_engine(f"sqlite:///{folder / 'lexwatch.db'}")
    with session_scope(engine) as session:
        session.add_all(
            Source(name=f"s{i}", kind="page", url=f"https://e.org/{i}") for i in range(SOURCES)
        )
    with session_scope(engine) as session:
        session.add_all(_crawled(i + 1) for i in range(SOURCES))
    return engine


def _crawled(source_id: int) -> Version:
    record = {"kind": "page", "title": "Crawled"}
    text = f"crawled wombat page {source_id}"
    return Version(
        source_id=source_id,
        seq=1,
        fingerprint="0" * 64,
        record=record,
        text=text,
        created_at=CRAWLED,
    )


def _stored_one_by_one(engine, versions: int, texts: growthload.Texts) -> None:
    """The same generated rows, added through the ORM with the index triggers running."""
    state, first = growthload.latest(engine), growthload._next_id(engine)
    for version_rows, change_rows in growthload._batches(state, versions, texts, first):
        with session_scope(engine) as session:
            session.add_all(Version(**row) for row in version_rows)
            session.flush()
            session.add_all(
                Change(**{k: v for k, v in row.items() if k != "id"}) for row in change_rows
            )


def _tables(engine) -> list:
    with engine.connect() as connection:
        return [
            connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}")).all()
            for table, order in (("version", "id"), ("change", "version_id"))
        ]


def _answers(engine) -> list:
    queries = [*growthload.QUERIES, ("wombat", {}), ("crawled", {"type": "version"})]
    with session_scope(engine) as session:
        found = [repo.search(session, query=repo.SearchQuery(text=w, **f)) for w, f in queries]
    return [(r.total, r.facets, [(h.type, h.id, h.snippet) for h in r.hits]) for r in found]


def test_the_fast_loader_stores_the_rows_and_answers_searches_as_the_product_store(
    tmp_path: Path,
) -> None:
    fast, slow = _home(tmp_path / "fast"), _home(tmp_path / "slow")
    try:
        fast_texts, slow_texts = growthload.Texts(), growthload.Texts()
        for versions in (3, 8):  # a second load adds to versions indexed before
            growthload.extend(fast, versions, fast_texts)
            _stored_one_by_one(slow, versions, slow_texts)
            assert _tables(fast) == _tables(slow)
            assert _answers(fast) == _answers(slow)
        assert _answers(fast)[-2][0] == SOURCES, "the crawled versions stay indexed"
    finally:
        dispose_engines()


def _capture(source_id: int, body: bytes, at: datetime):
    headers = {"content-type": "text/html", "etag": f'"{source_id}"'}
    capture = Capture(source_id, f"https://e.org/{source_id}", "main", 200, headers, body, at)
    return partial(repo.store_capture, capture=capture)


def test_older_snapshots_leave_each_urls_newest_and_its_plan_as_they_were(tmp_path: Path) -> None:
    """The growth table's snapshot history: each URL gets older copies, its newest stays."""
    engine = _home(tmp_path / "home")
    try:
        for source_id in range(1, SOURCES + 1):
            in_transaction(engine, _capture(source_id, b"<p>page</p>", CRAWLED))
        with session_scope(engine) as session:
            targets = repo.crawl_targets(session, source_ids=range(1, SOURCES + 1))
            before = repo.plans(session, sources=targets, secrets={})
        for count in (5, 12):  # a second call adds only what is missing
            growthload.add_snapshots(engine, count)
            with engine.connect() as connection:
                counts = connection.execute(
                    text("SELECT count(*) FROM snapshot GROUP BY source_id, url")
                ).scalars()
                assert set(counts) == {count}
        with session_scope(engine) as session:
            assert repo.plans(session, sources=targets, secrets={}) == before
            oldest = session.execute(text("SELECT min(fetched_at) FROM snapshot")).scalar()
        assert oldest.startswith("2026-01-01 16:04:05")  # eleven hours before the crawl
    finally:
        dispose_engines()
