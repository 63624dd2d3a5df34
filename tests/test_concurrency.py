"""Two `lexwatch crawl` processes on one database at once: no duplicate Version, no lost Change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import col, select

from db.engine import get_engine, session_scope
from db.models import Change, CrawlRun, Source, Version
from vocab.settings import get_settings

PAGE = "<html><body><h2>Status</h2><p>{status}</p></body></html>"
SOURCES = 30


def _crawl_twice_at_once(home: Path) -> list[list[dict]]:
    """Start two `lexwatch crawl` processes together and wait for both."""
    command = [sys.executable, "-m", "cli", "crawl", "--format", "json"]
    processes = [
        subprocess.Popen(
            command, cwd=home, env=os.environ.copy(), stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    return [json.loads(output) for output in outputs]


def _serve(site, statuses: dict[int, str]) -> None:
    for number, status in statuses.items():
        site.serve(f"/p{number}.html", PAGE.format(status=status))


def _history() -> dict[str, tuple[list[str], list[int], int]]:
    """Per source: its versions' fingerprints and sequence numbers, and its number of changes."""
    with session_scope(get_engine(get_settings().db_url)) as session:
        out = {}
        for source in session.exec(select(Source)):
            versions = session.exec(
                select(Version).where(Version.source_id == source.id).order_by(col(Version.seq))
            ).all()
            changes = session.exec(select(Change).where(Change.source_id == source.id)).all()
            out[source.name] = (
                [v.fingerprint for v in versions],
                [v.seq for v in versions],
                len(changes),
            )
        return out


def _run_statuses() -> set[str]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        return {run.status for run in session.exec(select(CrawlRun))}


def test_two_crawls_of_the_same_sources_at_once_store_each_edit_once(site, lexwatch, home) -> None:
    rounds = [
        {n: "Awaiting committee decision" for n in range(SOURCES)},
        {n: "Awaiting Parliament's position in 1st reading" for n in range(SOURCES)},
        {n: "Awaiting Council's 1st reading position" for n in range(0, SOURCES, 2)},
    ]
    yaml = "sources:\n" + "".join(
        f"  - {{name: p{n}, kind: page, url: '{site.url(f'/p{n}.html')}', every: 1h}}\n"
        for n in range(SOURCES)
    )
    (home / "sources.yaml").write_text(yaml, encoding="utf-8")
    assert lexwatch("sources", "import", "sources.yaml").code == 0

    for statuses in rounds:
        _serve(site, statuses)
        reports = _crawl_twice_at_once(home)
        assert all(len(r) == SOURCES for r in reports)

    edits = {n: sum(n in statuses for statuses in rounds[1:]) for n in range(SOURCES)}
    for name, (fingerprints, seqs, changes) in _history().items():
        number = int(name[1:])
        assert len(fingerprints) == len(set(fingerprints)) == 1 + edits[number], name
        assert seqs == list(range(1, len(seqs) + 1)), name
        assert changes == edits[number], name  # one paragraph changed per edit: one Change
    assert _run_statuses() <= {"ok", "changed", "unchanged", "not_modified"}
