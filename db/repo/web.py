"""Data functions for the web app: search, users, what file pages and the admin area show.

Search reads the `search_fts` index that migration 0002 keeps in sync with
triggers: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL. Both give
the same shape: ranked hits (lower score is better), snippets with the matched
words marked, and facet counts. Versions of one source are collapsed into one
hit (its newest matching version) so that a page crawled a hundred times does
not fill the first page of results with itself.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import delete, func, insert, text
from sqlmodel import Session, col, select

from db import searchquery, searchsuggest
from db.models import (
    Change,
    CrawlRun,
    Document,
    Dossier,
    Event,
    SignInFailure,
    Source,
    Subscriber,
    Subscription,
    User,
    Version,
    Watch,
    new_stamp,
    utcnow,
)
from db.repo.searchwords import compound_words, words_list_fill, words_starting
from db.searchquery import Piece

__all__ = [
    "HIT_TYPES",
    "WINDOW",
    "Hit",
    "SearchQuery",
    "SearchResult",
    "Suggestions",
    "VersionInfo",
    "add_user",
    "bulk_insert",
    "change_kinds",
    "changes_of_file",
    "clear_sign_in_failures",
    "count_users",
    "documents_of",
    "end_sessions",
    "file_by_id",
    "file_page_list",
    "get_source",
    "get_user",
    "last_error",
    "latest_changes",
    "list_users",
    "note_login",
    "note_sign_in_failure",
    "pause_search_index",
    "previous_version_id",
    "rebuild_search_index",
    "recent_sign_in_failures",
    "remove_user",
    "rotate_token",
    "search",
    "search_feed",
    "set_enabled",
    "set_password",
    "source_by_name",
    "subscriber_by_id",
    "subscribers_with_watches",
    "update_source",
    "user_by_email",
    "version_with_source",
    "versions_of",
    "watches_with_counts",
]

HIT_TYPES = ("file", "event", "document", "version")  # index row id = id * 4 + position
SNIPPET_OPEN, SNIPPET_CLOSE = "\x02", "\x03"  # never in scraped text: control characters
FACETS = ("type", "source", "jurisdiction", "stage")

# -- search ---------------------------------------------------------------------

WINDOW = 100_000  # index rows ranked exactly; a word matching more is served newest first
ORDERS = ("relevance", "newest")


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
class Hit:
    """One result: a file, an event, a document, or the newest matching version of a source."""

    type: str
    id: int
    score: float
    matches: int
    snippet: tuple[tuple[str, bool], ...] = ()
    title: str = ""
    date: str = ""
    source: str = ""
    file_key: str = ""
    file_title: str = ""
    url: str = ""
    seq: int = 0
    seen_at: datetime | None = None


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, how many there are, the facet counts, and whether they are exact.

    `approximate`: the words matched more than WINDOW index rows (a word in nearly
    every version); only the newest WINDOW rows were considered, newest first.
    """

    query: SearchQuery
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    matched: int = 0
    approximate: bool = False
    also: tuple[str, ...] = ()  # searched besides what was typed: topic names, compounds
    suggestions: Suggestions | None = None  # when nothing was found


@dataclass(frozen=True)
class Suggestions:
    """What a search that found nothing offers: searches that find something, close files."""

    words: tuple[str, ...] = ()
    files: tuple[tuple[str, str], ...] = ()  # (key, title)


@dataclass(frozen=True)
class _Group:
    """Matching index rows that make one hit: one row, or every matching version of a source."""

    key: int
    rid: int
    score: float
    rows: int
    source_id: int | None
    dossier_id: int | None
    day: str = ""


def search(session: Session, *, query: SearchQuery, facets: bool = True) -> SearchResult:
    """Ranked hits for a query with its filters; nothing (never an error) for an empty query."""
    typed = searchquery.parse(query.text)
    if not typed:
        return SearchResult(query)
    terms = typed if query.exact else _expanded(session, typed)
    match = _Match.build(session, terms)
    matched = _matched(session, match)
    approximate = matched > WINDOW
    groups = _groups(session, match, query, approximate=approximate)
    labels = _Labels.load(session, groups)
    chosen = _chosen(query)
    kept = _ordered([g for g in groups if _fits(labels.values(g), chosen, skip="")], query.order)
    size = min(max(query.per_page, 1), 1000)
    first = (max(query.page, 1) - 1) * size
    hits = _describe(session, match, kept[first : first + size])
    counts = (
        _facet_counts(session, match, query, groups, labels, approximate=approximate)
        if facets
        else {}
    )
    also = tuple(searchsuggest.closest_first(query.text, searchquery.added(typed, terms)))
    suggestions = None if kept else _suggestions(session, query)
    return SearchResult(query, hits, len(kept), counts, matched, approximate, also, suggestions)


def _expanded(session: Session, typed: list[searchquery.Group]) -> list[searchquery.Group]:
    """The query as a watch reads it: topic names in every language, words inside compounds."""
    groups = searchquery.with_topics(typed)
    found = compound_words(session, long_words=searchquery.long_words(groups))
    return searchquery.with_compounds(groups, found)


def _ordered(groups: list[_Group], order: str) -> list[_Group]:
    """Best first (ties: newest), or newest first (by the day of the newest matching row)."""
    if order == "newest":
        return sorted(groups, key=lambda g: (g.day or "", g.rid), reverse=True)
    return sorted(groups, key=lambda g: (g.score, -g.rid))


def search_feed(session: Session, *, query: SearchQuery, limit: int = 50) -> list[Hit]:
    """The newest hits of a saved search first, for its Atom feed."""
    result = search(session, query=replace(query, page=1, per_page=500), facets=False)
    dated = sorted(result.hits, key=lambda h: (h.seen_at is not None, h.seen_at), reverse=True)
    return dated[:limit]


@dataclass(frozen=True)
class _Match:
    """The dialect's full-text part: which index rows match, their score, where metadata is."""

    dialect: str
    where: str  # a condition on search_fts
    score: str  # lower is better
    params: dict[str, Any]
    terms: list[searchquery.Group]
    tsquery: str = ""

    @classmethod
    def build(cls, session: Session, terms: list[searchquery.Group]) -> _Match:
        if _dialect(session) == "postgresql":
            expression, params = _pg_tsquery(terms)
            return cls("postgresql", f"document @@ {expression}",
                       f"-ts_rank_cd(document, {expression})", params, terms, expression)  # fmt: skip
        return cls("sqlite", "search_fts MATCH :match", "bm25(search_fts, 8.0, 1.0)",
                   {"match": searchquery.fts5(terms)}, terms)  # fmt: skip

    @property
    def meta(self) -> str:
        """The table with (id, dossier_id, source_id, day) per index row."""
        return "search_fts" if self.dialect == "postgresql" else "search_fts_meta"

    def rows(self, *, ranked: bool = True) -> str:
        """SELECT rid, score of every matching row (score 0 when not ranked)."""
        rowid = "id" if self.dialect == "postgresql" else "rowid"
        score = self.score if ranked else "0.0"
        return f"SELECT {rowid} AS rid, {score} AS score FROM search_fts WHERE {self.where}"

    def window(self, conds: str) -> str:
        """The newest WINDOW matching rows that pass `conds`, with their metadata, unranked.

        Filters go inside the window: a filter applied after it would find nothing
        when the newest rows are all of another kind.
        """
        if self.dialect == "postgresql":
            rid, source = "s.id", "search_fts s"
        else:  # ordered by the FTS rowid, so that FTS5 reads its matches newest first and stops
            rid, source = (
                "search_fts.rowid",
                "search_fts JOIN search_fts_meta s ON s.id = search_fts.rowid",
            )
        return (f"SELECT {rid} AS rid, 0.0 AS score, s.source_id, s.dossier_id, s.day FROM {source} "
                f"LEFT JOIN dossier d ON d.id = s.dossier_id WHERE {self.where} AND "
                f"{conds.format(rid=rid)} ORDER BY {rid} DESC LIMIT {WINDOW}")  # fmt: skip


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _pg_tsquery(terms: list[searchquery.Group], name: str = "t") -> tuple[str, dict[str, Any]]:
    """Each term as a tsquery (never raising on any input), combined with && and ||."""
    params: dict[str, Any] = {}
    ands = []
    for g, group in enumerate(terms):
        ors = []
        for t, term in enumerate(group):
            params[f"{name}{g}_{t}"] = _pg_term(term)
            function = "to_tsquery" if term.prefix else "websearch_to_tsquery"
            ors.append(f"{function}('lexwatch', :{name}{g}_{t})")
        ands.append("(" + " || ".join(ors) + ")")
    return "(" + " && ".join(ands) + ")", params


def _pg_term(term: searchquery.Term) -> str:
    """A phrase for websearch_to_tsquery, or a prefix as a quoted tsquery lexeme ('detect':*)."""
    if term.prefix:
        return "'" + term.text.replace("\\", "\\\\").replace("'", "''") + "':*"
    return searchquery.websearch_terms([(term,)])[0][0]


def _matched(session: Session, match: _Match) -> int:
    """How many index rows match the words (cheap: no ranking, no metadata)."""
    sql = f"SELECT count(*) FROM search_fts WHERE {match.where}"
    return int(session.execute(text(sql), match.params).scalar_one())


def _exists(session: Session, match: _Match) -> bool:
    """True when any index row matches (stops at the first)."""
    sql = f"SELECT 1 FROM search_fts WHERE {match.where} LIMIT 1"
    return session.execute(text(sql), match.params).first() is not None


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
        conds.append("{rid} % 4 = 3 AND EXISTS (SELECT 1 FROM change c "
                     "WHERE c.version_id = {rid} / 4 AND c.kind = :change)")  # fmt: skip
        params["change"] = query.change
    return " AND ".join(conds), params


def _hit_filters(session: Session, query: SearchQuery) -> tuple[str, dict[str, Any]]:
    """The type, source, jurisdiction and stage filters as SQL (for the window past WINDOW)."""
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


def _groups(
    session: Session, match: _Match, query: SearchQuery, *, approximate: bool
) -> list[_Group]:
    """Every hit with its best score, newest row, number of rows, source and file."""
    where, params = _row_filters(query)
    if approximate:
        pushed, more = _hit_filters(session, query)
        matching = match.window(f"{where} AND {pushed}")
        params |= more
    else:
        matching = (
            f"SELECT r.rid, r.score, s.source_id, s.dossier_id, s.day FROM r JOIN {match.meta} s "
            f"ON s.id = r.rid WHERE {where.format(rid='r.rid')}"
        )
    ranked = (
        f"r AS MATERIALIZED ({match.rows(ranked=not approximate)}), " if not approximate else ""
    )
    sql = (
        f"WITH {ranked}m AS MATERIALIZED ({matching}) "
        f"SELECT {_KEY} AS k, max(m.rid), min(m.score), count(*), min(m.source_id), "
        "min(m.dossier_id), max(m.day) FROM m GROUP BY k"
    )
    rows = session.execute(text(sql), match.params | params)
    return [_Group(int(k), int(rid), float(score), int(n), source, dossier, day or "")
            for k, rid, score, n, source, dossier, day in rows]  # fmt: skip


@dataclass(frozen=True)
class _Labels:
    """Source names and file jurisdictions and stages: the values hits are filtered by."""

    sources: dict[int, str]
    files: dict[int, tuple[str, str]]

    @classmethod
    def load(cls, session: Session, groups: Iterable[_Group]) -> _Labels:
        groups = list(groups)
        sources = _by_id(session, Source, [g.source_id for g in groups], Source.name)
        files = _by_id(session, Dossier, [g.dossier_id for g in groups],
                       Dossier.jurisdiction, Dossier.stage)  # fmt: skip
        return cls(sources, files)

    def values(self, group: _Group) -> dict[str, str]:
        jurisdiction, stage = self.files.get(group.dossier_id or 0, ("", ""))
        return {"type": HIT_TYPES[group.rid % 4], "source": self.sources.get(group.source_id or 0, ""),
                "jurisdiction": jurisdiction or "", "stage": stage or ""}  # fmt: skip


def _by_id(session: Session, table: type, ids: Iterable[int | None], *columns: Any) -> dict:
    """Columns of rows by id; past a few hundred ids, one pass over the (small) table is faster."""
    wanted = {i for i in ids if i is not None}
    query = select(table.id, *columns)
    if len(wanted) <= 500:
        query = query.where(col(table.id).in_(sorted(wanted)))
    pick = (lambda row: row[1]) if len(columns) == 1 else (lambda row: tuple(row[1:]))
    return {row[0]: pick(row) for row in session.exec(query) if row[0] in wanted}


def _chosen(query: SearchQuery) -> dict[str, str]:
    return {"type": query.type, "source": query.source,
            "jurisdiction": query.jurisdiction, "stage": query.stage}  # fmt: skip


def _fits(values: dict[str, str], chosen: dict[str, str], *, skip: str) -> bool:
    return all(not want or values[name] == want for name, want in chosen.items() if name != skip)


def _facet_counts(
    session: Session, match: _Match, query: SearchQuery, groups: list[_Group], labels: _Labels,
    *, approximate: bool,
) -> dict[str, list[tuple[str, int]]]:  # fmt: skip
    """For each facet, the hits per value with every other filter applied."""
    chosen = _chosen(query)
    valued = [labels.values(g) for g in groups]
    counts = {}
    for name in FACETS:
        counter = Counter(v[name] for v in valued if v[name] and _fits(v, chosen, skip=name))
        counts[name] = counter.most_common()
    # Looking up the change of every matching version is too slow past the window: no counts.
    counts["change"] = [] if approximate else _change_counts(session, match, query)
    return counts


def _change_counts(session: Session, match: _Match, query: SearchQuery) -> list[tuple[str, int]]:
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
    groups = [_Group(k, rid, 0.0, 1, source, dossier) for k, _kind, rid, source, dossier in rows]
    labels, chosen = _Labels.load(session, groups), _chosen(query)
    kinds = [row[1] for row, g in zip(rows, groups, strict=True)
             if _fits(labels.values(g), chosen, skip="")]  # fmt: skip
    return Counter(kinds).most_common()


# -- search: what each hit is ------------------------------------------------------


def _describe(session: Session, match: _Match, groups: list[_Group]) -> list[Hit]:
    """Hits with titles, dates, files and snippets, in rank order."""
    snippets = _snippets(session, match, [g.rid for g in groups])
    hits = [Hit(HIT_TYPES[g.rid % 4], g.rid // 4, g.score, g.rows, snippets.get(g.rid, ()))
            for g in groups]  # fmt: skip
    return _with_details(session, hits)


def _snippets(session: Session, match: _Match, rids: list[int]) -> dict[int, tuple[Piece, ...]]:
    if not rids:
        return {}
    ids = ", ".join(str(int(rid)) for rid in rids)
    if match.dialect == "postgresql":
        return _pg_snippets(session, match, ids)
    sql = (
        "SELECT rowid, snippet(search_fts, -1, char(2), char(3), '…', 24) FROM search_fts "
        f"WHERE search_fts MATCH :match AND rowid IN ({ids})"
    )
    return {rid: _segments(raw or "") for rid, raw in session.execute(text(sql), match.params)}


def _pg_snippets(session: Session, match: _Match, ids: str) -> dict[int, tuple[Piece, ...]]:
    """ts_headline picks the fragments (around the terms' key words); the marks are made here.

    ts_headline marks every word of a phrase wherever it stands ("van", "de" of a Dutch
    topic name); the terms themselves are marked instead, as FTS5 marks them.
    """
    centre, params = _pg_tsquery(searchquery.key_words(match.terms), "h")
    sql = (f"SELECT id, ts_headline('lexwatch', title || ' — ' || body, {centre}, :headline) "
           f"FROM search_fts WHERE id IN ({ids})")  # fmt: skip
    rows = session.execute(text(sql), params | {"headline": _HEADLINE})
    return {rid: _remarked(raw or "", match.terms) for rid, raw in rows}


def _remarked(raw: str, terms: list[searchquery.Group]) -> tuple[Piece, ...]:
    plain = "".join(piece for piece, _ in _segments(raw))
    return searchquery.marked(plain, terms)


_HEADLINE = (
    f"StartSel={SNIPPET_OPEN}, StopSel={SNIPPET_CLOSE}, MaxWords=30, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


_HEADING = re.compile(r"(?m)^[ \t]*#+[ \t]*")  # version text writes a heading as '# Title'
_SPACE = re.compile(r"\s+")


def _segments(raw: str) -> tuple[Piece, ...]:
    """A snippet as (text, matched) pieces, so a template escapes text and marks matches.

    One line of plain text: heading marks and line breaks of the indexed text go.
    """
    raw = _SPACE.sub(" ", _HEADING.sub("", raw)).strip()
    pieces: list[tuple[str, bool]] = []
    for i, part in enumerate(raw.split(SNIPPET_OPEN)):
        marked, _, rest = part.partition(SNIPPET_CLOSE) if i else ("", "", part)
        pieces += [(marked, True)] if marked else []
        pieces += [(rest.replace(SNIPPET_CLOSE, ""), False)] if rest else []
    return tuple(pieces)


def _with_details(session: Session, hits: list[Hit]) -> list[Hit]:
    by_type: dict[str, list[int]] = {}
    for hit in hits:
        by_type.setdefault(hit.type, []).append(hit.id)
    details: dict[tuple[str, int], dict[str, Any]] = {}
    for type_, ids in by_type.items():
        details |= {(type_, i): d for i, d in _DETAILS[type_](session, ids).items()}
    return [replace(hit, **details.get((hit.type, hit.id), {})) for hit in hits]


def _file_details(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    query = select(Dossier).where(col(Dossier.id).in_(ids))
    return {
        d.id: {
            "title": d.title or d.key,
            "file_key": d.key,
            "file_title": d.title,
            "date": d.updated_at.date().isoformat(),
            "seen_at": d.created_at,
        }
        for d in session.exec(query)
    }


def _step_details(table: type[Event] | type[Document]):
    def details(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
        query = (
            select(table, Source.name, Dossier.key, Dossier.title)
            .join(Source, col(Source.id) == col(table.source_id))
            .join(Dossier, col(Dossier.id) == col(table.dossier_id))
            .where(col(table.id).in_(ids))
        )
        return {
            row.id: {
                "title": row.title,
                "date": row.date or "",
                "source": name,
                "url": row.url,
                "file_key": key,
                "file_title": title,
                "seen_at": row.first_seen_at,
            }
            for row, name, key, title in session.exec(query)
        }

    return details


def _version_details(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    query = (
        select(Version.id, Version.seq, Version.created_at, Source.name, Dossier.key, Dossier.title)
        .join(Source, col(Source.id) == col(Version.source_id))
        .join(Dossier, col(Dossier.id) == col(Version.dossier_id), isouter=True)
        .where(col(Version.id).in_(ids))
    )
    return {
        vid: {
            "title": f"{title or key or name} (version {seq} from {name})",
            "date": seen.date().isoformat(),
            "source": name,
            "seq": seq,
            "file_key": key or "",
            "file_title": title or "",
            "seen_at": seen,
        }
        for vid, seq, seen, name, key, title in session.exec(query)
    }


_DETAILS = {
    "file": _file_details,
    "event": _step_details(Event),
    "document": _step_details(Document),
    "version": _version_details,
}


# -- search: what to offer when nothing was found ----------------------------------------

SUGGESTED_FILES = 5000  # the most recently updated files are compared with what was typed
SUGGESTED_WORDS = 8


def _suggestions(session: Session, query: SearchQuery) -> Suggestions:
    """Topic names and indexed words that find something, and files with close titles.

    An exact search is offered exact searches (the names that occur as typed); any other
    search is offered searches that are expanded in their turn.
    """
    typed = query.text
    names = searchsuggest.topic_names(typed, exact=query.exact)
    starts = sorted({w[:2] for w in searchsuggest.typed_words(typed) if len(w) >= 2})
    listed = words_starting(session, prefixes=starts)
    finds = _Finds(session, query.exact)
    candidates = dict.fromkeys(names + searchsuggest.close_words(typed, listed))
    words = list(islice((w for w in candidates if finds(w)), SUGGESTED_WORDS))
    files = searchsuggest.close_files(typed, _file_titles(session))
    return Suggestions(tuple(words), tuple(files))


class _Finds:
    """Whether a search for some words has at least one index row (each query counted once)."""

    def __init__(self, session: Session, exact: bool) -> None:
        self.session, self.exact = session, exact
        self.known: dict[tuple[frozenset[searchquery.Term], ...], bool] = {}

    def __call__(self, words: str) -> bool:
        typed = searchquery.parse(words)
        terms = typed if self.exact else _expanded(self.session, typed)
        key = tuple(frozenset(group) for group in terms)  # a topic's names: one search
        if key not in self.known:
            where = _Match.build(self.session, terms) if terms else None
            self.known[key] = where is not None and _exists(self.session, where)
        return self.known[key]


def _file_titles(session: Session) -> list[tuple[str, str]]:
    query = select(Dossier.key, Dossier.title).order_by(col(Dossier.updated_at).desc())
    return [(key, title or "") for key, title in session.exec(query.limit(SUGGESTED_FILES))]


def change_kinds(session: Session) -> list[str]:
    """Every kind of change recorded so far."""
    return list(session.exec(select(Change.kind).distinct().order_by(Change.kind)))


# -- files, versions, changes --------------------------------------------------------


def file_page_list(
    session: Session, *, jurisdiction: str = "", limit: int = 100, offset: int = 0
) -> list[Dossier]:
    """Files, most recently updated first."""
    query = select(Dossier).order_by(col(Dossier.updated_at).desc(), col(Dossier.id))
    if jurisdiction:
        query = query.where(Dossier.jurisdiction == jurisdiction)
    return list(session.exec(query.offset(offset).limit(limit)))


def documents_of(session: Session, *, dossier_id: int) -> list[tuple[Document, str]]:
    """A file's documents from every source, by date, with the source's name."""
    query = (
        select(Document, Source.name)
        .join(Source, col(Source.id) == col(Document.source_id))
        .where(Document.dossier_id == dossier_id)
        .order_by(col(Document.date), col(Document.id))
    )
    return [(doc, name) for doc, name in session.exec(query)]


@dataclass(frozen=True)
class VersionInfo:
    """A version without its record: what a list of versions shows."""

    id: int
    source: str
    seq: int
    created_at: datetime


def versions_of(session: Session, *, dossier_id: int) -> list[VersionInfo]:
    """A file's versions from every source, newest first."""
    query = (
        select(Version.id, Source.name, Version.seq, Version.created_at)
        .join(Source, col(Source.id) == col(Version.source_id))
        .where(Version.dossier_id == dossier_id)
        .order_by(col(Version.created_at).desc(), col(Version.id).desc())
    )
    return [VersionInfo(*row) for row in session.exec(query)]


def version_with_source(session: Session, *, version_id: int) -> tuple[Version, str] | None:
    """A version with its source's name."""
    query = (
        select(Version, Source.name)
        .join(Source, col(Source.id) == col(Version.source_id))
        .where(Version.id == version_id)
    )
    row = session.exec(query).first()
    return (row[0], row[1]) if row else None


def previous_version_id(session: Session, *, version_id: int) -> int | None:
    """The version of the same source just before this one."""
    version = session.get(Version, version_id)
    if version is None:
        return None
    query = select(Version.id).where(
        Version.source_id == version.source_id, Version.seq < version.seq
    )
    return session.exec(query.order_by(col(Version.seq).desc())).first()


def file_by_id(session: Session, *, dossier_id: int | None) -> Dossier | None:
    """A file by id."""
    return session.get(Dossier, dossier_id) if dossier_id else None


def changes_of_file(
    session: Session, *, dossier_id: int, limit: int = 200
) -> list[tuple[Change, str]]:
    """A file's changes, newest first, with the source's name."""
    query = (
        select(Change, Source.name)
        .join(Source, col(Source.id) == col(Change.source_id))
        .where(Change.dossier_id == dossier_id)
        .order_by(col(Change.detected_at).desc(), col(Change.id).desc())
    )
    return [(c, name) for c, name in session.exec(query.limit(limit))]


def latest_changes(
    session: Session,
    *,
    since: datetime | None = None,
    sources: Sequence[str] = (),
    kinds: Sequence[str] = (),
    significance: Sequence[str] = (),
    dossier_key: str = "",
    limit: int = 100,
) -> list[tuple[Change, str, str | None]]:
    """Changes newest first, filtered, with the source's name and the file's key."""
    query = (
        select(Change, Source.name, Dossier.key)
        .join(Source, col(Source.id) == col(Change.source_id))
        .join(Dossier, col(Dossier.id) == col(Change.dossier_id), isouter=True)
        .order_by(col(Change.detected_at).desc(), col(Change.id).desc())
    )
    if since is not None:
        query = query.where(Change.detected_at >= since)
    for column, wanted in (
        (Source.name, sources),
        (Change.kind, kinds),
        (Change.significance, significance),
    ):
        query = query.where(col(column).in_(wanted)) if wanted else query
    if dossier_key:
        query = query.where(Dossier.key == dossier_key)
    return [(c, name, key) for c, name, key in session.exec(query.limit(limit))]


# -- sources (admin) -------------------------------------------------------------------


def get_source(session: Session, *, source_id: int) -> Source | None:
    """A source by id."""
    return session.get(Source, source_id)


def source_by_name(session: Session, *, name: str) -> Source | None:
    """A source by its exact name."""
    return session.exec(select(Source).where(Source.name == name)).first()


def set_enabled(session: Session, *, source: Source, enabled: bool) -> None:
    """Pause or resume a source."""
    source.enabled, source.updated_at = enabled, utcnow()
    session.add(source)


def update_source(session: Session, *, source: Source, new: Source) -> Source:
    """Copy what an admin may edit from `new` onto `source`."""
    for name in ("name", "kind", "url", "params", "jurisdiction", "every_seconds", "cron"):
        setattr(source, name, getattr(new, name))
    source.enabled, source.updated_at = new.enabled, utcnow()
    session.add(source)
    session.flush()
    return source


def last_error(session: Session, *, source_id: int) -> CrawlRun | None:
    """The most recent run of a source that recorded an error."""
    query = (
        select(CrawlRun)
        .where(CrawlRun.source_id == source_id, CrawlRun.error != "")
        .order_by(col(CrawlRun.started_at).desc())
    )
    return session.exec(query).first()


# -- watches and subscribers (admin) ------------------------------------------------------


def watches_with_counts(session: Session) -> list[tuple[Watch, int]]:
    """Every watch with how many subscribers follow it."""
    counts = dict(
        session.exec(
            select(Subscription.watch_id, func.count()).group_by(col(Subscription.watch_id))
        ).all()
    )
    watches = session.exec(select(Watch).order_by(Watch.name))
    return [(watch, counts.get(watch.id, 0)) for watch in watches]


def subscriber_by_id(session: Session, *, subscriber_id: int) -> Subscriber | None:
    """A subscriber by id."""
    return session.get(Subscriber, subscriber_id)


def subscribers_with_watches(session: Session) -> list[tuple[Subscriber, list[str]]]:
    """Every subscriber with the names of the watches they follow."""
    follows: dict[int, list[str]] = {}
    query = select(Subscription.subscriber_id, Watch.name).join(
        Watch, col(Watch.id) == col(Subscription.watch_id)
    )
    for subscriber_id, name in session.exec(query.order_by(Watch.name)):
        follows.setdefault(subscriber_id, []).append(name)
    people = session.exec(select(Subscriber).order_by(Subscriber.email))
    return [(person, follows.get(person.id, [])) for person in people]


# -- bulk loading ----------------------------------------------------------------------


def bulk_insert(session: Session, *, model: type, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows of one table in one executemany (imports, the search benchmark)."""
    if rows:
        session.execute(insert(model), list(rows))


def pause_search_index(session: Session) -> None:
    """Stop the index triggers before a bulk load; rebuild_search_index starts them again.

    FTS5 writes its pending index at every statement savepoint, so rows indexed by
    triggers one at a time cost ten times more than one refill at the end.
    """
    session.execute(text("UPDATE search_fts_state SET paused = 1"))


def rebuild_search_index(session: Session) -> None:
    """Refill the search index from what the tables hold (view search_fts_source), then resume."""
    if _dialect(session) == "postgresql":
        statements = [
            "TRUNCATE search_fts",
            "INSERT INTO search_fts(id, title, body, dossier_id, source_id, day) "
            "SELECT rid, title, body, dossier_id, source_id, day FROM search_fts_source",
        ]
    else:
        statements = [
            "DELETE FROM search_fts",
            "DELETE FROM search_fts_meta",
            "INSERT INTO search_fts(rowid, title, body) SELECT rid, title, body FROM search_fts_source",
            "INSERT INTO search_fts_meta(id, dossier_id, source_id, day) "
            "SELECT rid, dossier_id, source_id, day FROM search_fts_source",
            "INSERT INTO search_fts(search_fts) VALUES ('optimize')",
        ]
    statements += words_list_fill(_dialect(session))
    for statement in [*statements, "UPDATE search_fts_state SET paused = 0"]:
        session.execute(text(statement))


# -- users ---------------------------------------------------------------------------


def add_user(session: Session, *, email: str, password_hash: str, role: str) -> User:
    """Store a new user; the caller checks the email is free."""
    user = User(email=email, password_hash=password_hash, role=role)
    session.add(user)
    session.flush()
    return user


def user_by_email(session: Session, *, email: str) -> User | None:
    """A user by email (compared in lower case)."""
    return session.exec(select(User).where(func.lower(User.email) == email.lower())).first()


def get_user(session: Session, *, user_id: int) -> User | None:
    """A user by id."""
    return session.get(User, user_id)


def list_users(session: Session) -> list[User]:
    """Every user, by email."""
    return list(session.exec(select(User).order_by(User.email)))


def count_users(session: Session, *, role: str = "") -> int:
    """How many users there are (with this role)."""
    query = select(func.count()).select_from(User)
    return session.exec(query.where(User.role == role) if role else query).one()


def remove_user(session: Session, *, user: User) -> None:
    """Delete a user."""
    session.delete(user)


def note_login(session: Session, *, user: User, password_hash: str | None = None) -> None:
    """A successful sign-in: keep a rehashed password when there is one."""
    if password_hash:
        user.password_hash = password_hash
        session.add(user)


def set_password(session: Session, *, user: User, password_hash: str) -> None:
    """A new password, which also ends every session of the user."""
    user.password_hash = password_hash
    end_sessions(session, user=user)


def end_sessions(session: Session, *, user: User) -> None:
    """A new session stamp: every cookie issued before no longer signs anyone in."""
    user.session_stamp = new_stamp()
    session.add(user)


def rotate_token(session: Session, *, user: User) -> None:
    """A new token stamp: the feed token changes and the old one stops working."""
    user.token_stamp = new_stamp()
    session.add(user)


def recent_sign_in_failures(session: Session, *, key: str, since: datetime) -> int:
    """How many wrong passwords were given for one email from one address since `since`."""
    query = select(func.count()).select_from(SignInFailure)
    where = (SignInFailure.key == key) & (SignInFailure.failed_at > since)
    return session.exec(query.where(where)).one()


def note_sign_in_failure(session: Session, *, key: str, forget_before: datetime) -> None:
    """Count one wrong password; failures older than the window are removed on the way."""
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at < forget_before))
    session.add(SignInFailure(key=key))


def clear_sign_in_failures(session: Session, *, key: str) -> None:
    """A successful sign-in: this email and address start from zero."""
    session.execute(delete(SignInFailure).where(SignInFailure.key == key))
