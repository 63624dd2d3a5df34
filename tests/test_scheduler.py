"""The scheduler for real: `lexwatch run` in its own process, seconds-scale schedules, a local site."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from db import repo
from db.engine import get_engine, session_scope
from db.models import Change, CrawlRun, Source, Version, utcnow
from tests.helpers import wait_for
from vocab.fetch import Capture
from vocab.settings import get_settings

PAGE = "<html><body><h2>Status</h2><p>{status}</p></body></html>"


class Service:
    """`lexwatch run` as a child process, with its log."""

    def __init__(self, home: Path) -> None:
        self.log = home / f"run-{time.monotonic_ns()}.log"
        env = os.environ | {"LEXWATCH_RESYNC_SECONDS": "0.5", "PYTHONUNBUFFERED": "1"}
        with open(self.log, "w", encoding="utf-8") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli", "run"],
                cwd=home,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=15)


@pytest.fixture
def services(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], Service]]:
    monkeypatch.setenv("LEXWATCH_DOWNLOAD_TIMEOUT", "1")
    monkeypatch.setenv("LEXWATCH_RETRY_TIMES", "0")
    get_settings.cache_clear()
    started: list[Service] = []

    def start() -> Service:
        started.append(Service(home))
        return started[-1]

    yield start
    for service in started:
        if service.process.poll() is None:
            service.process.kill()
            service.process.wait()


def _runs(name: str) -> list[CrawlRun]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        source = session.exec(select(Source).where(Source.name == name)).first()
        return [] if source is None else repo.last_runs(session, source_id=source.id, limit=100)


def _count(table: type, name: str) -> int:
    with session_scope(get_engine(get_settings().db_url)) as session:
        source = session.exec(select(Source).where(Source.name == name)).one()
        return len(list(session.exec(select(table).where(table.source_id == source.id))))


def _add(lexwatch, site, name: str, every: str) -> None:
    result = lexwatch(
        "sources",
        "add",
        "--kind",
        "page",
        "--url",
        site.url(f"/{name}.html"),
        "--name",
        name,
        "--every",
        every,
    )
    assert result.code == 0, result.err


def test_the_scheduler_keeps_sources_fresh_on_its_own(site, lexwatch, services) -> None:
    site.serve("/a.html", PAGE.format(status="Awaiting committee decision"))
    site.serve("/hang.html", PAGE.format(status="x"), delay=20)
    _add(lexwatch, site, "a", "1s")
    _add(lexwatch, site, "hang", "1s")
    service = services()

    wait_for(lambda: len([r for r in _runs("a") if r.finished_at]) >= 3, what="three runs of a")
    wait_for(
        lambda: any("no answer within 1 s" in r.error for r in _runs("hang")),
        what="the hung server cut off",
    )

    site.serve("/c.html", PAGE.format(status="new"))
    _add(lexwatch, site, "c", "1h")
    wait_for(
        lambda: any(r.status == "ok" for r in _runs("c")), what="the source added while running"
    )

    site.serve("/a.html", PAGE.format(status="Awaiting Parliament's position in 1st reading"))
    wait_for(lambda: _count(Change, "a") == 1, what="the edit to become a change")

    started = time.monotonic()
    assert service.stop(signal.SIGTERM) == 0
    assert time.monotonic() - started < 10
    log = service.text()
    assert "a: changed" in log and "hang: error" in log and "stopped" in log


def test_a_second_scheduler_on_the_same_database_is_refused(site, lexwatch, services) -> None:
    first = services()
    wait_for(lambda: "scheduler started" in first.text(), what="the first scheduler")
    second = services()
    assert second.process.wait(timeout=20) == 2
    assert "a scheduler is already running on this database" in second.text()
    assert first.stop() == 0


def test_sigkill_mid_crawl_loses_nothing_and_the_source_runs_again(
    site, lexwatch, services, monkeypatch
) -> None:
    monkeypatch.setenv(
        "LEXWATCH_DOWNLOAD_TIMEOUT", "10"
    )  # the kill, not a timeout, must end the crawl
    site.serve("/slow.html", PAGE.format(status="one"))
    _add(lexwatch, site, "slow", "2s")
    service = services()
    wait_for(lambda: _count(Version, "slow") == 1, what="the first version")

    site.serve("/slow.html", PAGE.format(status="two"), delay=2.5)
    wait_for(lambda: any(r.status == "running" for r in _runs("slow")), what="a crawl in progress")
    service.stop(signal.SIGKILL)

    site.serve("/slow.html", PAGE.format(status="two"))
    service = services()
    wait_for(lambda: _count(Change, "slow") == 1, what="the change after restart")
    assert _count(Version, "slow") == 2
    statuses = [r.status for r in _runs("slow")]
    assert "interrupted" in statuses and "running" not in statuses[1:]
    assert service.stop() == 0


def test_a_body_stored_before_a_crash_is_still_parsed(site, lexwatch) -> None:
    site.serve("/p.html", PAGE.format(status="Awaiting committee decision"))
    _add(lexwatch, site, "p", "1h")
    assert lexwatch("crawl").code == 0
    site.serve("/p.html", PAGE.format(status="Awaiting committee vote"))
    page = site.pages["/p.html"]
    with session_scope(
        get_engine(get_settings().db_url)
    ) as session:  # the crawler stored it, then died
        source = session.exec(select(Source).where(Source.name == "p")).one()
        capture = Capture(
            source.id, site.url("/p.html"), "main", 200, {"etag": page.etag}, page.body, utcnow()
        )
        repo.store_capture(session, capture=capture)
    report = lexwatch("crawl", "--format", "json").json()[0]
    assert report["unchanged"] == 1 and report["changes"] == 1
    assert [c["summary"] for c in lexwatch("changes", "--format", "json").json()] == [
        "1 paragraph changed under 'Status'"
    ]
    with session_scope(get_engine(get_settings().db_url)) as session:
        newest = repo.latest_snapshot(session, source_id=source.id, url=site.url("/p.html"))
        assert newest is not None and newest.parsed  # the next crawl of these bytes parses nothing


def _outbox_count(home: Path) -> int:
    import mailbox

    folder = home / "data" / "outbox"
    return len(mailbox.Maildir(folder, create=False)) if (folder / "new").exists() else 0


def test_a_digest_missed_while_down_is_sent_once_after_restart(lexwatch, services, home) -> None:
    assert lexwatch("watches", "add", "csa", "--term", "chat control").code == 0
    assert lexwatch("subscribers", "add", "officer@example.org", "--watch", "csa").code == 0
    with session_scope(get_engine(get_settings().db_url)) as session:  # subscribed weeks ago
        officer = repo.find_subscriber(session, email="officer@example.org")
        officer.subscribed_at = utcnow() - timedelta(weeks=3)
    assert _outbox_count(home) == 0  # last Monday 07:00 passed while no scheduler ran

    service = services()  # a start-up under load (CI, other suites) can take a while
    wait_for(lambda: _outbox_count(home) == 1, timeout=90, what="the missed digest")
    assert service.stop() == 0

    again = services()
    wait_for(lambda: "scheduler started" in again.text(), 90, "the restarted scheduler")
    time.sleep(2)  # the start-up digest job has run by now
    assert again.stop() == 0
    assert _outbox_count(home) == 1, "a restart never sends the same digest twice"
