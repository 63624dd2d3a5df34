"""The current state's first page straight from FTS5's own rank order (SQLite, no filters).

`ORDER BY rank LIMIT k` lets FTS5 rank every matching current row itself and
hand SQLite only the best k, so the snippets of those k come in the same pass
(searchhits would otherwise run the words again over every match to pick the
page's rows). How many match is counted apart: counting without ranking costs
little, a window count over ranked rows a lot. The page is the one
searchcurrent.current_page gives: best score first, ties newest first. FTS5 orders
ties its own way, so TIES more rows are read and sorted here: a tie at the page's
edge longer than that makes `top_page` give None (the caller takes current_page).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from db.repo.searchhits import RowGroup
from db.repo.searchmatch import Match

__all__ = ["TopPage", "top_page"]

RANK = "bm25(8.0, 1.0)"  # Match.current_rows' score: bm25(search_fts_now, 8.0, 1.0)
TIES = 200  # rows read past the page so that a tie at its edge is seen whole (cheap: no sort)


@dataclass(frozen=True)
class TopPage:
    """The page's current rows, best first, how many current rows match, their raw snippets;
    `every`: all the matching current rows, when fewer than the rows read match."""

    groups: list[RowGroup]
    count: int
    snippets: dict[int, str]
    every: frozenset[int] | None = None


def top_page(session: Session, match: Match, limit: int) -> TopPage | None:
    """The best `limit` matching current rows with snippets; None when a tie at the page's
    edge goes on past the TIES rows read after it (the page could not be told)."""
    rows = _ranked(session, match, int(limit) + TIES)
    whole = len(rows) < limit + TIES  # every matching current row was read
    if not whole and rows[-1][1] == rows[limit - 1][1]:
        return None
    every = frozenset(rid for rid, _, _ in rows) if whole else None
    rows = sorted(rows, key=lambda row: (row[1], -row[0]))[:limit]
    meta = _meta(session, [rid for rid, _, _ in rows])
    groups = [_group(rid, score, meta[rid]) for rid, score, _ in rows if rid in meta]
    count = len(every) if every is not None else _count(session, match)
    return TopPage(groups, count, {rid: snip for rid, _, snip in rows}, every)


def _ranked(session: Session, match: Match, limit: int) -> list[tuple[int, float, str]]:
    """(rid, score, snippet) of the best rows, best first (ties in FTS5's order)."""
    sql = (
        "SELECT rowid, rank, snippet(search_fts_now, -1, char(2), char(3), '…', 24) "
        "FROM search_fts_now WHERE search_fts_now MATCH :match AND rank MATCH :rank "
        f"ORDER BY rank LIMIT {limit}"
    )
    rows = session.execute(text(sql), match.params | {"rank": RANK})
    return [(int(rid), float(score), snip or "") for rid, score, snip in rows]


def _count(session: Session, match: Match) -> int:
    sql = "SELECT count(*) FROM search_fts_now WHERE search_fts_now MATCH :match"
    return int(session.execute(text(sql), match.params).scalar_one())


def _meta(session: Session, rids: list[int]) -> dict[int, tuple]:
    if not rids:
        return {}
    ids = ", ".join(str(rid) for rid in rids)
    sql = f"SELECT id, source_id, dossier_id, day FROM search_fts_meta WHERE id IN ({ids})"
    return {int(rid): tuple(row) for rid, *row in session.execute(text(sql))}


def _group(rid: int, score: float, meta: tuple) -> RowGroup:
    source, dossier, day = meta
    key = -int(source or 0) if rid % 4 == 3 else rid
    return RowGroup(key, rid, score, 1, source, dossier, day or "", True)
