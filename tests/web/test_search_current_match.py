"""Which hits are current and still match: read from one run of the words over the current rows,
they are what asking for each row by id says, and both search paths find the same hits."""

from __future__ import annotations

import pytest

from db import repo, searchquery
from db.engine import session_scope
from db.repo import searchresults
from db.repo.searchcurrent import current_ids_matching
from db.repo.searchmatch import Match
from tests.web.test_search_current import _current, _source, _version


@pytest.fixture
def quokkas(app) -> dict[str, int]:
    """Index row ids: a source matching now and before, one matching only before, one only now."""
    with session_scope(app.state.engine) as session:
        a, b, c = (_source(session, name) for name in ("alpha", "beta", "gamma"))
        ids = {
            "old_a": _version(session, a, 1, "a quokka on the island"),
            "now_a": _version(session, a, 2, "the quokka again"),
            "old_b": _version(session, b, 1, "a quokka once"),
            "now_b": _version(session, b, 2, "nothing of the sort"),
            "now_c": _version(session, c, 1, "quokka quokka"),
        }
    return {name: vid * 4 + 3 for name, vid in ids.items()}


def _match(session, words: str) -> Match:
    return Match.build(session, searchquery.parse(words))


def test_the_current_rows_that_match_are_found_among_the_ids(app, quokkas) -> None:
    with session_scope(app.state.engine) as session:
        match = _match(session, "quokka")
        found = current_ids_matching(session, match, sorted(quokkas.values()))
        assert sorted(found) == sorted([quokkas["now_a"], quokkas["now_c"]])
        assert current_ids_matching(session, match, [quokkas["old_a"], quokkas["now_b"]]) == []
        assert current_ids_matching(session, match, []) == []


def test_each_hit_is_marked_current_as_its_row_is(app, quokkas) -> None:
    with session_scope(app.state.engine) as session:
        match = _match(session, "quokka")
        groups = searchresults._groups(session, match, repo.SearchQuery(text="quokka"))
        current = _current(session)
    assert {g.rid: g.now for g in groups} == {g.rid: g.rid in current for g in groups}
    assert {g.rid for g in groups} == {quokkas["now_a"], quokkas["old_b"], quokkas["now_c"]}
    assert {g.rid for g in groups if g.now} == {quokkas["now_a"], quokkas["now_c"]}


@pytest.mark.parametrize("query", [{}, {"source": "beta"}, {"type": "version"}])
def test_both_paths_find_the_same_hits(app, quokkas, monkeypatch, query) -> None:
    """Ranking every row and the current state first (WINDOW 1) give the same hits."""
    found = {}
    for window in (5000, 1):
        monkeypatch.setattr(searchresults, "WINDOW", window)
        with session_scope(app.state.engine) as session:
            result = repo.search(session, query=repo.SearchQuery(text="quokka", **query))
        found[window] = ({h.id * 4 + 3 for h in result.hits}, result.total, result.approximate)
    assert found[5000][:2] == found[1][:2]
    assert (found[5000][2], found[1][2]) == (False, True)
    wanted = {"old_b"} if "source" in query else {"now_a", "old_b", "now_c"}
    assert found[1][0] == {quokkas[name] for name in wanted}
