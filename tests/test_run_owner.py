"""Only the runs of dead processes are marked interrupted: a live `lexwatch crawl` (or worker)
keeps its runs when `lexwatch run` starts beside it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest

from db import owner, repo
from db.engine import get_engine, session_scope
from db.models import CrawlRun, Source, utcnow
from tests.test_scheduler import Service, wait_for
from vocab.settings import get_settings

HOST = socket.gethostname()


@pytest.fixture
def live_pid() -> Iterator[int]:
    """Another process of this machine, alive for the test."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process.pid
    process.kill()
    process.wait()


@pytest.fixture
def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()  # reaped: its pid names no process now
    return process.pid


def test_who_is_dead(live_pid: int, dead_pid: int) -> None:
    assert owner.is_dead(f"{HOST}:{live_pid}:abc") is False
    assert owner.is_dead(f"{HOST}:{dead_pid}:abc") is True
    assert owner.is_dead(owner.this_process()) is False
    # This pid with another token: an earlier process (a restarted container's pid 1).
    assert owner.is_dead(f"{HOST}:{os.getpid()}:0ther") is True
    assert owner.is_dead(f"elsewhere:{live_pid}:abc") is None  # cannot be told from here
    assert owner.is_dead("") is None  # a run from before owners were recorded


def _runs_owned_by(owners: dict[str, tuple[str, timedelta]]) -> dict[str, int]:
    """One running run per name, with its owner and age; name -> run id."""
    with session_scope(get_engine(get_settings().db_url)) as session:
        source = Source(name="s", kind="page", url="http://127.0.0.1:9/")
        session.add(source)
        session.flush()
        runs = {
            name: CrawlRun(source_id=source.id, owner=who, started_at=utcnow() - age)
            for name, (who, age) in owners.items()
        }
        session.add_all(runs.values())
        session.flush()
        return {name: run.id for name, run in runs.items()}


def _statuses(ids: dict[str, int]) -> dict[str, str]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        return {name: session.get(CrawlRun, run_id).status for name, run_id in ids.items()}


def _owners(live_pid: int, dead_pid: int) -> dict[str, tuple[str, timedelta]]:
    fresh, old = timedelta(seconds=5), timedelta(hours=2)
    return {
        "live": (f"{HOST}:{live_pid}:abc", old),
        "dead": (f"{HOST}:{dead_pid}:abc", fresh),
        "remote, recent": (f"elsewhere:{live_pid}:abc", fresh),
        "remote, long gone": (f"elsewhere:{live_pid}:abc", old),
        "legacy, long gone": ("", old),
    }


EXPECTED = {
    "live": "running",
    "dead": "interrupted",
    "remote, recent": "running",
    "remote, long gone": "interrupted",
    "legacy, long gone": "interrupted",
}


def test_interrupted_runs_are_only_those_of_dead_processes(home, live_pid, dead_pid) -> None:
    ids = _runs_owned_by(_owners(live_pid, dead_pid))
    with session_scope(get_engine(get_settings().db_url)) as session:
        marked = repo.interrupted_runs(session, remote_after=timedelta(minutes=10))
    assert {run.id for run in marked} == {ids[n] for n, s in EXPECTED.items() if s != "running"}
    assert _statuses(ids) == EXPECTED


def test_lexwatch_run_leaves_a_live_process_runs_alone(home, live_pid, dead_pid) -> None:
    ids = _runs_owned_by(_owners(live_pid, dead_pid))
    service = Service(home)
    try:
        wait_for(lambda: "scheduler started" in service.text(), what="the scheduler")
        statuses = _statuses(ids)
    finally:
        assert service.stop() == 0
    # Crawl time limit 20 s in tests: remote runs older than twice that count as abandoned.
    assert statuses == EXPECTED
