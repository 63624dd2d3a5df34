"""Search past the ranked window: the current state ranked first, history only as far as it is read.

A word in most versions matches hundreds of thousands of index rows; ranking
them all takes longer than a person waits. The current state is small: files,
events, documents and each source's newest version, indexed on their own by
migration 0013 (`search_fts_now`). Those are ranked by the database, which
returns only a page of them, and counted. History is read newest first, at
most HISTORY rows and (on SQLite) only as far back as the words' cost allows:
it says how many earlier versions of a hit match too, and adds the sources
whose current version no longer matches, after the current hits. Facet counts
come from a sample of SAMPLE current rows when there are more (`estimated`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import text
from sqlmodel import Session

from db import searchquery
from db.repo.searchhits import RowGroup
from db.repo.searchmatch import Match

__all__ = ["HISTORY"]

HISTORY = 500  # newest matching index rows read for the history of the hits
HISTORY_ENTRIES = 20_000  # doclist entries history may read: the newest part of the index
SAMPLE = 500  # current rows that facet counts are taken from; past it, scaled
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Reach:
    """What a search would read of the whole index, and how far back history is read."""

    entries: int  # index entries the words' doclists hold (estimated on SQLite)
    floor: int | None  # the lowest index row id read for history; None: none read
    matched: int = 0  # index rows matching, estimated (past the budget only)
    rows: tuple[int, ...] | None = None  # every matching row, when read (PostgreSQL, in budget)


def reach(session: Session, match: Match, budget: int) -> Reach:
    """The whole index when the words' doclists hold `budget` entries or fewer; else history
    is read only as far back as HISTORY_ENTRIES allows.

    SQLite: the words' counts among the current rows (search_fts_now_vocab), times
    how many rows the index holds per current row. An AND or a phrase costs what its
    rarest part costs (FTS5 skips through the others), an OR the sum of its parts.
    A prefix is merged from every word it starts before anything is skipped: past
    the budget, no history is read for it.
    """
    if match.dialect == "postgresql":
        rows = _matching_ids(session, match, budget + 1)
        return Reach(len(rows), 0, len(rows), rows if len(rows) <= budget else None)
    top = _scalar(session, "SELECT coalesce(max(id), 0) FROM search_fts_meta")
    current = _scalar(session, "SELECT count(*) FROM search_fts_now_docsize")
    ratio = (top / 4 + current) / max(current, 1)
    known = _counts(session, match.terms)
    rows = min(sum(_term_rows(t, known) for t in group) for group in match.terms)
    entries = round(rows * ratio)
    if entries <= budget:
        return Reach(entries, 0)
    prefix = any(t.prefix for group in match.terms for t in group)
    floor = 0 if entries <= HISTORY_ENTRIES else top - top * HISTORY_ENTRIES // entries
    return Reach(entries, None if prefix else floor, entries)


def _scalar(session: Session, sql: str) -> int:
    return int(session.execute(text(sql)).scalar_one())


def _folded(words: str) -> list[str]:
    """Words as FTS5's unicode61 tokenizer indexes them: lower case, no diacritics."""
    plain = unicodedata.normalize("NFKD", words.lower())
    return _WORD.findall("".join(c for c in plain if not unicodedata.combining(c)))


def _term_rows(term: searchquery.Term, known: dict[str, int]) -> int:
    """Current rows the term's rarest word is in (a prefix: every word it starts)."""
    words = _folded(term.text)
    if term.prefix and words:
        started = sum(n for word, n in known.items() if word.startswith(words[-1]))
        return min([started] + [known.get(w, 0) for w in words[:-1]])
    return min((known.get(w, 0) for w in words), default=0)


def _counts(session: Session, terms: list[searchquery.Group]) -> dict[str, int]:
    """Current rows per word of the terms (and per word a prefix starts)."""
    folded = [(_folded(t.text), t.prefix) for group in terms for t in group]
    params = {f"w{i}": w for i, w in enumerate(sorted({w for ws, _ in folded for w in ws}))}
    conds = [f"term = :{name}" for name in params]
    for i, prefix in enumerate(sorted({ws[-1] for ws, p in folded if p and ws})):
        conds.append(f"(term >= :p{i} AND term < :q{i})")
        params |= {f"p{i}": prefix, f"q{i}": prefix + "\U0010ffff"}
    if not conds:
        return {}
    sql = f"SELECT term, doc FROM search_fts_now_vocab WHERE {' OR '.join(conds)}"
    return {term: int(doc) for term, doc in session.execute(text(sql), params)}


def _matching_ids(session: Session, match: Match, limit: int) -> tuple[int, ...]:
    """Up to `limit` matching index rows: all of them, within the budget, for what follows to
    read by id (a phrase is checked against each row that holds its words: once is enough)."""
    sql = f"SELECT id FROM search_fts WHERE {match.where} LIMIT {int(limit)}"
    return tuple(session.execute(text(sql), match.params).scalars())


NO_FILTER = "1 = 1 AND 1 = 1"  # what searchresults' filters are when none is chosen


def _current(
    match: Match, conds: str, tail: str, *, ranked: bool = True, counted: bool = False
) -> str:
    """Matching current rows with their metadata (and, `counted`, how many match in all).

    Without filters, `tail` (ORDER BY, LIMIT) applies before the join: only a page is joined.
    """
    if match.dialect == "postgresql":
        return _pg_current(match, conds, tail, ranked=ranked, counted=counted)
    rows, total = match.current_rows(ranked=ranked), ", count(*) OVER () AS total"
    outer = ", n.total" if counted else ""
    if conds == NO_FILTER:
        inner, order = (total if counted else ""), tail.replace("s.day", "rid").replace("n.", "")
        rows, conds, tail = f"SELECT rid, score{inner} FROM ({rows}) x {order}", "1 = 1", ""
    elif counted:
        outer = total
    return (
        f"SELECT n.rid, n.score, s.source_id, s.dossier_id, s.day{outer} FROM ({rows}) n "
        f"JOIN {match.meta} s ON s.id = n.rid LEFT JOIN dossier d ON d.id = s.dossier_id "
        f"WHERE {conds.format(rid='n.rid')} {tail}"
    )


def _pg_current(match: Match, conds: str, tail: str, *, ranked: bool, counted: bool) -> str:
    """PostgreSQL: the current rows hold their metadata (0015), so none is joined from history;
    rows are filtered before they are ranked."""
    score = match.score if ranked else "0.0"
    total = ", count(*) OVER () AS total" if counted else ""
    order = tail.replace("n.score", "score").replace("n.rid", "rid")
    if conds == NO_FILTER:  # as below: newest by row id, which needs no metadata
        order = order.replace("s.day", "rid")
    return (
        f"SELECT s.id AS rid, {score} AS score, s.source_id, s.dossier_id, s.day{total} "
        f"FROM (SELECT * FROM search_fts_now WHERE {match.where}) s "
        f"LEFT JOIN dossier d ON d.id = s.dossier_id WHERE {conds.format(rid='s.id')} {order}"
    )


def current_page(
    session: Session, match: Match, where: tuple[str, dict], *, order: str, limit: int
) -> tuple[list[RowGroup], int]:
    """The first `limit` matching current rows, best (or newest) first, and how many match."""
    by = "s.day DESC, n.rid DESC" if order == "newest" else "n.score, n.rid DESC"
    sql = _current(match, where[0], f"ORDER BY {by} LIMIT {int(limit)}", counted=True)
    rows = session.execute(text(sql), match.params | where[1]).all()
    if not rows:
        return [], 0
    return _groups((row[:5] for row in rows), now=True), int(rows[0][5])


def current_sample(session: Session, match: Match, where: tuple[str, dict]) -> list[RowGroup]:
    """Up to SAMPLE matching current rows, in index order (what facet counts are taken from)."""
    sql = _current(match, where[0], f"LIMIT {SAMPLE}", ranked=False)
    return _groups(session.execute(text(sql), match.params | where[1]), now=True)


def history(
    session: Session, match: Match, where: tuple[str, dict], floor: int | None
) -> list[RowGroup]:
    """The newest matching rows from `floor` on (at most HISTORY), one group per row."""
    if floor is None:
        return []
    rowid = "id" if match.dialect == "postgresql" else "rowid"
    newest = (
        f"SELECT {rowid} AS rid, 0.0 AS score FROM search_fts WHERE {match.where} "
        f"AND {rowid} >= {int(floor)} ORDER BY {rowid} DESC LIMIT {HISTORY}"
    )
    sql = (
        f"SELECT w.rid, w.score, s.source_id, s.dossier_id, s.day FROM ({newest}) w "
        f"JOIN {match.meta} s ON s.id = w.rid LEFT JOIN dossier d ON d.id = s.dossier_id "
        f"WHERE {where[0].format(rid='w.rid')}"
    )
    return _groups(session.execute(text(sql), match.params | where[1]), now=False)


def _groups(rows: Iterable, *, now: bool) -> list[RowGroup]:
    return [
        RowGroup(-int(source or 0) if rid % 4 == 3 else int(rid), int(rid), float(score), 1,
                 source, dossier, day or "", now)
        for rid, score, source, dossier, day in rows
    ]  # fmt: skip


def merged(current: list[RowGroup], rows: Iterable[RowGroup]) -> list[RowGroup]:
    """History rows counted on the hit of their source; the rest as hits of their own.

    `rows` come newest first: a history-only hit shows its source's newest matching row.
    """
    seen = {g.rid for g in current}
    first: dict[int, RowGroup] = {}
    more: Counter[int] = Counter()
    for row in rows:
        if row.rid not in seen:
            first.setdefault(row.key, row)
            more[row.key] += 1
    groups = {g.key: g for g in current}
    for key, row in first.items():
        base = groups.get(key)
        groups[key] = replace(base or row, rows=(base.rows if base else 0) + more[key])
    return list(groups.values())


def history_only(
    session: Session, match: Match, rows: list[RowGroup], every: frozenset[int] | None = None
) -> list[RowGroup]:
    """History hits (one per source, newest row) of sources whose current version does not match.

    `every`: all the matching current rows, when the caller read them (searchtop): not asked again.
    """
    groups = merged([], rows)
    sources = [g.source_id for g in groups if g.rid % 4 == 3 and g.source_id]
    matching = _matching_sources(session, match, sources, every)
    return [g for g in groups if g.source_id not in matching or g.rid % 4 != 3]


def _matching_sources(
    session: Session, match: Match, sources: list[int], every: frozenset[int] | None
) -> set[int]:
    if not sources:
        return set()
    rids = _newest_versions(session, match, sorted(set(sources)))
    if every is None:
        found = current_ids_matching(session, match, rids)
    else:
        found = [rid for rid in rids if rid in every]
    return {-(g.key) for g in _by_rid(session, match, found)}


def _newest_versions(session: Session, match: Match, sources: list[int]) -> list[int]:
    """Each source's newest indexed version (its index row id).

    SQLite: one step down the partial index (source_id, id) per source (0013), where a
    GROUP BY would read every version of every source.
    """
    if match.dialect == "sqlite":
        newest = (
            f"{_id_table(sources)} SELECT (SELECT max(m.id) FROM search_fts_meta m "
            "WHERE m.source_id = x.id AND m.id % 4 = 3) FROM x"
        )
    else:
        ids = ", ".join(str(int(s)) for s in sources)
        newest = (
            f"SELECT max(id) FROM {match.meta} WHERE id % 4 = 3 AND source_id IN ({ids}) "
            "GROUP BY source_id"
        )
    return [int(r) for r in session.execute(text(newest)).scalars() if r is not None]


def current_ids_matching(session: Session, match: Match, rids: list[int]) -> list[int]:
    """Which of these index rows are current rows that match the words.

    SQLite: the words run once over the current index and the ids are looked up in
    what they give; beside an IN list, FTS5 would run the words again for every id
    (half a second for 500 ids of a plain word over crawled pages, seconds for a topic).
    """
    if not rids:
        return []
    if match.dialect == "sqlite":
        sql = (
            f"{_id_table(rids)} SELECT id FROM x WHERE id IN "
            "(SELECT rowid FROM search_fts_now WHERE search_fts_now MATCH :match)"
        )
    else:
        ids = ", ".join(str(int(rid)) for rid in rids)
        where = match.where.replace("search_fts MATCH", "search_fts_now MATCH")
        sql = f"SELECT id FROM search_fts_now WHERE {where} AND id IN ({ids})"
    return [int(r) for r in session.execute(text(sql), match.params).scalars()]


def _id_table(ids: list[int]) -> str:
    """SQLite: a table `x(id)` of these ids, to read from in the statement that follows."""
    return "WITH x(id) AS (VALUES " + ", ".join(f"({int(i)})" for i in ids) + ")"


def _by_rid(session: Session, match: Match, rids: list[int]) -> list[RowGroup]:
    if not rids:
        return []
    ids = ", ".join(str(rid) for rid in rids)
    sql = f"SELECT id, 0.0, source_id, dossier_id, day FROM {match.meta} WHERE id IN ({ids})"
    return _groups(session.execute(text(sql)), now=True)
