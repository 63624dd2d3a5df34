"""Crawl throughput and CPU with 1 and 2 (BENCH_WORKER_COUNTS) `lexwatch worker` processes on one local site.

PAGES procedure pages of bench/site.py's Site, one `page` source each; throwaway
PostgreSQL and Redis on 127.0.0.1 (bench/services.py). Passes through the queue,
each every source's job queued at once and timed until the last one has ended:

- first: every page is new (parsed, versioned, filed under its dossier); FIRSTS
  such passes per worker count, each on a fresh database (with fresh workers), the
  row is their median;
- again: nothing changed (the site answers 304 to the conditional requests);
  AGAIN_EACH such passes after each first pass (each the next round), the row is
  the median of them all.

The worker counts take turns: round after round, each count gets its fresh
database and its passes, the order reversed every other round, so that the
machine's drift over the minutes of a run falls on one worker and two alike.

The queued passes run twice (BENCH_WORKER_HOSTS): every page on one host, then
the pages spread over two host names of the same server (bench/site.py). The
workers share a host's limit of requests in flight (pipeline/hostlock.py): two
workers fetching one host at once have half of it each.

For reference, the same two passes in one process without Redis (`lexwatch
crawl`, one Scrapy crawler over every source). Settings as bench/lexwatch_tool.py
uses them: no AutoThrottle against 127.0.0.1, at most 10 requests in flight to
the one host per crawler.

CPU per page: the workers' user + system time over the pass (/proc/<pid>/stat,
their children included), against the same pass as `lexwatch crawl` runs it, in a
process of its own that measures its CPU around the pass, start-up left out
(bench/crawl_driver.py). The
site server answers from this process; it and PostgreSQL share the machine's
cores with the crawlers, so on 2 cores neither tool has 2 cores to itself.
The site counts the requests it answers at once (bench/inflight.py): the aims
(bench/workers_aims.py) hold that number to the per-host limit.

    python -m bench.workers       (or: make bench-workers)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench import services
from bench.common import write_result
from bench.inflight import InFlight, watch
from bench.site import Site
from bench.table import text_table
from bench.workers_aims import judge

ROOT = Path(__file__).resolve().parent.parent
PAGES = int(os.environ.get("BENCH_WORKER_PAGES", "400"))
SEED = 7
COUNTS = tuple(int(n) for n in os.environ.get("BENCH_WORKER_COUNTS", "1,2").split(","))
# The pages on one host, then on two (bench/site.py): workers fetching one host at once
# share its limit, and the second case shows the scaling without that.
HOSTS = tuple(int(n) for n in os.environ.get("BENCH_WORKER_HOSTS", "1,2").split(","))
REPEATS = 7  # passes of 304s in one process, the median kept: each 0.2-0.5 s, swinging
FIRSTS = int(
    os.environ.get("BENCH_WORKER_FIRSTS", "3")
)  # first passes, each on a fresh database: the median kept
AGAIN_EACH = 3  # passes of 304s after each queued first pass: the median of all kept
LIMIT = 10  # LEXWATCH_CONCURRENT_PER_DOMAIN below: requests in flight to one host
SCRATCH = Path(tempfile.gettempdir()) / f"lexwatch-bench-workers-{os.getpid()}"
SETTINGS = {
    "LEXWATCH_AUTOTHROTTLE": "false",
    "LEXWATCH_CONCURRENT_PER_DOMAIN": str(LIMIT),
    "LEXWATCH_ALLOW_PRIVATE_TARGETS": "1",
    "LEXWATCH_SEED_DEFAULTS": "false",
}


def main() -> None:
    """Measure every mode, write bench/results/workers.json, print the table."""
    site = Site(PAGES, SEED)
    flights = watch(site)
    try:
        with services.postgres() as admin, services.redis() as redis_url:
            rows = _in_process(site, admin, flights)
            for hosts in HOSTS:
                rows += _with_workers(site, admin, redis_url, hosts, flights)
    finally:
        site.close()
        shutil.rmtree(SCRATCH, ignore_errors=True)
    aims = judge(rows, LIMIT)
    load = os.getloadavg()
    path = write_result(
        "workers",
        rows,
        aims=aims,
        pages=PAGES,
        load=load,
        case_keys=["mode", "hosts", "workers", "pass"],
    )
    sys.stderr.write(text_table(rows) + "\n\n" + text_table(aims))
    sys.stderr.write(f"\nload average {load}; (written to {path})\n")


def _environment(database: str, redis_url: str = "") -> dict[str, str]:
    """The settings of every process of one measurement, and its own data folder."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    home = tempfile.mkdtemp(dir=SCRATCH)
    extra = {"LEXWATCH_REDIS_URL": redis_url} if redis_url else {}
    keep = {k: v for k, v in os.environ.items() if not k.startswith("LEXWATCH_")}
    return keep | SETTINGS | extra | {"LEXWATCH_DATABASE_URL": database, "LEXWATCH_DATA_DIR": home}


def _lexwatch(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "cli", *args]
    return subprocess.run(
        command, env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def _add_sources(site: Site, env: dict[str, str], hosts: int = 1) -> None:
    path = Path(env["LEXWATCH_DATA_DIR"]) / "sources.yaml"
    urls = site.urls(hosts).items()
    sources = [{"name": name, "kind": "page", "url": url} for name, url in urls]
    path.write_text(json.dumps({"sources": sources}), encoding="utf-8")  # JSON is YAML
    _lexwatch(env, "sources", "import", str(path))


def _in_process(site: Site, admin: str, flights: InFlight) -> list[dict[str, Any]]:
    """Both passes as `lexwatch crawl` runs them (no Redis), each measured without start-up.

    The first pass FIRSTS times, each on a fresh database; the passes of 304s after the last.
    """
    firsts: list[tuple[float, float]] = []
    flights.reset()
    for n in range(FIRSTS):
        site.reset()
        with _database(admin) as database:
            env = _environment(database)
            _add_sources(site, env)
            firsts.append(_crawl(env))
            if n < FIRSTS - 1:
                continue
            first = _in_process_row("first", firsts, flights)
            flights.reset()
            again = [_crawl(env) for _ in range(REPEATS)]
            return [first, _in_process_row("again", again, flights)]
    raise AssertionError("FIRSTS is at least 1")


def _in_process_row(name: str, passes: list[tuple[float, float]], flights: InFlight) -> dict:
    seconds, cpu = _medians(passes)
    cpu_ms = round(cpu * 1000 / PAGES, 2)
    return _row(
        "one process, no queue", 0, name, seconds, cpu_ms_per_page=cpu_ms, peak=flights.peak()
    )


def _crawl(env: dict[str, str]) -> tuple[float, float]:
    """One pass as `lexwatch crawl` runs it: its seconds and CPU seconds, start-up left out."""
    command = [sys.executable, "-m", "bench.crawl_driver"]
    done = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    statuses = answer["statuses"]
    assert len(statuses) == PAGES and "error" not in statuses, statuses[:3]
    return answer["wall"], answer["cpu"]


def _with_workers(
    site: Site, admin: str, redis_url: str, hosts: int, flights: InFlight
) -> list[dict[str, Any]]:
    """Both passes through the queue for each count of workers, the pages on `hosts` hosts.

    FIRSTS rounds; in each, every count of workers in turn (the order reversed every
    other round) gets a fresh database with fresh workers, a first pass, then
    AGAIN_EACH passes of 304s. The machine's speed drifts over minutes: measured one
    count after the other, one worker and two were timed at different speeds and their
    ratio moved with the drift; taken in turn, both meet it alike.
    """
    firsts: dict[int, list[tuple[float, float]]] = {count: [] for count in COUNTS}
    again: dict[int, list[tuple[float, float]]] = {count: [] for count in COUNTS}
    peaks = dict.fromkeys(COUNTS, 0)  # the most requests in flight over a count's passes
    for n in range(FIRSTS):
        for count in COUNTS if n % 2 == 0 else COUNTS[::-1]:
            flights.reset()
            passes = _workers_passes(site, admin, redis_url, (count, hosts), AGAIN_EACH)
            firsts[count].append(passes[0])
            again[count] += passes[1:]
            peaks[count] = max(peaks[count], flights.peak())
    return [
        _queued_row((count, hosts), name, passes[count], peaks[count])
        for count in COUNTS
        for name, passes in (("first", firsts), ("again", again))
    ]


def _workers_passes(
    site: Site, admin: str, redis_url: str, shape: tuple[int, int], again: int
) -> list[tuple[float, float]]:
    """A first pass on a fresh database, then `again` passes of 304s: (seconds, CPU) each."""
    count, hosts = shape
    site.reset()
    with _database(admin) as database:
        env = _environment(database, redis_url)
        _add_sources(site, env, hosts)
        workers = [_start_worker(env) for _ in range(count)]
        try:
            _wait_for_workers(env, count)
            return [_queued_once(env, workers) for _ in range(1 + again)]
        finally:
            _stop(workers)
            _flush(redis_url)


def _queued_row(
    shape: tuple[int, int], name: str, passes: list[tuple[float, float]], peak: int
) -> dict:
    """The row of these passes through the queue: their median seconds, and the workers' median CPU."""
    (count, hosts), (seconds, cpu) = shape, _medians(passes)
    cpu_ms = round(cpu * 1000 / PAGES, 2)
    return _row("queue", count, name, seconds, cpu_ms_per_page=cpu_ms, peak=peak, hosts=hosts)


def _queued_once(env: dict[str, str], workers: list[subprocess.Popen]) -> tuple[float, float]:
    """One pass through the queue: its seconds, and the workers' CPU seconds over it."""
    cpu = _cpu_seconds(workers)
    seconds = _queued_seconds(env)
    return seconds, _cpu_seconds(workers) - cpu


def _medians(passes: list[tuple[float, float]]) -> tuple[float, float]:
    """The median seconds and the median CPU seconds of these passes, each on its own."""
    seconds, cpu = zip(*passes, strict=True)
    return statistics.median(seconds), statistics.median(cpu)


def _cpu_seconds(workers: list[subprocess.Popen]) -> float:
    """User and system CPU of the workers and of their finished jobs (forked children)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for worker in workers:
        fields = Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def _queued_seconds(env: dict[str, str]) -> float:
    """Queue every source's job, wait until all have ended: the wall-clock time of the pass."""
    import asyncio

    from db import repo
    from db.engine import get_engine, session_scope
    from pipeline import queue
    from vocab.settings import Settings

    names = {"database_url": "LEXWATCH_DATABASE_URL", "redis_url": "LEXWATCH_REDIS_URL"}
    settings = Settings(**{field: env[name] for field, name in names.items()})
    with session_scope(get_engine(settings.db_url)) as session:
        sources = repo.list_sources(session)  # fresh: each pass is the next round
    started = time.monotonic()
    reports = asyncio.run(queue.run_on_workers(settings, sources, wait=True))
    assert len(reports) == PAGES and not [r for r in reports if r.status == "error"], reports[:3]
    return time.monotonic() - started


def _row(
    mode: str,
    workers: int,
    name: str,
    seconds: float,
    *,
    cpu_ms_per_page: float,
    peak: int,
    hosts: int = 1,
) -> dict[str, Any]:
    row = {"mode": mode, "hosts": hosts, "workers": workers, "pass": name}
    row["seconds"] = round(seconds, 2)
    row["pages_per_s"] = round(PAGES / seconds, 1)
    if workers:
        row["pages_per_s_per_worker"] = round(PAGES / seconds / workers, 1)
    row |= {"cpu_ms_per_page": cpu_ms_per_page, "max_in_flight_per_host": peak}
    sys.stderr.write(f"bench.workers: {row}\n")
    return row


def _start_worker(env: dict[str, str]) -> subprocess.Popen:
    log = open(Path(env["LEXWATCH_DATA_DIR"]) / f"worker-{uuid.uuid4().hex[:6]}.log", "w")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "worker"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_for_workers(env: dict[str, str], count: int) -> None:
    import redis
    from rq import Worker

    connection = redis.Redis.from_url(env["LEXWATCH_REDIS_URL"])
    deadline = time.monotonic() + 60
    while len(Worker.all(connection=connection)) < count:
        if time.monotonic() > deadline:
            raise SystemExit("the workers did not start within 60 s (see their logs)")
        time.sleep(0.2)


def _stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=60)


def _flush(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


class _database:
    """A fresh database on the throwaway server for one measurement, dropped afterwards."""

    def __init__(self, admin: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        self.name = f"bench_{uuid.uuid4().hex[:10]}"
        self.engine = create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.url = admin.rsplit("/", 1)[0] + "/" + self.name

    def __enter__(self) -> str:
        self._run(f'CREATE DATABASE "{self.name}"')
        return self.url

    def __exit__(self, *_exc: object) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.engine.dispose()

    def _run(self, sql: str) -> None:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            connection.execute(text(sql))


if __name__ == "__main__":
    main()
