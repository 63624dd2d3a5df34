"""Drive one crawl pass: crawl, then for each source parse, version, diff, classify and store.

Each source is handled on its own: a failure is recorded on its CrawlRun and
its health, and the pass goes on. pipeline/recording.py records the crawls a
batch at a time, in one transaction with a SAVEPOINT per source; a new Version
and its Changes are written in that source's SAVEPOINT, so a crash never leaves
one without the other.

The steps live beside it: pipeline/parse.py turns a crawl's answers into a
record, pipeline/store.py stores it as a Version with its Changes, and
pipeline/steps.py is the fault boundary that keeps a bug in one step to its
source.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Engine

from crawlers.crawl import CrawlService, crawl
from crawlers.reactor import in_daemon_thread
from db import repo
from db.engine import session_scope
from monitor.health import SUCCEEDED  # any other status but skipped failed
from pipeline.chunks import Begun, chunk_size, in_chunks
from pipeline.parse import parse_responses, responses_of
from pipeline.recording import record_all, unanswered
from pipeline.store import store_record
from vocab.errors import Fault, FetchError, MissingKey
from vocab.fetch import Outcome, Plan
from vocab.records import Record
from vocab.redact import redact
from vocab.settings import Settings

# store_record: a test stores a record as a crawl does
__all__ = [
    "Report",
    "begin",
    "crawl_here",
    "crawl_with",
    "fetch_through",
    "outcome",
    "record",
    "store_record",
    "summarise",
    "try_source",
]
log = logging.getLogger("lexwatch.run")
Fetch = Callable[[list[Plan]], Awaitable[dict[int, Outcome]]]


@dataclass(frozen=True, slots=True)
class Report:
    """One line of a crawl pass: what happened to one source (slots: a pass keeps one each)."""

    source: str
    status: str
    fetched: int
    unchanged: int
    changes: int
    errors: int
    error: str
    seconds: float

    def line(self) -> str:
        """The log line of this crawl."""
        text = (
            f"{self.source}: {self.status} in {self.seconds:.1f}s, fetched {self.fetched}, "
            f"unchanged {self.unchanged}, changes {self.changes}, errors {self.errors}"
        )
        return text + (f" ({self.error})" if self.error else "")


def outcome(report: Report) -> str:
    """How a pass's summary counts a source: changed, unchanged, skipped or failed.

    A status not known here (error, parse_error, failed, broken, …) is a failure,
    so a new way to fail is never counted as a success.
    """
    if report.status == "skipped":
        return "skipped"
    if report.status not in SUCCEEDED:
        return "failed"
    return "changed" if report.status == "changed" or report.changes else "unchanged"


def summarise(reports: Sequence[Report]) -> str:
    """The last line of a crawl: `27 sources: 5 changed, 0 unchanged, 22 failed — see …`."""
    counts = Counter(outcome(report) for report in reports)
    parts = [f"{counts['changed']} changed", f"{counts['unchanged']} unchanged"]
    parts += [f"{counts['skipped']} skipped"] if counts["skipped"] else []
    parts.append(f"{counts['failed']} failed")
    line = f"{len(reports)} source{'' if len(reports) == 1 else 's'}: {', '.join(parts)}"
    return line + (" — see lexwatch status" if counts["failed"] or counts["skipped"] else "")


async def crawl_here(
    engine: Engine, settings: Settings, sources: Sequence[repo.SourceKey]
) -> list[Report]:
    """Crawl these sources in this process, in one crawler kept for every chunk, and record them."""
    if not sources:
        return []
    service = await CrawlService.open(settings, engine)
    try:
        return await crawl_with(engine, settings, sources, partial(fetch_through, service))
    finally:
        await service.close()


async def fetch_through(service: CrawlService, plans: list[Plan]) -> dict[int, Outcome]:
    """Fetch these plans through one open crawler: each source's outcome, by source id."""
    outcomes = await asyncio.gather(*(service.fetch(plan) for plan in plans))
    return {outcome.plan.source_id: outcome for outcome in outcomes}


async def crawl_with(
    engine: Engine,
    settings: Settings,
    sources: Sequence[repo.SourceKey],
    fetch: Fetch,
    *,
    chunk: int | None = None,
) -> list[Report]:
    """Fetch these sources with `fetch` (plans to their outcomes) and record them, EU first.

    `chunk` sources at a time (by default as many as `chunk_size` gives the pass): one
    chunk is recorded while the next fetches (pipeline/chunks.py). A chunk's Source
    rows are read when it begins and dropped once its plans are made: the pass keeps
    only the sources' keys. A
    worker passes a fetch through its warm crawler that holds its share of the
    host's limit only while fetching (pipeline/warm.py, pipeline/hostlock.py).
    """
    if not sources:
        return []
    ordered = sorted(sources, key=_eu_first)

    async def record_chunk(begun: Begun, outcomes: dict[int, Outcome]) -> list[Report]:
        done = _in_plan_order(begun.plans, outcomes)
        since = dict.fromkeys(begun.run_ids, begun.started)
        return await in_daemon_thread(_process_all, engine, settings, done, begun.run_ids, since)

    size = chunk or chunk_size(len(ordered))
    return await in_chunks(ordered, size, partial(_begin, engine, settings), fetch, record_chunk)


def _in_plan_order(plans: Sequence[Plan], outcomes: dict[int, Outcome]) -> list[Outcome]:
    """The chunk's outcomes in the order of its plans (the pass's order)."""
    return [outcomes[plan.source_id] for plan in plans if plan.source_id in outcomes]


def begin(
    engine: Engine, settings: Settings, source_ids: Sequence[int]
) -> dict[int, tuple[int, Plan]]:
    """A run and a plan for each of these sources still there and enabled: id -> (run id, plan).

    One transaction for all of them (the service starts the sources due together this way).
    """
    with session_scope(engine) as session:
        sources = repo.crawl_targets(session, source_ids=source_ids)
        run_ids = repo.start_runs(session, sources=sources)
        plans = repo.plans(session, sources=sources, secrets=settings.secrets())
    return {plan.source_id: (run_ids[plan.source_id], plan) for plan in plans}


def record(
    engine: Engine, settings: Settings, ended: Sequence[tuple[Outcome, int, float]]
) -> list[Report]:
    """Record these crawls (outcome, run id, start), each begun on its own: one report each."""
    outcomes = [outcome for outcome, _run_id, _started in ended]
    run_ids = {outcome.plan.source_id: run_id for outcome, run_id, _started in ended}
    started = {outcome.plan.source_id: at for outcome, _run_id, at in ended}
    return _process_all(engine, settings, outcomes, run_ids, started)


def _begin(engine: Engine, settings: Settings, keys: Sequence[repo.SourceKey]) -> Begun:
    """Start a chunk: its sources read here (plain rows), in its order, and forgotten with the session."""
    started = time.monotonic()
    with session_scope(engine) as session:
        sources = repo.targets_in_order(session, keys=keys)  # one removed meanwhile: gone
        run_ids = repo.start_runs(session, sources=sources)
        plans = repo.plans(session, sources=sources, secrets=settings.secrets())
    return Begun(run_ids, plans, started)


def _eu_first(source: repo.SourceKey) -> tuple:
    return (source.jurisdiction not in ("", "EU"), source.name)


def _process_all(
    engine: Engine,
    settings: Settings,
    outcomes: list[Outcome],
    run_ids: dict[int, int],
    started: dict[int, float],
) -> list[Report]:
    results = record_all(engine, outcomes, run_ids, settings.failing_after)
    now = time.monotonic()
    reports = [
        _report(outcome, result, now - started[outcome.plan.source_id])
        for outcome, result in zip(outcomes, results, strict=True)
    ]
    for report in reports:
        log.info(report.line())
    return reports


def _report(outcome: Outcome, result: repo.RunResult, seconds: float) -> Report:
    return Report(
        outcome.plan.name,
        result.status,
        result.fetched,
        result.unchanged,
        result.changes,
        result.errors,
        result.error,
        seconds,
    )


async def try_source(plan: Plan, settings: Settings) -> Record:
    """Fetch and parse one source without saving anything (`sources test`, the admin's test button)."""
    outcomes = await crawl([plan], engine=None, settings=settings)
    outcome = outcomes[plan.source_id]
    if outcome.skipped:
        raise MissingKey(outcome.skipped)
    if outcome.faults:
        raise Fault(redact("; ".join(outcome.faults)))
    if outcome.blocked:
        raise outcome.blocked
    errors = outcome.errors + unanswered(outcome)
    if errors:
        raise FetchError(redact("; ".join(errors)))
    return parse_responses(plan, responses_of(outcome))
