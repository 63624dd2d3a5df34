"""A record's citations: every cited file linked once, a procedure not crawled yet as a stub."""

from __future__ import annotations

from pathlib import Path

from db import repo
from db.engine import get_engine, migrate, session_scope
from db.models import Source
from pipeline.store import store_record
from vocab.records import Record

TEXT = (
    "Procedure 2022/0155(COD), COM(2022) 209 and again 2022/0155(COD). "
    "See also 2023/0001(COD) and ST 9068/22."
)


def _store(engine, name: str, record: Record) -> int:
    with session_scope(engine) as session:
        source = repo.add_source(
            session, source=Source(name=name, kind="page", url=f"https://e/{name}")
        )
        store_record(session, source=source, record=record)
        return repo.latest_version(session, source_id=source.id).dossier_id


def test_each_cited_file_is_linked_once_and_unknown_procedures_become_stubs(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'x.db'}")
    migrate(engine)
    cited = Record(kind="page", title="COM(2022) 209", key="EU:2022/0155(COD)", text="The proposal")
    _store(engine, "proposal", cited)
    page = Record(
        kind="page",
        title="A watched page",
        text=TEXT,
        identifiers=(
            ("procedure", "2022/0155(COD)"),
            ("com", "COM(2022) 209"),
            ("procedure", "2023/0001(COD)"),
            ("council", "ST 9068/22"),
        ),
    )
    home = _store(engine, "page", page)
    with session_scope(engine) as session:
        links = repo.links_of(session, dossier_id=home)
        targets = sorted((other.key, link.via) for link, other in links)
    assert targets == [
        ("EU:2022/0155(COD)", "2022/0155(COD)"),  # once, though COM(2022) 209 names it too
        ("EU:2023/0001(COD)", "2023/0001(COD)"),  # a stub: nothing crawled names it yet
    ]
