"""A process that finds its database upgraded loads no Alembic; one behind is still upgraded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from db import revision
from db.engine import MIGRATIONS, _create, dispose_engines, get_engine
from db.revision import at_head, head
from vocab.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
OPENS = (
    "import sys; from db.engine import get_engine; from vocab.settings import get_settings; "
    "get_engine(get_settings().db_url); print('alembic' in sys.modules)"
)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def test_the_newest_revision_is_the_one_alembic_finds() -> None:
    assert head() == ScriptDirectory.from_config(_config()).get_current_head()


def test_a_process_that_finds_its_database_upgraded_does_not_load_alembic(home) -> None:
    get_engine(get_settings().db_url)  # upgraded here, by Alembic
    dispose_engines()
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    opened = subprocess.run(
        [sys.executable, "-c", OPENS], env=env, capture_output=True, text=True, check=True
    )
    assert opened.stdout.strip() == "False", opened.stderr


def test_a_database_a_revision_behind_is_upgraded(home) -> None:
    engine = get_engine(get_settings().db_url)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0013")
    assert not at_head(engine)
    dispose_engines()  # the next process, as it were
    upgraded = get_engine(get_settings().db_url)
    with upgraded.connect() as connection:
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert found == head() and at_head(upgraded)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # PostgreSQL's starts at head
def test_an_empty_database_is_not_at_head(home) -> None:
    engine = _create(get_settings().db_url)
    assert not at_head(engine)
    engine.dispose()


def test_migration_files_it_cannot_read_plainly_leave_the_answer_to_alembic(
    tmp_path, monkeypatch
) -> None:
    (tmp_path / "0001_a.py").write_text('revision = "0001"\ndown_revision = None\n')
    (tmp_path / "0002_b.py").write_text('REVISION = "0002"  # not the plain form\n')
    monkeypatch.setattr(revision, "VERSIONS", tmp_path)
    assert revision.head.__wrapped__() is None
    (tmp_path / "0002_b.py").write_text('revision = "0002"\ndown_revision = "0001"\n')
    assert revision.head.__wrapped__() == "0002"
