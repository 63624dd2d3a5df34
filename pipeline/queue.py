"""Crawls as jobs on a shared Redis queue (RQ), taken by `lexwatch worker` on any machine.

With LEXWATCH_REDIS_URL set, `pipeline.passes.crawl_pass` hands its sources to this
module instead of crawling them itself. Any number of workers that reach the
database and Redis take the jobs; each job is one ordinary crawl pass over a
batch of sources, recorded exactly as in one process.

Why RQ and not scrapy-redis: scrapy-redis shares Scrapy's *request* queue, so
the requests of one source would be fetched by different workers, while the
spider keeps each source's bookkeeping (what was asked, what came back, which
errors) in memory in one process, and the run, the parse and the diff of a
source need all of it. A source is the unit of work, so a job queue fits.
scrapy-redis 0.9.1 also calls Scrapy APIs that 2.19 no longer has
(`engine.crawl(request, spider)`).

Batches: a job is a batch of one host's due sources, crawled together by one
warm crawler (pipeline/warm.py) as `lexwatch crawl` crawls them. A job's own
costs (RQ's bookkeeping, a transaction to start its runs and one to end them)
are shared by its pages, so a pass goes in as few jobs as keep the live workers
busy to its end (`job_size`): two hosts and two workers make one job per host,
one host and two workers two halves of it; none under MIN_BATCH sources, none
over BATCH. A host whose jobs n workers may fetch at once (n: its jobs or the
workers, the fewer) gives each job 1/n of its limit of requests in flight, all
workers together within it (pipeline/hostlock.py).
Inside a job each source keeps its own fault boundary (pipeline/run.py): one
whose parse or store raises is recorded as failed, and the others are stored.

Rounds: a source's round is the crawl that follows its last recorded run
(`crawl-<source id>-<last run in µs>`). Queuing a source first claims its round
in Redis (`SET NX`, naming the job that crawls it; a batch's claims go in one
pipelined round trip), so a source queued twice in a round (a restart, the
resync of a new source, `lexwatch crawl` while its scheduled job waits) is
crawled once; the second caller waits for the job that holds the claim. A
claim whose job failed for good or is gone is taken over. A job's id is its
first source's round (plus `_n` for the n other sources), and RQ enqueues an id
only once (`unique=True`). A worker killed mid-job stops renewing its lease on
the job; the next worker to clean RQ's registries puts the job back (RQ's
Retry), and the job marks the dead attempt's runs as interrupted before
crawling again. The workers themselves are in pipeline/worker.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker
from rq.exceptions import DuplicateJobError
from rq.job import Job, JobStatus

from db import repo
from db.engine import session_scope
from db.models import Source
from db.owner import remote_grace
from pipeline.run import Report
from vocab.errors import ConfigError
from vocab.settings import Settings, get_settings

log = logging.getLogger("lexwatch.worker")

QUEUE = "lexwatch-crawls"
RETRIES = 3  # attempts after a failure or a dead worker
BATCH = 250  # sources of one host in one job, at most
MIN_BATCH = 25  # sources a host's job has before the host is split for more workers
SLACK = 0.1  # the last worker to end a pass may end this much later than an even share
CLAIM = "lexwatch:round:"  # + a source's round id -> the id of the job that crawls it
CLAIM_TTL = 8 * 86400  # beyond a failed job's week in RQ's registry
ENDED = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}
ENDINGS = "lexwatch:job-ended:"  # + the Redis database: a worker names each job on it as it ends
POLL = 0.5  # seconds a crawl waits for jobs with no word of an ending before it looks again
GIVEN_UP = (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)
DROP_CLAIM = """if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1]) else return 0 end"""


def crawl_queue(settings: Settings) -> Queue:
    """The queue of crawl jobs on LEXWATCH_REDIS_URL."""
    # A job may wait a crawl's limit for its host, then crawls, then stores.
    timeout = int(2 * settings.crawl_time_limit) + 120
    return Queue(QUEUE, connection=Redis.from_url(settings.redis_url), default_timeout=timeout)


def job_id(source: Source) -> str:
    """The id of a source's round: the crawl after its last recorded run."""
    last = int(source.last_run_at.timestamp() * 1_000_000) if source.last_run_at else 0
    return f"crawl-{source.id}-{last}"


def host_of(source: Source | str) -> str:
    """The host a source (or a URL) is fetched from, as Scrapy's per-host download slots name it."""
    return (urlsplit(source if isinstance(source, str) else source.url).hostname or "").lower()


def batches(sources: Sequence[Source], workers: int = 1) -> Iterator[list[Source]]:
    """The sources grouped by host, in their order, each host in even jobs sized so that the
    workers, taking the jobs in this order, end together (`job_size`)."""
    hosts: dict[str, list[Source]] = {}
    for source in sources:
        hosts.setdefault(host_of(source), []).append(source)
    size = job_size([len(group) for group in hosts.values()], workers)
    for group in hosts.values():
        count = jobs_for(len(group), size)
        for n in range(count):
            yield group[n * len(group) // count : (n + 1) * len(group) // count]


def job_size(hosts: Sequence[int], workers: int) -> int:
    """The largest size of job (MIN_BATCH to BATCH) whose jobs keep every worker busy to the end.

    `hosts`: how many sources each host has. Fewer, larger jobs cost less (each has
    its own bookkeeping), so a host gets only the jobs its part of the work needs:
    two hosts and two workers make two jobs, one host and two workers make two
    halves. Where that leaves a worker idle while another ends a job (three equal
    hosts, two workers), the jobs are halved until the workers, taking them in turn,
    end within SLACK of an even share (a few tries, whatever the pass's size).
    """
    workers, total, parts = max(workers, 1), sum(hosts), 1
    while True:
        size = min(BATCH, max(MIN_BATCH, -(-total // (workers * parts))))
        jobs = [n // count for n in hosts for count in [jobs_for(n, size)] for _ in range(count)]
        if size == MIN_BATCH or _last_end(jobs, workers) <= (1 + SLACK) * total / workers:
            return size
        parts *= 2


def jobs_for(sources: int, size: int) -> int:
    """How many jobs share one host's sources: about `size` each, none over BATCH, none under MIN_BATCH."""
    fewest = -(-sources // BATCH)
    return max(fewest, min(-(-sources // size), sources // MIN_BATCH))


def _last_end(jobs: Sequence[int], workers: int) -> int:
    """When the last of these jobs (their sizes, in queue order) ends, each taken by the first free worker."""
    ends = [0] * workers
    for job in jobs:
        ends[ends.index(min(ends))] += job
    return max(ends)


def enqueue(settings: Settings, sources: Sequence[Source]) -> dict[int, str]:
    """Queue the sources whose round nobody crawls yet; every source's job id to wait for."""
    queue = crawl_queue(settings)
    try:
        held = _holders(queue, sources)
        workers = max(Worker.count(queue=queue), 1)
        todo = list(batches([s for s in sources if held[s.id] is None], workers))
        # A host's jobs fetched at once share its limit: as many as there are workers, at most.
        jobs = Counter(host_of(batch[0]) for batch in todo)
        for batch in todo:
            held |= _enqueue_batch(queue, batch, min(jobs[host_of(batch[0])], workers))
    except RedisError as exc:  # a message a person can act on, not a traceback
        raise ConfigError(f"cannot queue crawls at LEXWATCH_REDIS_URL: {exc}") from exc
    return {source_id: ident for source_id, ident in held.items() if ident}


def _holders(queue: Queue, sources: Sequence[Source]) -> dict[int, str | None]:
    """The job that crawls each source's round, if one waits, runs or is done: three round trips."""
    keys = {source.id: CLAIM + job_id(source) for source in sources}
    if not keys:
        return {}
    found = dict(zip(keys, queue.connection.mget(list(keys.values())), strict=True))
    claims = {source_id: ident.decode() for source_id, ident in found.items() if ident}
    live = _live_jobs(queue, set(claims.values()))
    # Their jobs failed for good or are gone: those rounds are tried again.
    _drop_claims(queue, {keys[i]: ident for i, ident in claims.items() if ident not in live})
    return {
        source_id: claims.get(source_id) if claims.get(source_id) in live else None
        for source_id in keys
    }


def _drop_claims(queue: Queue, claims: dict[str, str]) -> None:
    """Delete these claims (key -> job id), each only if it still names that job."""
    drops = queue.connection.pipeline(transaction=False)
    for key, ident in claims.items():
        drops.eval(DROP_CLAIM, 1, key, ident)
    drops.execute()


def _live_jobs(queue: Queue, idents: set[str]) -> set[str]:
    """Those of these jobs that wait, run or are done (not failed for good, not gone)."""
    jobs = Job.fetch_many(sorted(idents), connection=queue.connection) if idents else []
    return {job.id for job in jobs if job and job.get_status(refresh=False) not in GIVEN_UP}


def _enqueue_batch(queue: Queue, batch: list[Source], ways: int = 1) -> dict[int, str]:
    """Claim each source's round for one new job, then queue it with those it claimed.

    `ways`: how many of its host's jobs may fetch at once, each with that part of its limit.
    """
    ident = job_id(batch[0]) + (f"_{len(batch) - 1}" if len(batch) > 1 else "")
    claims = queue.connection.pipeline(transaction=False)  # one round trip for the batch
    for source in batch:
        claims.set(CLAIM + job_id(source), ident, nx=True, ex=CLAIM_TTL)
        claims.get(CLAIM + job_id(source))  # ours, or a racer's
    answers = claims.execute()
    mine = [source for source, won in zip(batch, answers[::2], strict=True) if won]
    if mine:
        _enqueue_job(queue, ident, mine, ways)
    return {s.id: (got or b"").decode() for s, got in zip(batch, answers[1::2], strict=True)}


def _enqueue_job(queue: Queue, ident: str, sources: list[Source], ways: int) -> None:
    old = queue.fetch_job(ident)
    if old is not None and old.get_status() in GIVEN_UP:
        old.delete()  # an earlier job of this id that failed for good: this one tries again
    # A racer may have queued this very id a moment ago: its job crawls the same round.
    with contextlib.suppress(DuplicateJobError):
        queue.enqueue_call(
            crawl_sources,
            args=([s.id for s in sources],),
            kwargs={"ways": ways},
            job_id=ident,
            unique=True,
            retry=Retry(max=RETRIES),
            result_ttl=3600,
            failure_ttl=7 * 86400,
            description=f"crawl {_names(sources)}",
            meta={"rounds": [job_id(s) for s in sources]},
        )


def _names(sources: list[Source]) -> str:
    names = ", ".join(s.name for s in sources[:3])
    return names + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")


def crawl_sources(source_ids: list[int], ways: int = 1) -> list[dict[str, Any]]:
    """The job: one crawl pass over one host's sources, recorded as `lexwatch crawl` records it.

    `ways`: how many of the host's jobs may fetch at once; this one fetches with that part of its limit.
    """
    from pipeline.warm import warm

    settings = get_settings()
    state = warm(settings)
    found = _prepare(state.engine, settings, source_ids)
    if not found:
        return []  # removed or disabled since they were queued
    try:
        reports = state.crawl([key for key, _url in found], host_of(found[0][1]), ways)
    except BaseException:
        with session_scope(state.engine) as session:  # the retry must not find them 'running'
            repo.interrupted_own_runs(session, source_ids=source_ids)
        raise
    return [asdict(report) for report in reports]


def crawl_source(source_id: int) -> list[dict[str, Any]]:
    """A one-source job, as queued before jobs were batches (still waiting after an upgrade)."""
    return crawl_sources([source_id])


def _prepare(
    engine: Any, settings: Settings, source_ids: list[int]
) -> list[tuple[repo.SourceKey, str]]:
    """The job's sources still enabled (key and URL), after marking a dead attempt's runs as interrupted."""
    with session_scope(engine) as session:
        # An attempt whose worker died; a live one elsewhere keeps its run.
        repo.interrupted_runs(
            session,
            source_ids=source_ids,
            remote_after=remote_grace(settings.crawl_time_limit),
        )
        return repo.enabled_keys(session, source_ids=source_ids)


async def run_on_workers(
    settings: Settings, sources: Sequence[Source], *, wait: bool
) -> list[Report]:
    """Queue these sources' jobs; with `wait`, return their reports once workers are done."""
    held = await asyncio.to_thread(enqueue, settings, sources)
    if not wait:
        return []
    return await asyncio.to_thread(_reports, crawl_queue(settings), held, sources)


def _reports(queue: Queue, held: dict[int, str], sources: Sequence[Source]) -> list[Report]:
    jobs = _wait_for(queue, sorted(set(held.values())))
    found = {ident: _reports_of(job) for ident, job in jobs.items()}
    return [
        report
        for source in sources
        for report in _report_for(source, held.get(source.id, ""), found, jobs)
    ]


def _report_for(
    source: Source, ident: str, found: dict[str, dict[str, Report]], jobs: dict[str, Job]
) -> list[Report]:
    """This source's report from its job; an error if the job failed or is gone."""
    job = jobs.get(ident)
    if job is not None and job.get_status(refresh=False) == JobStatus.FINISHED:
        report = found[ident].get(source.name)
        return [report] if report else []  # none: removed or disabled meanwhile
    reason = "the job is gone from the queue" if job is None else _last_error(job)
    return [Report(source.name, "error", 0, 0, 0, 1, f"the worker failed: {reason}", 0.0)]


def _wait_for(queue: Queue, ids: list[str]) -> dict[str, Job]:
    """Wait until every job has ended; refuse to wait for workers that do not exist.

    Woken as each job ends (its worker says so on `endings_channel`), and looking every POLL
    seconds anyway (a worker that died says nothing): a pass ends when its last
    job does, not at the next of a series of polls.
    """
    endings = queue.connection.pubsub(ignore_subscribe_messages=True)
    endings.subscribe(endings_channel(queue.connection))  # before the first look: none missed
    try:
        while True:
            jobs = {job.id: job for job in Job.fetch_many(ids, connection=queue.connection) if job}
            if all(job.get_status(refresh=False) in ENDED for job in jobs.values()):
                return jobs
            _refuse_without_workers(queue)
            endings.get_message(timeout=POLL)
    finally:
        endings.close()


def _refuse_without_workers(queue: Queue) -> None:
    if not Worker.count(queue=queue):
        raise ConfigError(
            "no `lexwatch worker` serves the crawl queue at LEXWATCH_REDIS_URL: start one, "
            "or unset LEXWATCH_REDIS_URL to crawl in this process"
        )


def endings_channel(connection: Redis) -> str:
    """The channel the ends of this Redis database's jobs are told on.

    Channels belong to the whole server, not to one of its databases: two
    deployments (or two test processes) on databases of one server must not wake
    each other's crawls.
    """
    return ENDINGS + str(connection.connection_pool.connection_kwargs.get("db", 0))


def said_ended(connection: Redis, job: Job) -> None:
    """Tell the crawls waiting for jobs that this one has ended (its status is set)."""
    try:
        connection.publish(endings_channel(connection), job.id)
    except RedisError as exc:  # the waiters look again within POLL seconds anyway
        log.warning("could not announce the end of job %s: %s", job.id, exc)


def _reports_of(job: Job | None) -> dict[str, Report]:
    if job is None or job.get_status(refresh=False) != JobStatus.FINISHED:
        return {}
    return {fields["source"]: Report(**fields) for fields in job.return_value() or []}


def _last_error(job: Job) -> str:
    result = job.latest_result()
    text = (result.exc_string if result else "") or str(job.get_status(refresh=False))
    return text.strip().splitlines()[-1][:500]
