"""The SQLite database (users, sources, their history) is readable by its owner only: the file
is created 0600 (its -wal and -shm files follow it), the data folder 0700."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from db.engine import get_engine, session_scope
from db.models import AppState
from vocab.settings import get_settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_database_and_its_folder_are_private(home: Path) -> None:
    settings = get_settings()
    assert not settings.data_dir.exists()
    engine = get_engine(settings.db_url)
    with session_scope(engine) as session:  # a write: SQLite opens its -wal and -shm files
        session.add(AppState(key="probe", value="1"))
    database = settings.data_dir / "lexwatch.db"
    assert _mode(settings.data_dir) == 0o700
    files = [database, *(database.with_name(database.name + end) for end in ("-wal", "-shm"))]
    assert all(f.exists() for f in files)
    assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_cli_creates_the_log_file_private_too(lexwatch, home: Path) -> None:
    assert lexwatch("crawl").code == 0  # a command that logs
    data = get_settings().data_dir
    assert _mode(data) == 0o700
    assert _mode(data / "lexwatch.db") == 0o600
    assert _mode(data / "lexwatch.log") == 0o600
