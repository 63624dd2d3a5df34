"""Migration 0015: on PostgreSQL each current row holds its source, file and day, as its index
row does, whether the trigger wrote it, a refill did, or the migration itself."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bench.searchload import pause_search_index, rebuild_search_index
from db.engine import get_engine
from tests.test_migration_0014 import _index, _migrate, _store
from vocab.settings import get_settings

CURRENT = {
    "now": "SELECT id, source_id, dossier_id, day FROM search_fts_now ORDER BY id",
    "index": "SELECT id, source_id, dossier_id, day FROM search_fts "
    "WHERE id IN (SELECT id FROM search_fts_now) ORDER BY id",
}


def _postgres(home) -> Engine:
    engine = get_engine(get_settings().db_url)
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's current rows find their metadata in search_fts_meta (unchanged)")
    return engine


def test_the_triggers_and_a_refill_copy_the_metadata(home) -> None:
    engine = _postgres(home)
    _store(engine)
    triggered = _index(engine, CURRENT)
    assert len(triggered["now"]) == 6 and triggered["now"] == triggered["index"]
    with Session(engine) as session:
        pause_search_index(session)
        rebuild_search_index(session)
        session.commit()
    assert _index(engine, CURRENT) == triggered


def test_upgrading_fills_the_columns_and_downgrading_drops_them(home) -> None:
    engine = _postgres(home)
    _store(engine)
    _migrate(engine, "0014", down=True)
    with pytest.raises(Exception, match="source_id"):
        _index(engine, CURRENT)
    edit = "UPDATE version SET text = 'edited again' WHERE id = 4"
    with engine.begin() as connection:
        connection.exec_driver_sql(edit)  # 0013's trigger: no metadata to copy
    _migrate(engine, "head")
    found = _index(engine, CURRENT)
    assert found["now"] == found["index"]
    assert (19, 1, 1, "2026-11-02") in found["now"]  # version 4: its source's newest, edited
