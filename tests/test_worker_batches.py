"""Workers that take batches: one host at a time across workers, and one source's failure stays its own.

Real `lexwatch worker` processes, PostgreSQL and Redis, as in tests/test_workers.py
(whose fixtures these share); the site counts the requests it answers at once.
"""

from __future__ import annotations

import asyncio

import pytest
import redis
from sqlmodel import col, select

from bench.inflight import watch
from db import repo
from db.engine import session_scope
from db.models import CrawlRun, Source, Version
from pipeline import hostlock, queue
from tests.databases import ADMIN_URL, REDIS_URL
from tests.test_workers import _engine, _workers_ready, processes, redis_url, wait_for
from vocab.settings import get_settings

__all__ = ["processes", "redis_url"]  # fixtures this module uses
pytestmark = [
    pytest.mark.skipif(
        not (ADMIN_URL and REDIS_URL),
        reason="needs LEXWATCH_TEST_DATABASE_URL (PostgreSQL) and LEXWATCH_TEST_REDIS_URL (Redis)",
    ),
    pytest.mark.parametrize("backend", ["postgresql"], indirect=True),
]
PAGE = "<html><body><h2>Status</h2><p>page {n}</p></body></html>"
LIMIT = 2  # LEXWATCH_CONCURRENT_PER_DOMAIN of every worker


def _sources(lexwatch, site, home, count: int) -> list[Source]:
    yaml = "sources:\n" + "".join(
        f"  - {{name: b{n:03d}, kind: page, url: '{site.url(f'/b{n:03d}.html')}'}}\n"
        for n in range(count)
    )
    (home / "sources.yaml").write_text(yaml, encoding="utf-8")
    assert lexwatch("sources", "import", "sources.yaml").code == 0
    with session_scope(_engine()) as session:
        return list(session.exec(select(Source).order_by(col(Source.name))))


def test_two_workers_never_exceed_one_hosts_limit_together(
    site, lexwatch, home, processes, monkeypatch
) -> None:
    monkeypatch.setenv("LEXWATCH_CONCURRENT_PER_DOMAIN", str(LIMIT))
    for n in range(3 * queue.MIN_BATCH):
        site.serve(f"/b{n:03d}.html", PAGE.format(n=n), delay=0.1)
    sources = _sources(lexwatch, site, home, 3 * queue.MIN_BATCH)
    for _ in range(2):
        processes("worker")
    wait_for(lambda: _workers_ready(2), 60, "two idle workers")
    flights = watch(site)

    reports = asyncio.run(queue.run_on_workers(get_settings(), sources, wait=True))

    assert sorted(r.status for r in reports) == ["ok"] * len(sources)
    assert 0 < flights.peak() <= LIMIT  # per host, across both workers
    jobs = _finished_jobs()
    assert len({job.worker_name for job in jobs}) == 2  # both took batches of the one host
    first, second = sorted(jobs, key=lambda job: job.started_at)
    assert second.started_at < first.ended_at  # and fetched it at once, half its limit each


def _said(endings) -> list[bytes]:
    messages = [endings.get_message(timeout=1) for _ in range(3)]  # the first: the subscription
    return [message["data"] for message in messages if message]


def _finished_jobs() -> list:
    crawls = queue.crawl_queue(get_settings())
    return [crawls.fetch_job(i) for i in crawls.finished_job_registry.get_job_ids()]


def test_a_source_that_fails_to_parse_fails_alone_in_its_batch(
    site, lexwatch, home, processes
) -> None:
    for n in range(3):
        site.serve(f"/b{n:03d}.html", PAGE.format(n=n))
    site.serve("/b001.html", "<html><body><p>cut off before its end")  # truncated
    sources = _sources(lexwatch, site, home, 3)
    (ident,) = set(queue.enqueue(get_settings(), sources).values())
    assert len(queue.crawl_queue(get_settings()).job_ids) == 1  # one host: one batch
    endings = queue.crawl_queue(get_settings()).connection.pubsub(ignore_subscribe_messages=True)
    endings.subscribe(queue.endings_channel(queue.crawl_queue(get_settings()).connection))

    assert processes("worker", "--burst").process.wait(timeout=120) == 0

    assert _said(endings) == [ident.encode()]  # the crawl waiting for it is woken at once

    with session_scope(_engine()) as session:
        runs = session.exec(
            select(Source.name, CrawlRun.status).join(
                CrawlRun, col(CrawlRun.source_id) == Source.id
            )
        ).all()
        stored = session.exec(
            select(Source.name).join(Version, col(Version.source_id) == Source.id)
        ).all()
    assert sorted(runs) == [("b000", "ok"), ("b001", "parse_error"), ("b002", "ok")]
    assert sorted(stored) == ["b000", "b002"]


def test_a_job_crawls_only_its_sources_still_there_and_enabled(
    site, lexwatch, home, processes
) -> None:
    for n in range(3):
        site.serve(f"/b{n:03d}.html", PAGE.format(n=n))
    sources = _sources(lexwatch, site, home, 3)
    held = queue.enqueue(get_settings(), sources)
    with session_scope(_engine()) as session:  # after the job was queued
        repo.set_enabled(session, source=repo.source_by_name(session, name="b001"), enabled=False)
    assert lexwatch("sources", "remove", "b002").code == 0

    assert processes("worker", "--burst").process.wait(timeout=120) == 0

    (job,) = _finished_jobs()
    assert job.id == held[sources[0].id]
    assert [report["source"] for report in job.return_value()] == ["b000"]
    assert len(site.headers_for("/b000.html")) == 1
    assert not site.headers_for("/b001.html") and not site.headers_for("/b002.html")


async def _hold(redis_url: str, tag: str, seen: list[str], want: int = 1) -> None:
    async with hostlock.holding(redis_url, "example.org", limit=2, want=want) as permits:
        seen.append(f"{tag} in {permits}")
        await asyncio.sleep(0.3)
        seen.append(f"{tag} out")


async def _all(redis_url: str, *holders: tuple[str, int]) -> list[str]:
    seen: list[str] = []
    await asyncio.gather(*(_hold(redis_url, tag, seen, want) for tag, want in holders))
    return seen


def test_a_hosts_limit_is_shared_by_its_holders_and_a_dead_holders_share_lapses(
    redis_url,
) -> None:
    # Two holders of one permit each are in at once; the third waits for a permit.
    seen = asyncio.run(_all(redis_url, ("a", 1), ("b", 1), ("c", 1)))
    moves = [event.split()[1] for event in seen]
    assert moves[:3] == ["in", "in", "out"] and moves.index("in", 2) > 2
    # One that wants more than is free gets what is left.
    client = redis.Redis.from_url(redis_url)
    now_ms = int(client.time()[0] * 1000)
    client.hset(hostlock.PREFIX + "example.org", "other", f"1:{now_ms + 60_000}")
    assert asyncio.run(_all(redis_url, ("a", 2))) == ["a in 1", "a out"]
    client.hdel(hostlock.PREFIX + "example.org", "other")
    # A worker killed while holding the whole host: its lease runs out and the host is free again.
    client.hset(hostlock.PREFIX + "example.org", "dead", f"2:{now_ms + 300}")
    assert asyncio.run(_all(redis_url, ("a", 2))) == ["a in 2", "a out"]
