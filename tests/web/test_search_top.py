"""Past the ranked window, SQLite's first page comes from FTS5's rank order (db/repo/searchtop.py):
the same page, counts and snippets as the general path (searchcurrent.current_page)."""

from __future__ import annotations

import pytest

import db.repo.searchresults as results
import db.repo.searchtop as top
from db import repo
from db.engine import session_scope
from tests.web.test_search_current import _source, _version

SAME = "zebracrossing at the corner"  # many current rows with one score: a tie at the page's edge


@pytest.fixture
def tied(app, monkeypatch) -> None:
    """Twelve sources whose current versions tie in score, four that score apart, some history,
    and one source whose current version no longer matches (a hit from history only)."""
    monkeypatch.setattr(results, "WINDOW", 1)  # every search reads the current state first
    with session_scope(app.state.engine) as session:
        for n in range(12):
            _version(session, _source(session, f"tie{n}"), 1, SAME)
        for n in range(4):
            source = _source(session, f"apart{n}")
            _version(session, source, 1, "zebracrossing " * (n + 2))
            _version(session, source, 2, "zebracrossing " + "words " * (n + 3))
        gone = _source(session, "gone")
        _version(session, gone, 1, "zebracrossing gone")
        _version(session, gone, 2, "nothing of the sort")


def _search(app, **query) -> repo.SearchResult:
    with session_scope(app.state.engine) as session:
        return repo.search(session, query=repo.SearchQuery(text="zebracrossing", **query))


def _seen(result: repo.SearchResult) -> tuple:
    hits = [(h.type, h.id, h.score, h.matches, h.snippet, h.title) for h in result.hits]
    return hits, result.total, result.facets, result.approximate


def _calls(monkeypatch) -> list[bool]:
    """Whether each call of top_page gave a page (False: a tie too long, current_page took it)."""
    calls: list[bool] = []

    def recorded(*args, **kwargs):
        page = top.top_page(*args, **kwargs)
        calls.append(page is not None)
        return page

    monkeypatch.setattr(results, "top_page", recorded)
    return calls


@pytest.mark.parametrize("page", [1, 2, 3])
def test_the_rank_order_page_is_the_general_paths_page(app, tied, monkeypatch, page) -> None:
    calls = _calls(monkeypatch)
    found = _seen(_search(app, page=page, per_page=5))
    monkeypatch.setattr(results, "top_page", lambda *args, **kwargs: None)
    assert found == _seen(_search(app, page=page, per_page=5))
    assert calls == ([True] if app.state.engine.dialect.name == "sqlite" else [])
    assert found[1] == 17 and len(found[0]) == 5


def test_history_only_hits_and_counts_are_the_general_paths(app, tied, monkeypatch) -> None:
    found = _search(app, per_page=20)
    assert found.total == 17
    versions = [h for h in found.hits if h.type == "version"]
    assert [h.source for h in versions if h.source == "gone"] == ["gone"]
    assert next(h for h in versions if h.source == "gone").seq == 1
    assert {h.matches for h in versions if h.source.startswith("apart")} == {2}
    monkeypatch.setattr(results, "top_page", lambda *args, **kwargs: None)
    assert _seen(found) == _seen(_search(app, per_page=20))


def test_a_tie_longer_than_what_is_read_takes_the_general_path(app, tied, monkeypatch) -> None:
    monkeypatch.setattr(top, "TIES", 2)
    calls = _calls(monkeypatch)
    found = _seen(_search(app, per_page=5))
    monkeypatch.setattr(results, "top_page", lambda *args, **kwargs: None)
    assert found == _seen(_search(app, per_page=5))
    assert calls == ([False] if app.state.engine.dialect.name == "sqlite" else [])


@pytest.mark.parametrize("query", [{"order": "newest"}, {"source": "tie3"}, {"type": "version"}])
def test_filters_and_the_newest_order_take_the_general_path(app, tied, monkeypatch, query) -> None:
    calls = _calls(monkeypatch)
    assert _search(app, **query).total >= 1
    assert calls == []
