"""What each search hit is: its title, date, source and file, and a snippet with the matches marked."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from db import searchquery
from db.models import DocumentRow, Dossier, EventRow, Source, Version
from db.repo.searchmatch import Match, pg_tsquery
from db.searchquery import Piece

__all__ = [
    "HIT_TYPES",
    "Hit",
]


HIT_TYPES = ("file", "event", "document", "version")  # index row id = id * 4 + position
SNIPPET_OPEN, SNIPPET_CLOSE = "\x02", "\x03"  # never in scraped text: control characters


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
class RowGroup:
    """Matching index rows that make one hit: one row, or every matching version of a source."""

    key: int
    rid: int
    score: float
    rows: int
    source_id: int | None
    dossier_id: int | None
    day: str = ""
    now: bool = False  # a current row: a file, event, document or a source's newest version


def describe(
    session: Session, match: Match, groups: list[RowGroup], known: dict[int, str] | None = None
) -> list[Hit]:
    """Hits with titles, dates, files and snippets, in rank order; `known`: raw snippets by rid."""
    known = known or {}
    snippets = {rid: _segments(raw) for rid, raw in known.items()}
    wanted = [g for g in groups if g.rid not in known]
    snippets |= _snippets(session, match, [g.rid for g in wanted if g.now], "search_fts_now")
    snippets |= _snippets(session, match, [g.rid for g in wanted if not g.now], "search_fts")
    hits = [
        Hit(HIT_TYPES[g.rid % 4], g.rid // 4, g.score, g.rows, snippets.get(g.rid, ()))
        for g in groups
    ]
    return _with_details(session, hits)


def _snippets(
    session: Session, match: Match, rids: list[int], table: str
) -> dict[int, tuple[Piece, ...]]:
    """Snippets of some rows, from `table`: the current rows' own index reads less on SQLite."""
    if not rids:
        return {}
    ids = ", ".join(str(int(rid)) for rid in rids)
    if match.dialect == "postgresql":
        return _pg_snippets(session, match, ids)
    sql = (
        f"SELECT rowid, snippet({table}, -1, char(2), char(3), '…', 24) FROM {table} "
        f"WHERE {table} MATCH :match AND {_among(table, rids, ids)}"
    )
    return {rid: _segments(raw or "") for rid, raw in session.execute(text(sql), match.params)}


def _among(table: str, rids: list[int], ids: str) -> str:
    """The rows wanted. Beside an IN list FTS5 runs the words again for each id, which costs
    most on the current rows' index (rewritten at every version, so in many pieces): there
    the words run once over the ids' span and the ids are picked from it (`+`: not an index)."""
    if table != "search_fts_now":
        return f"rowid IN ({ids})"
    return f"rowid BETWEEN {min(rids)} AND {max(rids)} AND +rowid IN ({ids})"


def _pg_snippets(session: Session, match: Match, ids: str) -> dict[int, tuple[Piece, ...]]:
    """ts_headline picks the fragments (around the terms' key words); the marks are made here.

    ts_headline marks every word of a phrase wherever it stands ("van", "de" of a Dutch
    topic name); the terms themselves are marked instead, as FTS5 marks them.
    """
    centre, params = pg_tsquery(searchquery.key_words(match.terms), "h")
    sql = (
        f"SELECT id, ts_headline('lexwatch', title || ' — ' || body, {centre}, :headline) "
        f"FROM search_fts WHERE id IN ({ids})"
    )
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


def _step_details(table: type[EventRow] | type[DocumentRow]):
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
    "event": _step_details(EventRow),
    "document": _step_details(DocumentRow),
    "version": _version_details,
}
