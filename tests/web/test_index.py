"""The search index follows the tables: triggers on every write, a backfill when it is created,
a refill after a bulk load."""

from __future__ import annotations

import importlib

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

import db.repo as repo_package
from bench import searchload
from db import repo
from db.engine import MIGRATIONS, session_scope
from db.models import DossierIdentifier, EventRow, Source, Version


def _total(app, words: str) -> int:
    with session_scope(app.state.engine) as session:
        return repo.search(session, query=repo.SearchQuery(text=words)).total


def test_edits_and_deletions_reach_the_index(app, history) -> None:
    with session_scope(app.state.engine) as session:
        event = session.get(EventRow, 1)
        old = event.title.split()[0]
        event.title = "Renamed step zebrafish"
    assert _total(app, "zebrafish") == 1
    with session_scope(app.state.engine) as session:
        session.add(DossierIdentifier(dossier_id=1, scheme="council", value="ST 9068/22"))
    assert _total(app, '"ST 9068/22"') == 1, "a file is found by an identifier added later"
    with session_scope(app.state.engine) as session:
        repo.remove_source(session, source=session.get(Source, history.source_id))
    assert _total(app, "zebrafish") == 0 and _total(app, "encryption") == 0
    assert _total(app, old) >= 0


def test_a_version_is_found_by_its_record_and_one_with_nothing_to_read_has_no_row(
    app, history
) -> None:
    with session_scope(app.state.engine) as session:
        session.add(
            Version(
                source_id=history.source_id,
                dossier_id=1,
                seq=9,
                fingerprint="0" * 64,
                record={"fields": {"status": "quokka"}},
                text="",
            )
        )
        session.add(
            Version(
                source_id=history.source_id,
                dossier_id=1,
                seq=10,
                fingerprint="1" * 64,
                record={"kind": "page", "title": ""},
                text="",
            )
        )
        session.flush()
        rows = session.execute(text("SELECT count(*) FROM search_fts")).scalar_one()
    assert _total(app, "quokka") == 1, "a JSON field without any text is searchable"
    with session_scope(app.state.engine) as session:
        session.execute(text("DELETE FROM version WHERE seq = 10"))
        assert session.execute(text("SELECT count(*) FROM search_fts")).scalar_one() == rows


def test_the_index_is_backfilled_when_the_migration_runs_on_existing_data(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO source (id, name, kind, url, params, jurisdiction, enabled, "
                "created_at, updated_at, health, health_reason, consecutive_failures) "
                "VALUES (1, 's', 'page', 'https://e.org', '{}', 'EU', 1, '2024-01-01', "
                "'2024-01-01', 'ok', '', 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO dossier (id, key, title, jurisdiction, stage, created_at, "
                "updated_at) VALUES (1, 'EU:x', 'Old platypus file', 'EU', '', "
                "'2024-01-01', '2024-01-01')"
            )
        )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    from sqlmodel import Session

    with Session(engine) as session:
        result = repo.search(session, query=repo.SearchQuery(text="platypus"))
    assert result.total == 1 and result.hits[0].file_key == "EU:x"
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        tables = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master"))}
    assert not any(name.startswith("search_fts") for name in tables)


def _rows(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM search_fts")).scalar_one()


def _to(engine, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_migration_0011_makes_what_0002_left_out_searchable_on_existing_data(app) -> None:
    engine = app.state.engine
    _to(engine, "0010", down=True)
    with session_scope(engine) as session:
        source = Source(name="press", kind="feed", url="https://e.org/feed")
        session.add(source)
        session.flush()
        items = [{"id": "1", "title": "Trilogue on the onlinekindermisbruik file"}]
        session.add(
            Version(
                source_id=source.id,
                seq=1,
                fingerprint="3" * 64,
                text="",
                record={"kind": "feed", "title": "Press", "items": items},
            )
        )
    before = _rows(engine)
    _to(engine, "head")
    assert _rows(engine) == before + 1, "0002 indexed a version's text only"
    assert _total(app, "trilogue") == 1
    assert _total(app, "kindermisbruik") == 1, "the word list was filled from the old rows"


def test_a_bulk_load_pauses_the_triggers_and_a_rebuild_fills_the_index(app, history) -> None:
    with session_scope(app.state.engine) as session:
        searchload.pause_search_index(session)
        searchload.bulk_insert(
            session,
            model=Version,
            rows=[
                {
                    "source_id": history.source_id,
                    "dossier_id": 1,
                    "seq": 10 + i,
                    "fingerprint": "1" * 64,
                    "record": {},
                    "text": f"bulk loaded wombat {i}",
                }
                for i in range(5)
            ],
        )
    assert _total(app, "wombat") == 0
    with session_scope(app.state.engine) as session:
        searchload.rebuild_search_index(session)
    assert _total(app, "wombat") == 1 and _total(app, "encryption") == 1
    with session_scope(app.state.engine) as session:
        session.add(
            Version(
                source_id=history.source_id,
                dossier_id=1,
                seq=99,
                fingerprint="2" * 64,
                record={},
                text="after the rebuild echidna",
            )
        )
    assert _total(app, "echidna") == 1, "the triggers run again"


def test_the_web_data_functions_shadow_no_other_repo_function() -> None:
    names = [
        "captures",
        "changes",
        "digests",
        "files",
        "people",
        "runs",
        "searchhits",
        "searchoffers",
        "searchresults",
        "searchwords",
        "sources",
        "state",
        "users",
        "versions",
    ]
    modules = [importlib.import_module(f"db.repo.{name}") for name in names]
    exported = [name for module in modules for name in module.__all__]
    assert len(exported) == len(set(exported)), "one name, one module"
    for module in modules:
        assert all(getattr(repo_package, name) is getattr(module, name) for name in module.__all__)
