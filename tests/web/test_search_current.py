"""Search ranks the current state first; the index of current rows follows every version."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db import repo
from db.engine import session_scope
from db.models import Source, Version


def _source(session, name: str) -> int:
    source = Source(name=name, kind="page", url=f"https://{name}.example/", jurisdiction="EU")
    session.add(source)
    session.flush()
    return source.id


def _version(session, source_id: int, seq: int, body: str) -> int:
    version = Version(
        source_id=source_id, seq=seq, fingerprint=f"{source_id}-{seq}".ljust(64, "0"),
        record={}, text=body,
    )  # fmt: skip
    session.add(version)
    session.flush()
    return version.id


def _current(session) -> set[int]:
    column = "id" if session.get_bind().dialect.name == "postgresql" else "rowid"
    return {rid for (rid,) in session.execute(text(f"SELECT {column} FROM search_fts_now"))}


@pytest.fixture
def two_sources(app):
    """One source whose old version matched strongly, one whose current version matches weakly."""
    with session_scope(app.state.engine) as session:
        old, now = _source(session, "old"), _source(session, "now")
        strong = _version(session, old, 1, "zebracrossing zebracrossing zebracrossing")
        _version(session, old, 2, "nothing of the sort any more")
        weak = _version(session, now, 1, "a long text " * 30 + "with one zebracrossing")
    return strong, weak


@pytest.mark.parametrize("window", [5000, 1])
def test_the_current_state_ranks_before_history(app, two_sources, monkeypatch, window) -> None:
    import db.repo.searchresults as search_module

    monkeypatch.setattr(search_module, "WINDOW", window)
    strong, weak = two_sources
    with session_scope(app.state.engine) as session:
        result = repo.search(session, query=repo.SearchQuery(text="zebracrossing"))
    assert [h.id for h in result.hits] == [weak, strong]
    assert result.approximate == (window == 1)


def test_the_index_of_current_rows_keeps_each_sources_newest_version(app) -> None:
    with session_scope(app.state.engine) as session:
        source = _source(session, "kept")
        first = _version(session, source, 1, "first words")
        second = _version(session, source, 2, "second words")
        assert second * 4 + 3 in _current(session) and first * 4 + 3 not in _current(session)
        session.delete(session.get(Version, second))
        session.flush()
        assert first * 4 + 3 in _current(session), "the version before comes back"
        assert second * 4 + 3 not in _current(session)
