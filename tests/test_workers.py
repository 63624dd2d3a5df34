"""Crawl workers on a shared queue: the scheduler and `lexwatch worker` processes, PostgreSQL, Redis.

These run only against real servers: LEXWATCH_TEST_DATABASE_URL (PostgreSQL)
and LEXWATCH_TEST_REDIS_URL (a throwaway Redis: each test empties its database).
`.ci/run` starts both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from rq import Worker
from sqlmodel import col, select

from db.engine import get_engine, session_scope
from db.models import Change, CrawlRun, Source, Version, utcnow
from pipeline import queue
from pipeline.chunks import chunk_size
from pipeline.worker import CrawlWorker
from tests.databases import ADMIN_URL, REDIS_URL
from vocab.settings import get_settings

pytestmark = [
    pytest.mark.skipif(
        not (ADMIN_URL and REDIS_URL),
        reason="needs LEXWATCH_TEST_DATABASE_URL (PostgreSQL) and LEXWATCH_TEST_REDIS_URL "
        "(Redis); .ci/run starts both",
    ),
    pytest.mark.parametrize("backend", ["postgresql"], indirect=True),
]
PAGE = "<html><body><h2>Status</h2><p>{status}</p></body></html>"
SOURCES = 100
SLOW = 3.0  # seconds the first two pages take: both workers are surely mid-job then


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    started = time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline:
        if check():
            print(f"{what}: {time.monotonic() - started:.1f} s")  # shown when a test fails
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Process:
    """A `lexwatch` command in a child process of its own session, with its log."""

    def __init__(self, home: Path, *args: str) -> None:
        self.log = home / f"{args[0]}-{time.monotonic_ns()}.log"
        env = os.environ | {"LEXWATCH_RESYNC_SECONDS": "0.5", "PYTHONUNBUFFERED": "1"}
        with open(self.log, "w", encoding="utf-8") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli", *args],
                cwd=home,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill_with_its_job(self) -> None:
        """SIGKILL the worker and its work horse (RQ puts the horse in a group of its own)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for pid in [int(p) for p in children.read_text().split()] + [self.process.pid]:
            os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGUSR1)  # a worker writes its threads' stacks
            time.sleep(1)
            tail = self.log.read_text(encoding="utf-8")[-6000:]
            raise AssertionError(
                f"{self.log.name} still runs 60 s after SIGTERM:\n{tail}"
            ) from None


@pytest.fixture
def redis_url(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty Redis database, and LEXWATCH_REDIS_URL pointing at it."""
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    monkeypatch.setenv("LEXWATCH_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("LEXWATCH_DOWNLOAD_TIMEOUT", "10")
    get_settings.cache_clear()
    yield REDIS_URL
    connection.flushdb()
    connection.close()


@pytest.fixture
def processes(home: Path, redis_url: str) -> Iterator[Callable[..., Process]]:
    started: list[Process] = []

    def start(*args: str) -> Process:
        started.append(Process(home, *args))
        return started[-1]

    yield start
    for process in started:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait()


def _engine():
    return get_engine(get_settings().db_url)


def _versions() -> Counter[str]:
    with session_scope(_engine()) as session:
        rows = session.exec(select(Source.name).join(Version, col(Version.source_id) == Source.id))
        return Counter(rows)


def _runs() -> dict[str, list[CrawlRun]]:
    with session_scope(_engine()) as session:
        out: dict[str, list[CrawlRun]] = {}
        query = select(CrawlRun, Source.name).join(Source, col(Source.id) == CrawlRun.source_id)
        for run, name in session.exec(query.order_by(col(CrawlRun.started_at))):
            out.setdefault(name, []).append(run)
        return out


def _changes() -> Counter[str]:
    with session_scope(_engine()) as session:
        rows = session.exec(select(Source.name).join(Change, col(Change.source_id) == Source.id))
        return Counter(rows)


def _in_flight(site, paths: list[str]) -> bool:
    return all(any(seen == path for seen, _h in site.requests) for path in paths)


def _add_sources(lexwatch, site, home: Path, every: str) -> None:
    yaml = "sources:\n" + "".join(
        f"  - {{name: p{n:03d}, kind: page, url: '{site.url(f'/p{n:03d}.html')}', every: {every}}}\n"
        for n in range(SOURCES)
    )
    (home / "sources.yaml").write_text(yaml, encoding="utf-8")
    assert lexwatch("sources", "import", "sources.yaml").code == 0


def _edit(site, numbers: range, status: str) -> None:
    for n in numbers:
        site.serve(f"/p{n:03d}.html", PAGE.format(status=status))


def _workers_ready(count: int) -> bool:
    return len(Worker.all(queue=queue.crawl_queue(get_settings()))) == count


def test_two_workers_and_the_scheduler_lose_nothing_when_one_worker_dies(
    site, lexwatch, home, processes
) -> None:
    _edit(site, range(SOURCES), "Awaiting committee decision")
    for n in (0, 1):
        site.serve(f"/p{n:03d}.html", PAGE.format(status="Awaiting committee decision"), delay=SLOW)
    _add_sources(lexwatch, site, home, every="15s")
    workers = [processes("worker"), processes("worker")]
    wait_for(lambda: _workers_ready(2), 60, "two idle workers")
    scheduler = processes("run")

    wait_for(lambda: _in_flight(site, ["/p000.html", "/p001.html"]), 30, "both slow pages asked")
    killed, pid = _job_fetching("p000")  # one host's batch: one worker asked both
    doomed = next(w for w in workers if w.process.pid == pid)
    doomed.kill_with_its_job()  # mid-job: the slow pages it asked for are not answered yet
    survivor = next(w for w in workers if w is not doomed)
    _edit(site, range(2), "Awaiting committee decision")  # fast again
    wait_for(lambda: len(_versions()) == SOURCES, 90, "every source's first version")
    wait_for(lambda: _killed_job_done_again(killed), 30, "the dead worker's job done by the other")
    replacement = processes("worker")  # as systemd would start one

    _edit(site, range(0, SOURCES, 2), "Awaiting Parliament's position in 1st reading")
    wait_for(lambda: sum(_versions().values()) == SOURCES * 3 // 2, 60, "the first edits")
    _edit(site, range(0, SOURCES, 4), "Awaiting Council's 1st reading position")
    wait_for(lambda: sum(_versions().values()) == SOURCES * 7 // 4, 60, "the second edits")

    assert [p.stop() for p in (scheduler, survivor, replacement)] == [0, 0, 0]
    _assert_each_edit_is_one_change()
    _assert_each_round_is_crawled_once(site, killed)


def _job_fetching(name: str) -> tuple[set[str], int]:
    """The sources of the running job that crawls `name`, and the pid of its worker."""
    crawls = queue.crawl_queue(get_settings())
    with session_scope(_engine()) as session:
        names = {s.id: s.name for s in session.exec(select(Source))}
    for ident in crawls.started_job_registry.get_job_ids():
        job = crawls.fetch_job(ident)
        batch = {names[int(round_id.split("-")[1])] for round_id in job.meta["rounds"]}
        if name in batch:
            return batch, int(job.worker_name.rsplit(".", 1)[1])
    raise AssertionError(f"no running job crawls {name}")


def _begun(killed: set[str]) -> set[str]:
    """The sources whose runs the killed attempt had begun: its job's first chunk.

    A job is fetched chunk by chunk, in name order here (pipeline/chunks.py); the attempt
    died fetching p000's slow page, in the first chunk, before the next one began.
    """
    return set(sorted(killed)[: chunk_size(len(killed))])


def _killed_job_done_again(killed: set[str]) -> bool:
    """The runs the killed attempt began are marked interrupted, and a later run of each
    source of its job succeeded."""
    runs = {name: [run.status for run in found] for name, found in _runs().items()}
    for name in killed:
        statuses = runs.get(name, [])
        if name in _begun(killed) and "interrupted" not in statuses:
            return False
        since = statuses.index("interrupted") if "interrupted" in statuses else 0
        if "ok" not in statuses[since:]:
            return False
    return True


def _assert_each_edit_is_one_change() -> None:
    edits = {f"p{n:03d}": (n % 2 == 0) + (n % 4 == 0) for n in range(SOURCES)}
    assert _changes() == Counter({name: count for name, count in edits.items() if count})
    assert _versions() == Counter({name: 1 + count for name, count in edits.items()})


def _assert_each_round_is_crawled_once(site, killed: set[str]) -> None:
    runs = _runs()
    requests = Counter(path for path, _headers in site.requests)
    interrupted = {name for name, rs in runs.items() if any(r.status == "interrupted" for r in rs)}
    assert interrupted == _begun(killed), interrupted
    finished = _finished_jobs()
    for name in killed:
        assert runs[name][-1].status in ("ok", "changed", "unchanged", "not_modified"), name
    for name, rs in runs.items():
        # Every crawl asked once, none unrecorded; the killed batch may not have asked yet.
        asked = {len(rs) - 1, len(rs)} if name in killed else {len(rs)}
        assert requests[f"/{name}.html"] in asked, name
        done = [r for r in rs if r.status != "interrupted"]
        assert all(r.status != "running" for r in done), name
        rounds = [0] + [int(r.finished_at.timestamp() * 1_000_000) for r in done[:-1]]
        ids = {f"crawl-{rs[0].source_id}-{mark}" for mark in rounds}
        assert finished[rs[0].source_id] == ids, name  # run k was the one crawl of round k


def _finished_jobs() -> dict[int, set[str]]:
    """Each source's rounds crawled by finished jobs (a job is a batch: its meta names them)."""
    crawls = queue.crawl_queue(get_settings())
    out: dict[int, set[str]] = {}
    for ident in crawls.finished_job_registry.get_job_ids():
        for round_id in crawls.fetch_job(ident).meta["rounds"]:
            out.setdefault(int(round_id.split("-")[1]), set()).add(round_id)
    return out


def test_sigterm_lets_the_running_job_finish(site, lexwatch, home, processes) -> None:
    site.serve("/p000.html", PAGE.format(status="one"), delay=SLOW)
    assert (
        lexwatch(
            "sources",
            "add",
            "--kind",
            "page",
            "--url",
            site.url("/p000.html"),
            "--name",
            "p000",
            "--every",
            "1h",
        ).code
        == 0
    )
    worker = processes("worker")
    wait_for(lambda: _workers_ready(1), 60, "the worker")
    with session_scope(_engine()) as session:
        source = session.exec(select(Source)).one()
    queue.enqueue(get_settings(), [source])
    wait_for(lambda: _in_flight(site, ["/p000.html"]), 30, "the job to start")
    assert worker.stop() == 0
    job = queue.crawl_queue(get_settings()).fetch_job(queue.job_id(source))
    assert job is not None and job.get_status() == "finished"
    assert [r.status for r in _runs()["p000"]] == ["ok"]


def test_a_source_queued_twice_in_one_round_is_one_job(site, lexwatch, redis_url) -> None:
    assert (
        lexwatch(
            "sources", "add", "--kind", "page", "--url", site.url("/p000.html"), "--name", "p000"
        ).code
        == 0
    )
    with session_scope(_engine()) as session:
        source = session.exec(select(Source)).one()
    settings = get_settings()
    queue.enqueue(settings, [source])
    queue.enqueue(settings, [source])  # a restart, a resync, `lexwatch crawl`: the same round
    assert queue.crawl_queue(settings).job_ids == [queue.job_id(source)]
    source.last_run_at = utcnow()  # once a run is recorded, the next round is another job
    queue.enqueue(settings, [source])
    assert len(queue.crawl_queue(settings).job_ids) == 2


def test_crawl_without_a_worker_says_so(site, lexwatch, redis_url) -> None:
    assert (
        lexwatch(
            "sources", "add", "--kind", "page", "--url", site.url("/p000.html"), "--name", "p000"
        ).code
        == 0
    )
    result = lexwatch("crawl")
    assert result.code == 2 and "no `lexwatch worker` serves the crawl queue" in result.err


def test_a_worker_stops_listening_soon_after_it_unsubscribes(redis_url) -> None:
    """The race that held SIGTERM a minute: the listener read the unsubscribe's reply, then waited.

    Here it is forced: the reply is read before the listener is told to stop,
    so the listener waits for a subscription that never comes, as long as it
    is set to wait for a message (RQ's own: 60 s; ours: LISTEN).
    """
    crawls = queue.crawl_queue(get_settings())
    worker = CrawlWorker([crawls], connection=crawls.connection, name="listener-test")
    worker.subscribe()
    wait_for(lambda: worker.pubsub.subscribed, 10, "the subscription")
    worker.pubsub.unsubscribe()
    wait_for(lambda: not worker.pubsub.subscribed, 10, "the unsubscribe's reply read")
    stopping = threading.Thread(target=worker.pubsub_thread.stop, daemon=True)
    stopping.start()
    stopping.join(10)  # LISTEN is 1 s; RQ's 60 s fails here
    assert not stopping.is_alive(), "the listener still waits"
    worker.pubsub.close()
