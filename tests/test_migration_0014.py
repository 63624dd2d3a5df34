"""Migration 0014 builds each index row's text once: the index holds the same rows as before.

The same files, identifiers, events, documents and versions are stored (inserted,
updated, deleted) in a SQLite database at 0013 and one at 0014; every index
table must hold the same rows. On each backend, what the triggers indexed is
what a bulk load's refill (bench/searchload.py) makes of the same tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlmodel import Session

from bench.searchload import pause_search_index, rebuild_search_index
from db.engine import MIGRATIONS, _create, get_engine
from db.models import DocumentRow, Dossier, DossierIdentifier, EventRow, Source, Version
from vocab.settings import get_settings

WHEN = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
SQLITE_INDEX = {
    "search_fts": "SELECT rowid, title, body FROM search_fts ORDER BY rowid",
    "search_fts_meta": "SELECT id, dossier_id, source_id, day FROM search_fts_meta ORDER BY id",
    "search_fts_now": "SELECT rowid, title, body FROM search_fts_now ORDER BY rowid",
    "search_fts_pending": "SELECT id FROM search_fts_pending ORDER BY id",
    "words": "SELECT term, doc, cnt FROM search_fts_vocab ORDER BY term",
    "current words": "SELECT term, doc, cnt FROM search_fts_now_vocab ORDER BY term",
}
POSTGRES_INDEX = {
    "search_fts": "SELECT id, title, body, dossier_id, source_id, day, document::text "
    "FROM search_fts ORDER BY id",
    "search_fts_now": "SELECT id, document::text FROM search_fts_now ORDER BY id",
}


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> Engine:
    with engine.begin() as connection:
        (command.downgrade if down else command.upgrade)(_config(connection), revision)
    return engine


def _sqlite_at(folder: Path, revision: str) -> Engine:
    return _migrate(_create(f"sqlite:///{folder / revision}.db"), revision)


def _index(engine: Engine, queries: dict[str, str]) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            name: [tuple(r) for r in connection.execute(text(sql))] for name, sql in queries.items()
        }


# -- the rows stored: the same story on every database -----------------------------------


def _store(engine: Engine) -> None:
    with Session(engine) as session:
        _files_and_sources(session)
        _events_and_documents(session)
        _versions(session)
        _changes(session)


def _files_and_sources(session: Session) -> None:
    for n in (1, 2):
        session.add(Source(name=f"s{n}", kind="page", url=f"http://x/{n}", created_at=WHEN))
    session.add(Dossier(key="EU:2022/0155(COD)", title="Child sexual abuse", created_at=WHEN))
    session.add(Dossier(key="NL:36000", stage="plenary", created_at=WHEN))
    session.commit()
    for value in ("COM(2022) 209", "2022/0155(COD)"):
        session.add(DossierIdentifier(dossier_id=1, scheme="com", value=value))
    session.commit()


def _events_and_documents(session: Session) -> None:
    file, other = {"dossier_id": 1, "source_id": 1}, {"dossier_id": 2, "source_id": 2}
    session.add(EventRow(**file, dedupe_key="a", title="Vote in committee", first_seen_at=WHEN))
    session.add(EventRow(**other, dedupe_key="b", title="", date="2026-10-01", first_seen_at=WHEN))
    session.add(DocumentRow(**file, dedupe_key="c", title="Report A9-0364", first_seen_at=WHEN))
    session.commit()


RECORDS = (
    ({"title": "Onlinekindermisbruik", "fields": {"rapporteur": "Zarzalejos"}}, "first text"),
    ({"events": [{"details": "Plenary débat"}], "items": [{"summary": "Council"}]}, ""),
    ({"key": "nothing readable", "identifiers": {"com": ["x"]}}, ""),  # no index row
    ({"title": "  "}, " \n "),  # only spaces and new lines: no index row either
    ({"stage": "Awaiting signature"}, "newest text of source one"),
)


def _versions(session: Session) -> None:
    for seq, (record, body) in enumerate(RECORDS, start=1):
        session.add(_version(1, seq, record, body))
        session.commit()
    for seq in (1, 2):
        session.add(_version(2, seq, {"title": f"Second source {seq}"}, f"page {seq}"))
        session.commit()


def _version(source: int, seq: int, record: dict, body: str) -> Version:
    return Version(
        source_id=source, dossier_id=1, seq=seq, fingerprint=f"{source}-{seq}",
        record=record, text=body, created_at=WHEN,
    )  # fmt: skip


def _changes(session: Session) -> None:
    """Updates and deletes of every kind of row, each in its own transaction."""
    for sql in (
        "UPDATE dossier SET title = 'Chat control' WHERE id = 1",
        "UPDATE dossieridentifier SET value = 'COM(2022) 210' WHERE id = 1",
        "DELETE FROM dossieridentifier WHERE id = 2",
        "UPDATE event SET reference = 'P9_TA(2023)0001' WHERE id = 2",
        "DELETE FROM document WHERE id = 1",
        "UPDATE version SET text = 'edited text' WHERE id = 2",
        "UPDATE version SET text = '' WHERE id = 1",
        "DELETE FROM version WHERE id = 5",  # source 1's newest: the one before is current again
        "DELETE FROM version WHERE id = 3",  # one without a row
        "DELETE FROM version WHERE id = 6",  # source 2's older version
    ):
        session.execute(text(sql))
        session.commit()


# -- the tests -----------------------------------------------------------------------------


def test_the_index_holds_the_rows_it_held_at_0013(tmp_path) -> None:
    before, after = _sqlite_at(tmp_path, "0013"), _sqlite_at(tmp_path, "0014")
    for engine in (before, after):
        _store(engine)
    expected, found = _index(before, SQLITE_INDEX), _index(after, SQLITE_INDEX)
    assert len(expected["search_fts"]) == 7  # 2 files, 2 events, 3 versions
    assert found == expected


def test_a_version_with_invalid_json_is_indexed_by_its_text_as_before(tmp_path) -> None:
    before, after = _sqlite_at(tmp_path, "0013"), _sqlite_at(tmp_path, "0014")
    for engine in (before, after):
        _store(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE version SET record = 'not json' WHERE id = 2"))
    assert _index(after, SQLITE_INDEX) == _index(before, SQLITE_INDEX)


def test_downgrading_makes_0011s_triggers_again(tmp_path) -> None:
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    at_0013 = _index(_sqlite_at(tmp_path, "0013"), {"triggers": triggers})
    back = _migrate(_sqlite_at(tmp_path, "0014"), "0013", down=True)
    assert _index(back, {"triggers": triggers}) == at_0013


def test_what_the_triggers_index_is_what_a_refill_makes(home) -> None:
    engine = get_engine(get_settings().db_url)
    postgres = engine.dialect.name == "postgresql"
    if postgres:  # 0014 leaves PostgreSQL as it was: both ways must still run
        _migrate(_migrate(engine, "0013", down=True), "head")
    _store(engine)
    queries = POSTGRES_INDEX if postgres else SQLITE_INDEX
    triggered = _index(engine, queries)
    with Session(engine) as session:
        pause_search_index(session)
        rebuild_search_index(session)
        session.commit()
    refilled = _index(engine, queries)
    triggered.pop("search_fts_pending", None), refilled.pop("search_fts_pending", None)
    assert refilled == triggered
