"""Seeding the default sources is decided once per database, at its first start, and recorded."""

from __future__ import annotations

import pytest

from db import repo
from db.engine import get_engine, session_scope
from db.models import Source
from pipeline.startup import DECLINED, SEEDED, seed_once
from vocab.settings import get_settings


def _names(lexwatch) -> set[str]:
    result = lexwatch("sources", "list", "--format", "json")
    assert result.code == 0, result.err
    return {row["name"] for row in result.json()}


def _state(key: str) -> str | None:
    with session_scope(get_engine(get_settings().db_url)) as session:
        return repo.get_state(session, key=key)


def _seed_defaults(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("LEXWATCH_SEED_DEFAULTS", raising=False)
    else:
        monkeypatch.setenv("LEXWATCH_SEED_DEFAULTS", value)
    get_settings.cache_clear()


def test_a_database_first_started_without_seeding_is_never_seeded_later(
    lexwatch, monkeypatch
) -> None:
    assert _names(lexwatch) == set()  # LEXWATCH_SEED_DEFAULTS=false (the `home` fixture)
    assert _state(DECLINED) and not _state(SEEDED)
    _seed_defaults(monkeypatch, None)  # a later command with the default, true
    assert _names(lexwatch) == set()
    assert lexwatch("watches", "list", "--format", "json").json() == []


def test_a_database_first_started_with_seeding_is_seeded_once(lexwatch, monkeypatch) -> None:
    _seed_defaults(monkeypatch, "true")
    seeded = _names(lexwatch)
    assert len(seeded) == 24 and _state(SEEDED) and not _state(DECLINED)
    _seed_defaults(monkeypatch, "false")
    assert _names(lexwatch) == seeded  # the decision stands either way


def test_a_database_with_sources_and_no_record_counts_as_declined(home, monkeypatch) -> None:
    _seed_defaults(monkeypatch, "true")
    settings = get_settings()
    engine = get_engine(settings.db_url)  # made before seeding was recorded: a source, no record
    with session_scope(engine) as session:
        repo.add_source(session, source=Source(name="mine", kind="page", url="https://e.org/"))
    assert seed_once(engine, settings) is False
    with session_scope(engine) as session:
        assert [s.name for s in repo.list_sources(session)] == ["mine"]
    assert _state(DECLINED)
