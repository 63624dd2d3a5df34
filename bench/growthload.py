"""History for the growth table: versions bulk-loaded after a crawl, then searched.

Crawling 100 versions of 10,000 pages would take hours, so the history of each
source is generated (bench/searchtexts.py: five short sentences, one rewritten
per version, a change row per version) and loaded after the versions the
crawler stored, through the real schema in one transaction on one DB-API
connection (bench/searchload.py's `load_versions`: prepared rows bound as the
ORM binds them, executemany, the index paused and then filled once with the new
versions only, as its triggers would). tests/bench/test_growthload.py checks on
a small case that the rows and the search answers are those of the ORM with the
triggers running. Then a fixed small set of queries runs through
`db.repo.search` (facets included), as the search page calls it, and each URL
is given as many snapshots as its source has versions (`add_snapshots`), for a
steady pass over that history.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.searchtexts import Texts, history

BATCH = 10_000  # versions per executemany (one transaction for the whole load)
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("grooming", {}),
    ("Aufdeckungsanordnung", {}),
    ("encryption", {}),
    ("rapporteur", {}),
    ("regulation", {}),
    ("the", {}),
    ("data", {}),
    ('"member states"', {}),
    ('"fundamental rights"', {}),
    ("encrypt*", {}),
    ("encryption", {"type": "version"}),
    ("council", {"change": "text_amended"}),
    ("privacy", {"date_from": "2025-01-01"}),
]
ROUNDS = 3  # each query timed this many times (after one warm-up round)


def latest(engine: Any) -> dict[int, tuple[int, int | None]]:
    """Every source's id -> (its newest version's seq, that version's id); (0, None) if none."""
    sql = (
        "SELECT s.id, coalesce(max(v.seq), 0), max(v.id) FROM source s "
        "LEFT JOIN version v ON v.source_id = s.id GROUP BY s.id"
    )
    with engine.connect() as connection:
        return {row[0]: (row[1], row[2]) for row in connection.execute(text(sql))}


@dataclass
class Load:
    """How long a history load took: in all, and its row inserts alone (before indexing)."""

    seconds: float = 0.0
    rows_s: float = 0.0


def extend(engine: Any, versions: int, texts: Texts) -> Load:
    """Give every source `versions` versions in all, in one transaction; how long it took.

    The rows' insert is timed apart from the indexing after it: its rate grows with
    the versions loaded, while the index of current rows and the list of long words
    are rebuilt whatever the count, so the whole load's rate misjudges a bigger one.
    """
    from bench.searchload import load_versions

    if engine.dialect.name != "sqlite":
        raise SystemExit("growth: the history loader is for SQLite (the bench's own database)")
    load, began = Load(), time.monotonic()
    state, first = latest(engine), _next_id(engine)
    raw = engine.raw_connection()
    try:
        rows = _timed(_batches(state, versions, texts, first), load, began)
        load_versions(raw, engine.dialect, rows, first)
    finally:
        raw.close()
    load.seconds = time.monotonic() - began
    return load


def add_snapshots(engine: Any, count: int) -> None:
    """Give every URL `count` snapshots in all: older copies of its newest one.

    A page whose every answer differs from the last (a clock in it, an edit) gets
    a snapshot per crawl, kept for the retention period (a year by default). The
    copies are fetched before the newest (an hour apart), which stays the newest,
    so the next pass still asks with its validators and hears 304: only the
    history a pass may read grows.
    """
    with engine.begin() as connection:
        have = connection.execute(text(_MOST_SNAPSHOTS)).scalar() or 0
        if count > have:
            connection.execute(text(_OLDER_COPIES), {"more": count - have})


_MOST_SNAPSHOTS = "SELECT max(n) FROM (SELECT count(*) AS n FROM snapshot GROUP BY source_id, url)"
_OLDER_COPIES = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :more)
INSERT INTO snapshot (source_id, run_id, url, role, status, sha256, etag, last_modified,
                      content_type, fetched_at, last_seen_at, parsed)
SELECT s.source_id, s.run_id, s.url, s.role, s.status, s.sha256, s.etag, s.last_modified,
       s.content_type, strftime('%Y-%m-%d %H:%M:%S', s.fetched_at, '-' || n.i || ' hours') || '.000000',
       s.last_seen_at, 1
FROM snapshot s JOIN n
WHERE s.id IN (SELECT max(id) FROM snapshot GROUP BY source_id, url)
"""


def _timed(batches: Iterator[Any], load: Load, began: float) -> Iterator[Any]:
    """The batches, noting on `load` when the last one has been inserted."""
    yield from batches
    load.rows_s = time.monotonic() - began


def _next_id(engine: Any) -> int:
    with engine.connect() as connection:
        return (connection.execute(text("SELECT max(id) FROM version")).scalar() or 0) + 1


def _batches(
    state: dict[int, tuple[int, int | None]], versions: int, texts: Texts, next_id: int
) -> Iterator[tuple[list[dict], list[dict]]]:
    """Rows of versions and changes, about BATCH versions at a time."""
    rows: tuple[list[dict], list[dict]] = ([], [])
    for source_id, (seq, previous) in state.items():
        for number, body in enumerate(history(texts, source_id, versions - seq), seq + 1):
            rows[0].append(_version(source_id, number, next_id, body))
            rows[1].append(_change(source_id, next_id, previous, texts))
            previous, next_id = next_id, next_id + 1
        if len(rows[0]) >= BATCH:
            yield rows
            rows = ([], [])
    if rows[0]:
        yield rows


_SEEN = datetime(2026, 1, 5, tzinfo=UTC)
_KINDS = ("text_amended",) * 6 + ("event_added", "stage_changed", "document_added")


def _version(source_id: int, seq: int, vid: int, body: str) -> dict[str, Any]:
    return {
        "id": vid,
        "source_id": source_id,
        "dossier_id": None,
        "seq": seq,
        "fingerprint": f"{vid:064x}",
        "record": {"kind": "page", "title": ""},
        "text": body,
        "created_at": _SEEN + timedelta(hours=seq),
    }


def _change(source_id: int, vid: int, previous: int | None, texts: Texts) -> dict[str, Any]:
    return {
        "id": None,
        "source_id": source_id,
        "dossier_id": None,
        "version_id": vid,
        "previous_version_id": previous,
        "ordinal": 0,
        "kind": texts.random.choice(_KINDS),
        "significance": "minor",
        "summary": "1 paragraph changed",
        "diff": "",
        "detected_at": _SEEN + timedelta(hours=vid % 1000),
    }


def search_times(engine: Any) -> list[float]:
    """Milliseconds of each timed run of each query (one warm-up round first)."""
    from db import repo
    from db.engine import session_scope

    times = []
    for round_number in range(ROUNDS + 1):
        for words, filters in QUERIES:
            with session_scope(engine) as session:
                began = time.perf_counter()
                repo.search(session, query=repo.SearchQuery(text=words, **filters))
                took = 1000 * (time.perf_counter() - began)
            times += [took] if round_number else []
    return times


def p95(times: list[float]) -> float:
    """The 95th percentile (nearest rank) of some timings."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def database_mb(folder: Path) -> float:
    """The SQLite database's size, file + WAL (raw bodies are in it too), in MB."""
    files = [folder / "lexwatch.db", folder / "lexwatch.db-wal"]
    return round(sum(p.stat().st_size for p in files if p.exists()) / 1e6, 1)
