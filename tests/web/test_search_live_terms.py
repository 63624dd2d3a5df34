"""PostgreSQL searches only the alternatives some index row holds, reads the rows it matched
by id, and finds and ranks as before."""

from __future__ import annotations

import pytest

from db import repo, searchquery
from db.engine import session_scope
from db.repo import searchmatch, searchresults
from db.repo.searchcurrent import reach
from tests.web.test_search_current import _source, _version

TEXTS = (
    "the quokka met the wombat on the island",
    "a wombat alone in the long grass",
    "quokka quokka and a wombat, then the island again",
    "nothing of the sort",
)
QUERIES = (
    'quokka OR wombat OR zzyzxword OR "quokka zzyzxword"',  # one group: two alternatives found
    'island quokka OR "wombat zzyzxword"',  # two groups: ranked by every alternative
    "zzyzxword OR yyzzyword",  # no alternative found: nothing
)


@pytest.fixture
def animals(app) -> None:
    with session_scope(app.state.engine) as session:
        for i, body in enumerate(TEXTS):
            _version(session, _source(session, f"s{i}"), 1, body)


def _found(app, words: str) -> list[tuple]:
    with session_scope(app.state.engine) as session:
        result = repo.search(session, query=repo.SearchQuery(text=words, exact=True))
    return [(h.type, h.id, h.score, h.matches) for h in result.hits] + [result.total]


@pytest.mark.parametrize("words", QUERIES)
@pytest.mark.parametrize("window", [5000, 1])
def test_the_same_hits_and_scores_as_with_every_alternative(
    app, animals, monkeypatch, words, window
):
    monkeypatch.setattr(searchresults, "WINDOW", window)
    pruned = _found(app, words)
    monkeypatch.setattr(searchmatch, "_pg_live", lambda session, operands, params: operands)
    assert _found(app, words) == pruned


def test_the_alternatives_found_nowhere_are_left_out_of_the_match(app, animals) -> None:
    with session_scope(app.state.engine) as session:
        match = searchmatch.Match.build(session, searchquery.parse(QUERIES[0]))
    if match.dialect != "postgresql":
        pytest.skip("FTS5 looks each word up in its own index: nothing is left out")
    assert [match.params[name] for name in ("t0_0", "t0_1")] == ["quokka", "wombat"]
    assert ":t0_0" in match.where and ":t0_1" in match.where
    assert ":t0_2" not in match.where and ":t0_3" not in match.where
    assert match.score == f"-ts_rank_cd(document, {match.tsquery})"  # one group: ranked as matched
    with session_scope(app.state.engine) as session:
        two = searchmatch.Match.build(session, searchquery.parse(QUERIES[1]))
    assert ":t1_1" not in two.where and ":t1_1" in two.score  # two groups: every alternative ranks


def test_postgres_reads_the_matching_rows_once_within_the_budget(app, animals) -> None:
    with session_scope(app.state.engine) as session:
        match = searchmatch.Match.build(session, searchquery.parse("wombat"))
        within, past = reach(session, match, 5000), reach(session, match, 2)
    if match.dialect != "postgresql":
        pytest.skip("SQLite estimates what a search reads from FTS5's counts")
    assert within.entries == 3 and len(within.rows) == 3 and past.rows is None
    assert match.among(within.rows).where == "id = ANY(:rows)"


@pytest.mark.parametrize("words", ["wombat", "quokka island"])
def test_the_rows_read_by_id_give_what_the_words_give(app, animals, monkeypatch, words) -> None:
    by_id = _found(app, words)
    monkeypatch.setattr(searchmatch.Match, "among", lambda self, rows: self)
    assert _found(app, words) == by_id
