"""Search latency over a generated history of 1,000,000 versions (SQLite FTS5).

A seeded generator writes 2,000 sources following 1,000 files, each source with
500 versions of a short legislative-style text that changes a sentence at a
time, plus events, documents and one change per version. Rows go in with
executemany in large transactions through the real schema (migrations and the
search triggers), into a SQLite file under /tmp. Then ~50 fixed queries (rare
terms, common terms, phrases, prefixes, and queries with filters) run through
db.repo.search, the function the search page calls (facets included), and the
median and 95th percentile are written to bench/results/search.json, in wall
time and in CPU time (this process's: steadier on a shared machine).

    make bench-search            # BENCH_VERSIONS=100000 for a quicker run
    BENCH_REUSE=1 make bench-search   # keep the SQLite database, measure it again next time
    BENCH_PG_VERSIONS=100000 ...      # PostgreSQL's size (default the same; 0 skips it)

The same queries then run on a throwaway PostgreSQL server (bench/services.py),
reported beside SQLite's; the result's `aims` judge SQLite's p95 against 50 ms.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import write_result
from bench.searchtexts import MEDIUM, RARE, Texts, history

VERSIONS = int(os.environ.get("BENCH_VERSIONS", "1000000"))
SOURCES = 2000
FILES = 1000
BATCH = 50_000
FOLDER = Path(os.environ.get("BENCH_DIR", "/tmp/lexwatch-bench-search"))
# BENCH_REUSE=1 keeps the database after the run and measures it again next time.
REUSE = os.environ.get("BENCH_REUSE", "") == "1"
JURISDICTIONS = ("EU", "NL", "DE", "UK", "US", "FR")
STAGES = (
    "Awaiting committee decision",
    "Awaiting Parliament's position in 1st reading",
    "Awaiting Council's 1st reading position",
    "Procedure completed",
    "aangenomen",
    "Beratung im Ausschuss",
    "Committee stage",
    "Introduced",
)
CHANGE_KINDS = ("text_amended",) * 6 + ("event_added", "stage_changed", "document_added")
QUERIES: list[tuple[str, dict[str, str]]] = [
    *[(word, {}) for word in RARE],
    *[
        (word, {})
        for word in (
            "encryption",
            "scanning",
            "safeguards",
            "rapporteur",
            "trilogue",
            "chatcontrole",
            "Chatkontrolle",
            "privacy",
        )
    ],
    *[
        (word, {})
        for word in (
            "regulation",
            "council",
            "the",
            "member states",
            "data",
            "providers",
            "article",
        )
    ],
    *[
        (f'"{phrase}"', {})
        for phrase in (
            "detection orders",
            "risk assessment",
            "child sexual abuse",
            "fundamental rights",
            "coordinating authority",
            "member states shall",
            "plenary vote",
            "encryption scanning",
        )
    ],
    ("detect*", {}),
    ("encrypt*", {}),
    ("kinder*", {}),
    ("Aufdeckung*", {}),
    ("encryption OR scanning", {}),
    ("grooming detection", {}),
    ("privacy safeguards", {}),
    ("encryption", {"jurisdiction": "EU"}),
    ("encryption", {"jurisdiction": "NL"}),
    ("regulation", {"jurisdiction": "DE"}),
    ("scanning", {"stage": STAGES[3]}),
    ("detection orders", {"change": "stage_changed"}),
    ("safeguards", {"type": "event"}),
    ("encryption", {"date_from": "2024-01-01", "date_to": "2024-06-30"}),
    ("grooming", {"jurisdiction": "EU", "change": "text_amended"}),
    ("council", {"type": "version", "jurisdiction": "UK"}),
    ("privacy", {"source": "source-0042"}),
    ("rapporteur", {"date_from": "2025-01-01"}),
    ("child sexual abuse", {"jurisdiction": "EU", "stage": STAGES[0]}),
]


def generate(engine, count: int) -> dict[str, float]:
    """Fill the database; how long each part took."""
    from bench.searchload import bulk_insert, pause_search_index, rebuild_search_index
    from db.engine import session_scope
    from db.models import Change, DocumentRow, Dossier, EventRow, Source, Version

    texts, start, timings = Texts(), datetime(2022, 5, 11, tzinfo=UTC), {}
    moment = time.monotonic()
    with session_scope(engine) as session:
        pause_search_index(session)
        bulk_insert(session, model=Source, rows=_sources(start))
        bulk_insert(session, model=Dossier, rows=_files(texts, start))
        bulk_insert(session, model=EventRow, rows=_events(texts, start))
        bulk_insert(session, model=DocumentRow, rows=_documents(texts, start))
    timings["files_events_documents_s"] = time.monotonic() - moment
    moment, per_source = time.monotonic(), max(count // SOURCES, 1)
    for first in range(0, SOURCES, BATCH // per_source or 1):
        chunk = range(first, min(first + (BATCH // per_source or 1), SOURCES))
        versions, changes = _versions(texts, chunk, per_source, start)
        with session_scope(engine) as session:
            bulk_insert(session, model=Version, rows=versions)
            bulk_insert(session, model=Change, rows=changes)
        print(
            f"  {chunk.stop * per_source:>9,} versions  {time.monotonic() - moment:6.1f}s",
            flush=True,
        )
    timings["versions_changes_s"] = time.monotonic() - moment
    moment = time.monotonic()
    with session_scope(engine) as session:
        rebuild_search_index(session)
    timings["search_index_s"] = time.monotonic() - moment
    return timings


def _sources(start: datetime) -> list[dict]:
    return [
        {
            "id": i + 1,
            "name": f"source-{i:04d}",
            "kind": "page",
            "url": f"https://example.org/{i}",
            "params": {},
            "jurisdiction": JURISDICTIONS[(i // 2) % len(JURISDICTIONS)],
            "every_seconds": 21600,
            "created_at": start,
            "updated_at": start,
        }
        for i in range(SOURCES)
    ]


def _files(texts: Texts, start: datetime) -> list[dict]:
    return [
        {
            "id": i + 1,
            "key": f"{JURISDICTIONS[i % 6]}:{2000 + i % 25}/{i:04d}(COD)",
            "title": texts.sentence(),
            "jurisdiction": JURISDICTIONS[i % len(JURISDICTIONS)],
            "stage": STAGES[i % len(STAGES)],
            "created_at": start,
            "updated_at": start,
        }
        for i in range(FILES)
    ]


def _events(texts: Texts, start: datetime) -> list[dict]:
    return [
        {
            "dossier_id": i % FILES + 1,
            "source_id": i % SOURCES + 1,
            "dedupe_key": str(i),
            "date": (start + timedelta(days=i % 1200)).date().isoformat(),
            "title": texts.sentence(),
            "first_seen_at": start + timedelta(days=i % 1200),
        }
        for i in range(FILES * 20)
    ]


def _documents(texts: Texts, start: datetime) -> list[dict]:
    return [
        {
            "dossier_id": i % FILES + 1,
            "source_id": i % SOURCES + 1,
            "dedupe_key": str(i),
            "title": texts.sentence(),
            "reference": f"ST {10000 + i}/23",
            "date": (start + timedelta(days=i % 1200)).date().isoformat(),
            "first_seen_at": start + timedelta(days=i % 1200),
        }
        for i in range(FILES * 10)
    ]


def _versions(texts: Texts, chunk: range, per_source: int, start: datetime) -> tuple[list, list]:
    versions, changes = [], []
    for s in chunk:
        for seq, text in enumerate(history(texts, s, per_source), 1):
            vid = s * per_source + seq
            seen = start + timedelta(hours=6 * seq + s % 6)
            versions.append(
                {
                    "id": vid,
                    "source_id": s + 1,
                    "dossier_id": s // 2 + 1,
                    "seq": seq,
                    "fingerprint": f"{vid:064x}",
                    "record": {"kind": "page", "title": ""},
                    "text": text,
                    "created_at": seen,
                }
            )
            if seq > 1:
                changes.append(
                    {
                        "source_id": s + 1,
                        "dossier_id": s // 2 + 1,
                        "version_id": vid,
                        "previous_version_id": vid - 1,
                        "kind": texts.random.choice(CHANGE_KINDS),
                        "significance": "minor",
                        "summary": "1 paragraph changed",
                        "detected_at": seen,
                    }
                )
    return versions, changes


def category(text: str, filters: dict[str, str]) -> str:
    """What kind of query this is, for the summary rows."""
    if filters:
        return "with filters"
    if text.startswith('"') or " OR " in text or " " in text:
        return "phrases and several words"
    if text.endswith("*"):
        return "prefixes"
    word = text.lower()
    return {
        **dict.fromkeys(map(str.lower, RARE), "rare words"),
        **dict.fromkeys(map(str.lower, MEDIUM), "medium words"),
    }.get(word, "common words")


def measure(engine) -> list[dict]:
    """Each query once to warm the cache, then timed: one row per query."""
    from db import repo
    from db.engine import session_scope

    rows = []
    for rounds in ("warm", "timed"):
        for text, filters in QUERIES:
            with session_scope(engine) as session:
                began, cpu = time.perf_counter(), time.process_time()
                result = repo.search(session, query=repo.SearchQuery(text=text, **filters))
                took = (time.perf_counter() - began) * 1000
                cpu = (time.process_time() - cpu) * 1000
            if rounds == "timed":
                rows.append(
                    {
                        "query": text,
                        "filters": filters,
                        "category": category(text, filters),
                        "ms": round(took, 1),
                        "cpu_ms": round(cpu, 1),
                        "hits": result.total,
                        "rows_matched": result.matched,
                        "exact": not result.approximate,
                        "estimated": result.estimated,
                    }
                )
    return rows


def summary(rows: list[dict], name: str) -> dict[str, object]:
    """Median and 95th percentile in milliseconds over some queries."""
    times, cpu = sorted(r["ms"] for r in rows), sorted(r["cpu_ms"] for r in rows)
    return {
        "queries": name,
        "count": len(rows),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": _p95(times),
        "max_ms": times[-1],
        "cpu_median_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": _p95(cpu),
    }


def _p95(times: list[float]) -> float:
    return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def reusable() -> bool:
    """BENCH_REUSE=1 and a database of this size already built (its marker says so)."""
    marker = FOLDER / "versions"
    wanted = str(VERSIONS)
    return REUSE and marker.exists() and marker.read_text(encoding="ascii") == wanted


def sqlite_engine():
    """The benchmark's SQLite database: built anew, or kept from the last run (BENCH_REUSE=1)."""
    reuse = reusable()
    if not reuse:
        shutil.rmtree(FOLDER, ignore_errors=True)
        FOLDER.mkdir(parents=True)
    os.environ |= {"LEXWATCH_DATA_DIR": str(FOLDER), "LEXWATCH_SEED_DEFAULTS": "false"}
    from db.engine import get_engine

    engine = get_engine(f"sqlite:///{FOLDER / 'lexwatch.db'}")
    if reuse:
        print(f"Reusing {VERSIONS:,} versions in {FOLDER}", flush=True)
        return engine, {}
    print(f"Generating {VERSIONS:,} versions in {FOLDER}", flush=True)
    timings = generate(engine, VERSIONS)
    (FOLDER / "versions").write_text(str(VERSIONS), encoding="ascii")
    return engine, timings


def postgres_queries(count: int) -> tuple[list[dict], str]:
    """The same queries on a throwaway PostgreSQL server; none, and why, when it cannot start."""
    if count <= 0:
        return [], "PostgreSQL skipped: BENCH_PG_VERSIONS=0"
    from bench.services import postgres
    from db.engine import get_engine

    try:
        with postgres() as url:
            engine = get_engine(url)
            print(f"Generating {count:,} versions in PostgreSQL", flush=True)
            generate(engine, count)
            return measure(engine), ""
    except (SystemExit, OSError, RuntimeError) as exc:
        return [], f"PostgreSQL skipped: {exc}"


def judge(sqlite: dict, postgres: dict | None, pg_count: int, why: str) -> list[dict]:
    """The search aim of issue 17 (no peer tool measures search: `peer` is empty)."""
    pg = postgres["p95_ms"] if postgres else why
    sqlite_aim = f"p95 <= 50 ms over {VERSIONS:,} versions (SQLite)"
    pg_aim = f"p95 over {pg_count:,} versions (PostgreSQL), reported"
    return [
        {
            "aim": sqlite_aim,
            "lexwatch": sqlite["p95_ms"],
            "peer": "",
            "met": sqlite["p95_ms"] <= 50,
        },
        {"aim": pg_aim, "lexwatch": pg, "peer": "", "met": None},
    ]


def _printed(queries: list[dict], label: str) -> list[dict]:
    """Each query's time printed, then the summary rows (all, then each kind), labelled."""
    for row in queries:
        estimated = " (counts estimated)" if row["estimated"] else ""
        print(
            f"  {row['ms']:8.1f} ms  {row['hits']:>6} hits  {row['query']} {row['filters'] or ''}{estimated}"
        )
    names = dict.fromkeys(row["category"] for row in queries)
    rows = [summary(queries, "all")] + [
        summary([r for r in queries if r["category"] == name], name) for name in names
    ]
    rows = [{"database": label} | row for row in rows]
    for row in rows:
        print("  ".join(f"{k} {v}" for k, v in row.items()))
    return rows


def main() -> None:
    load = os.getloadavg()[0]
    engine, timings = sqlite_engine()
    size_mb = round((FOLDER / "lexwatch.db").stat().st_size / 1e6)
    queries = measure(engine)
    rows = _printed(queries, "SQLite")
    pg_count = int(os.environ.get("BENCH_PG_VERSIONS", str(VERSIONS)))
    pg_queries, why = postgres_queries(pg_count)
    pg_rows = _printed(pg_queries, "PostgreSQL") if pg_queries else []
    if why:
        print(why)
    aims = judge(rows[0], pg_rows[0] if pg_rows else None, pg_count, why)
    setup = {"versions": VERSIONS, "database_mb": size_mb, "load_average": round(load, 2)} | {
        k: round(v, 1) for k, v in timings.items()
    }
    print("  ".join(f"{k} {v}" for k, v in setup.items()))
    for aim in aims:
        print("  ".join(f"{k} {v}" for k, v in aim.items()))
    extra = {"setup": setup, "details": queries, "postgres_details": pg_queries}
    write_result("search", rows + pg_rows, case_keys=["database", "queries"], aims=aims, **extra)
    if not REUSE:
        shutil.rmtree(FOLDER, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
