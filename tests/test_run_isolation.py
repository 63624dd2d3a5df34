"""Under `lexwatch run`, no source holds up another, and no source's bug stops the service.

A hung host (accepts connections, never answers) next to a source due every 3 s,
on a database whose first start seeded the shipped sources (unreachable here):
the 3 s source is still fetched at least 6 times in 30 s. A source whose parser
raises is recorded as broken on every round while the others go on.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from db import repo
from db.engine import get_engine, session_scope
from db.models import CrawlRun, Source
from tests.helpers import wait_for
from vocab.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
PAGE = "<html><body><h2>Status</h2><p>{status}</p></body></html>"


class HungHost:
    """A server on 127.0.0.1 that accepts every connection and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.stopping = True
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def hung() -> Iterator[HungHost]:
    host = HungHost()
    yield host
    host.close()


def _service(home: Path, module: str, env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
    log = home / f"service-{time.monotonic_ns()}.log"
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module, "run"],
            cwd=home,
            env=os.environ | {"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"} | env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, log


@pytest.fixture
def service(home: Path) -> Iterator[Callable[..., tuple[subprocess.Popen, Path]]]:
    started: list[subprocess.Popen] = []

    def start(module: str = "cli", **env: str) -> tuple[subprocess.Popen, Path]:
        process, log = _service(home, module, env)
        started.append(process)
        return process, log

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _add(lexwatch, name: str, url: str, every: str, *extra: str) -> None:
    result = lexwatch("sources", "add", "--url", url, "--name", name, "--every", every, *extra)
    assert result.code == 0, result.err


def _runs(name: str) -> list[CrawlRun]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        source = session.exec(select(Source).where(Source.name == name)).one()
        return repo.last_runs(session, source_id=source.id, limit=200)


def _stop(process: subprocess.Popen) -> tuple[int, float]:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=20), time.monotonic() - started


def test_a_hung_host_and_the_shipped_sources_do_not_delay_a_3s_source(
    site, hung, lexwatch, service, monkeypatch, home
) -> None:
    monkeypatch.setenv("LEXWATCH_SEED_DEFAULTS", "true")  # first start: the shipped sources
    for name, value in {
        "LEXWATCH_DOWNLOAD_TIMEOUT": "60",  # the hung host really hangs, for the whole test
        "LEXWATCH_CRAWL_TIME_LIMIT": "60",
        "LEXWATCH_RETRY_TIMES": "0",
        "LEXWATCH_OBEY_ROBOTS": "false",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    site.serve("/fresh.html", PAGE.format(status="Awaiting committee decision"))
    _add(lexwatch, "hung", f"http://127.0.0.1:{hung.port}/dossier.html", "3s", "--kind", "page")
    _add(lexwatch, "fresh", site.url("/fresh.html"), "3s", "--kind", "page")
    assert len(lexwatch("sources", "list", "--format", "json").json()) > 20  # seeded

    process, log = service()
    wait_for(lambda: "scheduler started" in log.read_text(), 30, "the scheduler")
    time.sleep(30)
    fetched = len(site.headers_for("/fresh.html"))

    assert fetched >= 6, f"the 3 s source was fetched {fetched} times in 30 s"
    assert hung.held, "the hung host was asked too"
    assert all(r.status in ("running", "error") for r in _runs("hung"))
    code, seconds = _stop(process)
    assert code == 0 and seconds < 10
    assert "Traceback" not in log.read_text()


def test_a_source_whose_parser_raises_never_stops_the_service(
    site, lexwatch, service, monkeypatch
) -> None:
    site.serve("/good.json", '{"data": {"status": "draft"}}', content_type="application/json")
    site.serve("/boom.json", '{"data": {"status": "draft"}}', content_type="application/json")
    _add(lexwatch, "good", site.url("/good.json"), "1s", "--kind", "json", "--param", "path=data")
    _add(lexwatch, "boom", site.url("/boom.json"), "1s", "--kind", "json", "--param", "path=data")

    process, log = service("tests.faulty_service", LEXWATCH_RESYNC_SECONDS="0.5")
    wait_for(lambda: len(_runs("boom")) >= 3, 30, "three rounds of the faulty source")
    wait_for(lambda: len(_runs("good")) >= 3, 30, "three rounds of the good source")

    assert {r.status for r in _runs("boom") if r.finished_at} == {"broken"}
    assert all(r.status in ("ok", "not_modified") for r in _runs("good") if r.finished_at)
    finished = [r for r in _runs("boom") if r.finished_at]  # the newest may still be running
    assert "injected fault" in finished[0].error
    code, _ = _stop(process)
    assert code == 0
    text = log.read_text()
    assert "boom: broken" in text and "good: ok" in text and "Traceback" not in text


def test_the_daily_renewal_lets_a_running_crawl_finish(site, lexwatch) -> None:
    import asyncio

    from crawlers import reactor
    from scheduler.daemon import Daemon

    site.serve("/slow.html", PAGE.format(status="Awaiting committee decision"), delay=1.5)
    _add(lexwatch, "slow", site.url("/slow.html"), "1h", "--kind", "page")
    settings = get_settings()

    async def scenario() -> bool:
        daemon = Daemon(get_engine(settings.db_url), settings)
        await daemon.start()  # a source never crawled is crawled at once
        await asyncio.sleep(0.3)
        old = daemon.service
        await daemon.renew_crawler()
        await asyncio.gather(*daemon.crawls.values())
        renewed = daemon.service is not old and old.task.done()
        await daemon.stop()
        return renewed

    assert reactor.run_coroutine(scenario(), timeout=60)
    assert [r.status for r in _runs("slow")] == ["ok"]
