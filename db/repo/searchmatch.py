"""The dialect's full-text part of a search: which index rows match, and their score.

FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL (migration 0002).
A query is first expanded as a watch reads it, unless the search is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from db import searchquery
from db.repo.searchwords import compound_words

__all__ = []


@dataclass(frozen=True)
class Match:
    """The dialect's full-text part: which index rows match, their score, where metadata is."""

    dialect: str
    where: str  # a condition on search_fts
    score: str  # lower is better
    params: dict[str, Any]
    terms: list[searchquery.Group]
    tsquery: str = ""

    @classmethod
    def build(cls, session: Session, terms: list[searchquery.Group]) -> Match:
        if dialect(session) == "postgresql":
            return _pg_match(session, terms)
        return cls(
            "sqlite",
            "search_fts MATCH :match",
            "bm25(search_fts, 8.0, 1.0)",
            {"match": searchquery.fts5(terms)},
            terms,
        )

    def among(self, rows: tuple[int, ...] | None) -> Match:
        """The same match read by row id, when every matching row is known (PostgreSQL)."""
        if rows is None or self.dialect != "postgresql":
            return self
        return replace(self, where="id = ANY(:rows)", params=self.params | {"rows": list(rows)})

    @property
    def meta(self) -> str:
        """The table with (id, dossier_id, source_id, day) per index row."""
        return "search_fts" if self.dialect == "postgresql" else "search_fts_meta"

    def rows(self, *, ranked: bool = True) -> str:
        """SELECT rid, score of every matching row (score 0 when not ranked)."""
        rowid = "id" if self.dialect == "postgresql" else "rowid"
        score = self.score if ranked else "0.0"
        return f"SELECT {rowid} AS rid, {score} AS score FROM search_fts WHERE {self.where}"

    def current_rows(self, *, ranked: bool = True) -> str:
        """SELECT rid, score of every matching row of the current state (migration 0013)."""
        if self.dialect == "postgresql":
            score = self.score if ranked else "0.0"
            return f"SELECT id AS rid, {score} AS score FROM search_fts_now WHERE {self.where}"
        score = "bm25(search_fts_now, 8.0, 1.0)" if ranked else "0.0"
        return (
            f"SELECT rowid AS rid, {score} AS score FROM search_fts_now "
            "WHERE search_fts_now MATCH :match"
        )

    def newest_rows(self, limit: int) -> str:
        """SELECT rid of the newest `limit` matching rows (FTS5 reads them newest first, stops)."""
        rowid = "id" if self.dialect == "postgresql" else "rowid"
        return f"SELECT {rowid} AS rid FROM search_fts WHERE {self.where} ORDER BY {rowid} DESC LIMIT {limit}"


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def pg_tsquery(terms: list[searchquery.Group], name: str = "t") -> tuple[str, dict[str, Any]]:
    """Each term as a tsquery (never raising on any input), combined with && and ||."""
    operands, params = _pg_operands(terms, name)
    return _pg_joined(operands), params


# Each group's terms as SQL tsqueries; their parameters.
_Operands = list[list[str]]


def _pg_operands(terms: list[searchquery.Group], name: str) -> tuple[_Operands, dict[str, Any]]:
    params: dict[str, Any] = {}
    operands = []
    for g, group in enumerate(terms):
        operands.append([])
        for t, term in enumerate(group):
            params[f"{name}{g}_{t}"] = _pg_term(term)
            function = "to_tsquery" if term.prefix else "websearch_to_tsquery"
            operands[-1].append(f"{function}('lexwatch', :{name}{g}_{t})")
    return operands, params


def _pg_joined(operands: _Operands) -> str:
    return "(" + " && ".join("(" + " || ".join(ors) + ")" for ors in operands) + ")"


def _pg_match(session: Session, terms: list[searchquery.Group]) -> Match:
    """The words as a tsquery, less the alternatives that no index row holds (a topic's names
    in other languages, mostly): matching them costs a scan, ranking them most of the time."""
    operands, params = _pg_operands(terms, "t")
    full, live = _pg_joined(operands), _pg_joined(_pg_live(session, operands, params))
    # One group: its rows' scores stay the same without the alternatives found nowhere.
    ranked = live if len(terms) == 1 and not _negated(terms) else full
    return Match("postgresql", f"document @@ {live}", f"-ts_rank_cd(document, {ranked})",
                 params, terms, live)  # fmt: skip


def _pg_live(session: Session, operands: _Operands, params: dict[str, Any]) -> _Operands:
    """Each group's alternatives that match an index row (all of a group that has none)."""
    asked = [(g, t) for g, ors in enumerate(operands) if len(ors) > 1 for t in range(len(ors))]
    if not asked:
        return operands
    held = " UNION ALL ".join(
        f"SELECT {i} WHERE EXISTS (SELECT 1 FROM search_fts WHERE document @@ {operands[g][t]})"
        for i, (g, t) in enumerate(asked)
    )
    found = {asked[i] for i in _by_index(session, held, params)}
    kept = [
        [q for t, q in enumerate(ors) if len(ors) == 1 or (g, t) in found]
        for g, ors in enumerate(operands)
    ]
    return [kept[g] or ors for g, ors in enumerate(operands)]


def _by_index(session: Session, sql: str, params: dict[str, Any]) -> list[int]:
    """The look-ups as GIN index look-ups: the planner reads an EXISTS as a scan that stops at
    the first match, which a name found nowhere never has (without statistics, after a bulk
    load: 7 s for a topic's 35 names at 131,000 rows; with them, 250 ms a name at 1,000,000)."""
    setting = "SELECT set_config('enable_seqscan', :value, true)"
    before = session.execute(text("SELECT current_setting('enable_seqscan')")).scalar_one()
    session.execute(text(setting), {"value": "off"})
    found = list(session.execute(text(sql), params).scalars())
    # Set back for the rest of the transaction; after a failure the rollback discards it,
    # and a statement here would only hide the failure behind "transaction is aborted".
    session.execute(text(setting), {"value": before})
    return found


def _negated(terms: list[searchquery.Group]) -> bool:
    """True when a term has a word websearch_to_tsquery reads as NOT (`-word`)."""
    return any(part.startswith("-") for group in terms for t in group for part in t.text.split())


def _pg_term(term: searchquery.Term) -> str:
    """A phrase for websearch_to_tsquery, or a prefix as a quoted tsquery lexeme ('detect':*)."""
    if term.prefix:
        return "'" + term.text.replace("\\", "\\\\").replace("'", "''") + "':*"
    return searchquery.websearch_terms([(term,)])[0][0]


def count_matching(session: Session, match: Match) -> int:
    """How many index rows match the words (cheap: no ranking, no metadata)."""
    sql = f"SELECT count(*) FROM search_fts WHERE {match.where}"
    return int(session.execute(text(sql), match.params).scalar_one())


def any_match(session: Session, match: Match) -> bool:
    """True when any index row matches (stops at the first)."""
    sql = f"SELECT 1 FROM search_fts WHERE {match.where} LIMIT 1"
    return session.execute(text(sql), match.params).first() is not None


def expanded(session: Session, typed: list[searchquery.Group]) -> list[searchquery.Group]:
    """The query as a watch reads it: topic names in every language, words inside compounds."""
    groups = searchquery.with_topics(typed)
    found = compound_words(session, long_words=searchquery.long_words(groups))
    return searchquery.with_compounds(groups, found)
