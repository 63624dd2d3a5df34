"""Search: ranked hits for what a person typed, with filters and facet counts.

Search reads the `search_fts` index that migration 0002 keeps in sync with
triggers: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL. Both give
the same shape: ranked hits (lower score is better), snippets with the matched
words marked, and facet counts. Versions of one source are collapsed into one
hit (its newest matching version) so that a page crawled a hundred times does
not fill the first page of results with itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from db import searchquery, searchsuggest
from db.repo.searchcurrent import (
    NO_FILTER,
    Reach,
    current_page,
    current_sample,
    history,
    history_only,
    merged,
    reach,
)
from db.repo.searchhits import HIT_TYPES, Hit, RowGroup, describe
from db.repo.searchmatch import Match, count_matching, expanded
from db.repo.searchoffers import Suggestions, suggest
from db.repo.searchtop import TopPage, top_page
from db.repo.sources import source_by_name

__all__ = [
    "WINDOW",
    "SearchQuery",
    "SearchResult",
    "search",
    "search_feed",
]


WINDOW = 5_000  # index rows ranked in full; past it, the current state first (searchcurrent)
ORDERS = ("relevance", "newest")
FACETS = ("type", "source", "jurisdiction", "stage")


@dataclass(frozen=True)
class SearchQuery:
    """A search as the page, the API and the feeds take it; every field optional but `text`."""

    text: str = ""
    jurisdiction: str = ""
    stage: str = ""
    change: str = ""
    source: str = ""
    type: str = ""
    date_from: str = ""
    date_to: str = ""
    page: int = 1
    per_page: int = 20
    order: str = "relevance"  # or "newest"
    exact: bool = False  # only the words typed: no topic names, no compounds


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, how many there are, the facet counts, and whether they are exact.

    `approximate`: the words matched more than WINDOW index rows (a word in nearly
    every version): the current state was ranked, history read newest first as far
    as searchcurrent.HISTORY, so `total` and the facet counts are lower bounds
    (`estimated`, shown as "2,000+").
    """

    query: SearchQuery
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    matched: int = 0
    approximate: bool = False
    also: tuple[str, ...] = ()  # searched besides what was typed: topic names, compounds
    suggestions: Suggestions | None = None  # when nothing was found

    @property
    def estimated(self) -> bool:
        """True when the counts are lower bounds (history was read only in part)."""
        return self.approximate


def search(session: Session, *, query: SearchQuery, facets: bool = True) -> SearchResult:
    """Ranked hits for a query with its filters; nothing (never an error) for an empty query."""
    typed = searchquery.parse(query.text)
    if not typed:
        return SearchResult(query)
    terms = typed if query.exact else expanded(session, typed)
    match = Match.build(session, terms)
    size = min(max(query.per_page, 1), 1000)
    first = (max(query.page, 1) - 1) * size
    cost = reach(session, match, WINDOW)
    approximate = cost.entries > WINDOW
    if approximate:
        found = _current_first(session, match, query, cost, first + size, facets=facets)
    else:
        found = _ranked(session, match.among(cost.rows), query, facets=facets)
    groups, total, counts, matched, snippets = found
    hits = describe(session, match, groups[first : first + size], snippets)
    also = tuple(searchsuggest.closest_first(query.text, searchquery.added(typed, terms)))
    suggestions = None if total else suggest(session, text=query.text, exact=query.exact)
    return SearchResult(query, hits, total, counts, matched, approximate, also, suggestions)


# The hits, how many, facet counts, index rows matched, raw snippets already read (by rid).
_Found = tuple[list[RowGroup], int, dict[str, list[tuple[str, int]]], int, dict[int, str]]


def _ranked(session: Session, match: Match, query: SearchQuery, *, facets: bool) -> _Found:
    """Few enough entries to rank every one: every hit, exact counts."""
    matched = count_matching(session, match)
    groups = _groups(session, match, query)
    labels = _Labels.load(session, groups)
    valued = [labels.values(g) for g in groups]
    chosen = _chosen(query)
    kept = _ordered(_fitting(groups, valued, chosen, skip=""), query.order)
    counts = _facet_counts(session, match, query, valued) if facets else {}
    return kept, len(kept), counts, matched, {}


def _current_first(
    session: Session, match: Match, query: SearchQuery, found: Reach, end: int, *, facets: bool
) -> _Found:
    """Too many entries: the current state ranked first, history newest first (searchcurrent)."""
    where, params = _row_filters(query)
    pushed, more = _hit_filters(session, query)
    conds = (f"{where} AND {pushed}", params | more)
    top = _page(session, match, query, conds, end)
    page, count = top.groups, top.count
    past = history(session, match, conds, found.floor)
    only = history_only(session, match, past, top.every)
    groups = _ordered(merged(page, past)[: len(page)] + only, query.order)
    counts = _estimated_counts(session, match, conds, count, only) if facets else {}
    return groups, count + len(only), counts, found.matched, top.snippets


def _page(
    session: Session, match: Match, query: SearchQuery, conds: tuple[str, dict], end: int
) -> TopPage:
    """The current page and how many match: by FTS5's rank order with snippets when it can
    (SQLite, by relevance, no filters: searchtop), else searchcurrent's."""
    plain = conds[0] == NO_FILTER and query.order == "relevance" and match.dialect == "sqlite"
    top = top_page(session, match, end) if plain else None
    if top:
        return top
    return TopPage(*current_page(session, match, conds, order=query.order, limit=end), {})


def _estimated_counts(
    session: Session, match: Match, conds: tuple[str, dict], count: int, only: list[RowGroup]
) -> dict[str, list[tuple[str, int]]]:
    """Facet counts from a sample of the current hits, scaled to their number, plus history's."""
    sample = current_sample(session, match, conds)
    labels = _Labels.load(session, sample + only)
    scale = count / len(sample) if sample else 1.0
    counts: dict[str, list[tuple[str, int]]] = {"change": []}
    rows = [(labels.values(g), scale) for g in sample] + [(labels.values(g), 1.0) for g in only]
    for name in FACETS:
        counter: Counter[str] = Counter()
        for values, weight in rows:
            counter[values[name]] += weight
        counts[name] = [(v, round(n)) for v, n in counter.most_common() if v]
    return counts


def _ordered(groups: list[RowGroup], order: str) -> list[RowGroup]:
    """Current state first, best first (ties: newest); or newest first (by the newest row's day)."""
    if order == "newest":
        return sorted(groups, key=lambda g: (g.day or "", g.rid), reverse=True)
    return sorted(groups, key=lambda g: (not g.now, g.score, -g.rid))


def search_feed(session: Session, *, query: SearchQuery, limit: int = 50) -> list[Hit]:
    """The newest hits of a saved search first, for its Atom feed."""
    result = search(session, query=replace(query, page=1, per_page=500), facets=False)
    dated = sorted(result.hits, key=lambda h: (h.seen_at is not None, h.seen_at), reverse=True)
    return dated[:limit]


# Versions of one source make one hit; anything else is a hit of its own.
_KEY = "CASE WHEN m.rid % 4 = 3 THEN -m.source_id ELSE m.rid END"


def _row_filters(query: SearchQuery, *, change: bool = True) -> tuple[str, dict[str, Any]]:
    """Conditions on single index rows (metadata `s`, row id `{rid}`): day, change brought."""
    conds, params = ["1 = 1"], {}
    if query.date_from:
        conds.append("s.day >= :date_from")
        params["date_from"] = query.date_from[:10]
    if query.date_to:
        conds.append("s.day <= :date_to")  # '~' sorts after any time written after the day
        params["date_to"] = query.date_to[:10] + "~"
    if change and query.change:
        conds.append(
            "{rid} % 4 = 3 AND EXISTS (SELECT 1 FROM change c "
            "WHERE c.version_id = {rid} / 4 AND c.kind = :change)"
        )
        params["change"] = query.change
    return " AND ".join(conds), params


def _hit_filters(session: Session, query: SearchQuery) -> tuple[str, dict[str, Any]]:
    """The type, source, jurisdiction and stage filters as SQL (past WINDOW, on `s` and `d`)."""
    conds, params = ["1 = 1"], {}
    if query.type:
        conds.append("{rid} % 4 = :type")
        params["type"] = HIT_TYPES.index(query.type) if query.type in HIT_TYPES else -1
    if query.source:
        source = source_by_name(session, name=query.source)
        conds.append("s.source_id = :source")
        params["source"] = source.id if source else -1
    for name in ("jurisdiction", "stage"):
        if getattr(query, name):
            conds.append(f"d.{name} = :{name}")
            params[name] = getattr(query, name)
    return " AND ".join(conds), params


def _groups(session: Session, match: Match, query: SearchQuery) -> list[RowGroup]:
    """Every hit with its best score, newest row, number of rows, source and file, and whether
    that row is current: the words run once over the current rows (search_fts_now), where
    asking for each hit's row by id costs a lookup per hit."""
    where, params = _row_filters(query)
    sql = (
        f"WITH r AS MATERIALIZED ({match.rows()}), m AS MATERIALIZED ("
        f"SELECT r.rid, r.score, s.source_id, s.dossier_id, s.day FROM r JOIN {match.meta} s "
        f"ON s.id = r.rid WHERE {where.format(rid='r.rid')}), "
        f"g AS (SELECT {_KEY} AS k, max(m.rid) AS rid, min(m.score) AS score, count(*) AS n, "
        "min(m.source_id) AS source, min(m.dossier_id) AS dossier, max(m.day) AS day "
        "FROM m GROUP BY k) SELECT g.k, g.rid, g.score, g.n, g.source, g.dossier, g.day, "
        f"g.rid IN (SELECT c.rid FROM ({match.current_rows(ranked=False)}) c) FROM g"
    )
    rows = session.execute(text(sql), match.params | params)
    return [
        RowGroup(int(k), int(rid), float(score), int(n), source, dossier, day or "", bool(now))
        for k, rid, score, n, source, dossier, day, now in rows
    ]


@dataclass(frozen=True)
class _Labels:
    """Source names and file jurisdictions and stages: the values hits are filtered by."""

    sources: dict[int, str]
    files: dict[int, tuple[str, str]]

    @classmethod
    def load(cls, session: Session, groups: Iterable[RowGroup]) -> _Labels:
        groups = list(groups)
        sources = _by_id(session, "source", [g.source_id for g in groups], "name")
        files = _by_id(session, "dossier", [g.dossier_id for g in groups], "jurisdiction", "stage")
        return cls(sources, files)

    def values(self, group: RowGroup) -> dict[str, str]:
        jurisdiction, stage = self.files.get(group.dossier_id or 0, ("", ""))
        return {
            "type": HIT_TYPES[group.rid % 4],
            "source": self.sources.get(group.source_id or 0, ""),
            "jurisdiction": jurisdiction or "",
            "stage": stage or "",
        }


def _by_id(session: Session, table: str, ids: Iterable[int | None], *columns: str) -> dict:
    """Columns of rows by id; past a few hundred ids, one pass over the (small) table is faster.

    Plain SQL with the ids written in: binding hundreds of parameters costs more than the read.
    """
    wanted = {int(i) for i in ids if i is not None}
    if not wanted:
        return {}
    listed = ", ".join(str(i) for i in sorted(wanted))
    where = f" WHERE id IN ({listed})" if len(wanted) <= 500 else ""
    rows = session.execute(text(f"SELECT id, {', '.join(columns)} FROM {table}{where}"))
    pick = (lambda row: row[1]) if len(columns) == 1 else (lambda row: tuple(row[1:]))
    return {row[0]: pick(row) for row in rows if row[0] in wanted}


def _chosen(query: SearchQuery) -> dict[str, str]:
    return {
        "type": query.type,
        "source": query.source,
        "jurisdiction": query.jurisdiction,
        "stage": query.stage,
    }


def _fitting(items: list, valued: list[dict[str, str]], chosen: dict[str, str], *, skip: str):
    """The items (each with its hit's values) that every chosen filter but `skip` keeps."""
    wanted = [(name, want) for name, want in chosen.items() if want and name != skip]
    if not wanted:
        return list(items)
    fits = [all(v[name] == want for name, want in wanted) for v in valued]
    return [item for item, fit in zip(items, fits, strict=True) if fit]


def _facet_counts(
    session: Session, match: Match, query: SearchQuery, valued: list[dict[str, str]]
) -> dict[str, list[tuple[str, int]]]:
    """For each facet, the hits per value (`valued`: each hit's) with every other filter applied."""
    chosen = _chosen(query)
    counts = {}
    for name in FACETS:
        kept = _fitting(valued, valued, chosen, skip=name)
        counts[name] = Counter(v[name] for v in kept if v[name]).most_common()
    counts["change"] = _change_counts(session, match, query)
    return counts


def _change_counts(session: Session, match: Match, query: SearchQuery) -> list[tuple[str, int]]:
    """Matching sources by the kinds of change their matching versions brought."""
    where, params = _row_filters(query, change=False)
    sql = (
        f"WITH r AS MATERIALIZED ({match.rows(ranked=False)}) "
        "SELECT CASE WHEN r.rid % 4 = 3 THEN -s.source_id ELSE r.rid END AS k, c.kind, "
        f"max(r.rid), min(s.source_id), min(s.dossier_id) FROM r "
        f"JOIN {match.meta} s ON s.id = r.rid JOIN change c ON c.version_id = r.rid / 4 "
        f"WHERE r.rid % 4 = 3 AND {where.format(rid='r.rid')} GROUP BY k, c.kind"
    )
    rows = list(session.execute(text(sql), match.params | params))
    chosen = _chosen(query)
    if any(chosen.values()):  # the sources' names and files are read only to filter by them
        groups = [RowGroup(k, rid, 0.0, 1, src, dossier) for k, _kind, rid, src, dossier in rows]
        labels = _Labels.load(session, groups)
        rows = _fitting(rows, [labels.values(g) for g in groups], chosen, skip="")
    return Counter(row[1] for row in rows).most_common()
