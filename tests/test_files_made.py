"""repo.ensure_dossier_new: a file is made once per key, and what is changed on it later is kept.

A file made in a transaction (a stub for a cited procedure, say) may be filled in
by the next record of the same batch, in the same transaction: that change must
reach the database with the commit, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from db import repo
from db.engine import get_engine, session_scope
from db.models import Dossier
from vocab.settings import get_settings

KEY = "EU:2022/0155(COD)"


def _make(session, **fields):
    values = {"key": KEY, "title": "", "jurisdiction": "EU", "stage": ""} | fields
    return repo.ensure_dossier_new(session, **values)


def test_a_file_is_made_once_per_key(home: Path) -> None:
    engine = get_engine(get_settings().db_url)
    with session_scope(engine) as session:
        made, new = _make(session, title="Chat control")
        assert new and made.id is not None
        again, new_again = _make(session)
        assert (again.id, new_again) == (made.id, False)
    with session_scope(engine) as session:
        assert [d.key for d in session.exec(select(Dossier))] == [KEY]


def test_a_file_made_and_filled_in_one_transaction_keeps_what_was_filled_in(home: Path) -> None:
    engine = get_engine(get_settings().db_url)
    with session_scope(engine) as session:
        stub, _ = _make(session)  # cited before any source of its own was stored
        found, new = _make(session, title="Preventing child sexual abuse", stage="Trilogue")
        assert found is stub and not new
    with session_scope(engine) as session:
        stored = session.exec(select(Dossier).where(Dossier.key == KEY)).one()
        assert (stored.title, stored.stage) == ("Preventing child sexual abuse", "Trilogue")
