"""How the queue splits a pass into jobs, and how it claims each source's round in Redis.

The split is pure. The claims need a throwaway Redis (LEXWATCH_TEST_REDIS_URL,
emptied by each test); the sources are never stored, since queuing reads only
their ids, names, URLs and last runs.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
import redis
from rq.job import Job, JobStatus

from db.models import Source
from pipeline import queue
from tests.databases import REDIS_URL
from tests.test_workers import redis_url
from vocab.settings import get_settings

__all__ = ["redis_url"]  # a fixture this module uses
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs LEXWATCH_TEST_REDIS_URL (Redis)")


def _sources(count: int, host: str = "example.org", first: int = 1) -> list[Source]:
    return [
        Source(id=n, name=f"s{n:04d}", kind="page", url=f"https://{host}/{n}.html")
        for n in range(first, first + count)
    ]


def _sizes(sources: list[Source], workers: int) -> list[int]:
    return [len(batch) for batch in queue.batches(sources, workers)]


def test_one_worker_takes_a_hosts_sources_in_one_job_up_to_the_batch_limit() -> None:
    assert _sizes(_sources(100), 1) == [100]
    assert _sizes(_sources(queue.BATCH), 0) == [queue.BATCH]  # no worker counted yet: as one
    sizes = _sizes(_sources(2 * queue.BATCH + 1), 1)
    assert len(sizes) == 3 and max(sizes) - min(sizes) <= 1 and sum(sizes) == 2 * queue.BATCH + 1


def test_a_host_is_shared_by_the_workers_while_each_job_keeps_its_minimum() -> None:
    assert _sizes(_sources(100), 2) == [50, 50]
    assert _sizes(_sources(100), 8) == [25] * 4  # no job under MIN_BATCH
    assert _sizes(_sources(queue.MIN_BATCH + 1), 2) == [queue.MIN_BATCH + 1]
    assert _sizes(_sources(3), 4) == [3]


def _hosts(*counts: int) -> list[Source]:
    return [
        source
        for n, count in enumerate(counts)
        for source in _sources(count, f"h{n}.example", first=1000 * n + 1)
    ]


def test_hosts_enough_for_the_workers_are_not_split() -> None:
    assert _sizes(_hosts(200, 200), 2) == [200, 200]  # one job per host, each with its whole limit
    assert _sizes(_hosts(200, 200), 1) == [200, 200]
    assert _sizes(_hosts(400), 2) == [200, 200]


def test_hosts_are_split_where_a_worker_would_idle_at_the_end() -> None:
    assert _sizes(_hosts(200, 200, 200), 2) == [100] * 6  # not 200 each: one worker ends alone
    assert _sizes(_hosts(300, 100), 2) == [100] * 4
    assert _sizes(_hosts(300, 10), 2) == [150, 150, 10]


def test_the_last_worker_ends_within_the_slack_of_an_even_share() -> None:
    for counts in [(37, 80, 250, 5), (900, 40, 40), (60,) * 7, (1,) * 50, (260, 26)]:
        for workers in (1, 2, 3, 5):
            size = queue.job_size(counts, workers)
            jobs = [len(b) for b in queue.batches(_hosts(*counts), workers)]
            even = sum(counts) / workers
            assert max(jobs) <= queue.BATCH and sum(jobs) == sum(counts)
            assert size == queue.MIN_BATCH or queue._last_end(jobs, workers) <= 1.1 * even + 1


def test_batches_keep_hosts_apart_and_sources_in_their_order() -> None:
    mixed = _sources(30, "a.example") + _sources(3, "b.example", first=100)
    mixed = [mixed[-1], *mixed[:-1]]  # b's last first: hosts are still kept together
    batches = list(queue.batches(mixed, 1))
    assert [[s.id for s in batch] for batch in batches] == [[102, 100, 101], list(range(1, 31))]


@needs_redis
def test_a_round_is_queued_once_while_its_job_lives(redis_url, home) -> None:
    sources = _sources(30)
    held = queue.enqueue(get_settings(), sources)
    assert len(set(held.values())) == 1 and set(held) == {s.id for s in sources}
    assert queue.enqueue(get_settings(), sources) == held  # the same round: the same job
    assert len(queue.crawl_queue(get_settings()).job_ids) == 1


@needs_redis
@pytest.mark.parametrize("end", ["failed", "gone"])
def test_a_round_whose_job_failed_for_good_or_is_gone_is_taken_over(redis_url, home, end) -> None:
    sources = _sources(3)
    crawls = queue.crawl_queue(get_settings())
    (ident,) = set(queue.enqueue(get_settings(), sources).values())
    job = crawls.fetch_job(ident)
    crawls.remove(job)
    if end == "failed":
        job.set_status(JobStatus.FAILED)
    else:
        job.delete()
    assert set(queue.enqueue(get_settings(), sources).values()) == {ident}  # queued again
    assert crawls.job_ids == [ident]
    assert crawls.fetch_job(ident).get_status() == JobStatus.QUEUED


@needs_redis
def test_a_new_round_of_a_source_is_a_new_job(redis_url, home) -> None:
    sources = _sources(2)
    first = queue.enqueue(get_settings(), sources)
    sources[1].last_run_at = datetime(2026, 1, 2, tzinfo=UTC)
    second = queue.enqueue(get_settings(), sources)
    assert second[1] == first[1] and second[2] != first[2]
    keys = redis.Redis.from_url(redis_url).keys(queue.CLAIM + "*")
    assert len(keys) == 3  # a claim per round


@needs_redis
def test_a_crawl_waiting_for_its_jobs_is_woken_when_a_worker_says_one_ended(
    redis_url, home, monkeypatch
) -> None:
    monkeypatch.setattr(queue, "POLL", 3600.0)  # no look but the one the announcement wakes
    monkeypatch.setattr(queue, "_refuse_without_workers", lambda crawls: None)
    crawls = queue.crawl_queue(get_settings())
    (ident,) = set(queue.enqueue(get_settings(), _sources(3)).values())
    found: list[dict] = []
    waiting = threading.Thread(target=lambda: found.append(queue._wait_for(crawls, [ident])))
    waiting.start()
    while not crawls.connection.pubsub_numsub(queue.endings_channel(crawls.connection))[0][
        1
    ]:  # subscribed
        time.sleep(0.01)

    job = crawls.fetch_job(ident)
    job.set_status(JobStatus.FINISHED)
    queue.said_ended(crawls.connection, job)

    waiting.join(timeout=60)  # a guard against a hang, not a measure
    assert [list(jobs) for jobs in found] == [[ident]]


@needs_redis
def test_a_jobs_end_is_told_only_to_crawls_on_its_own_redis_database(redis_url, home) -> None:
    """Pub/sub channels belong to the whole Redis server: two deployments (or test processes) on
    two of its databases must not hear each other's job endings."""
    here = queue.crawl_queue(get_settings()).connection
    other_db = (here.connection_pool.connection_kwargs.get("db", 0) + 8) % 16
    there = redis.Redis(connection_pool=redis.ConnectionPool(**{
        **here.connection_pool.connection_kwargs, "db": other_db
    }))  # fmt: skip
    listening = here.pubsub(ignore_subscribe_messages=True)
    listening.subscribe(queue.endings_channel(here))
    listening.get_message(timeout=1)  # the subscription itself
    queue.said_ended(there, Job.create(print, id="theirs", connection=there))
    queue.said_ended(here, Job.create(print, id="ours", connection=here))
    heard = [listening.get_message(timeout=5) for _ in range(1)]
    listening.close()
    there.close()
    assert [message["data"] for message in heard if message] == [b"ours"]
