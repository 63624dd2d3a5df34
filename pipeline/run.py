"""Drive one crawl pass: crawl, then for each source parse, version, diff, classify and store.

Each source is handled on its own and in its own transaction: a failure is
recorded on its CrawlRun and its health, and the pass goes on. A new Version
and its Changes are written in one transaction, so a crash never leaves one
without the other. That transaction holds the source's row lock and starts
again after a collision with another process (db.retry), so two processes
crawling one source never both diff against the same previous Version: the
second finds the first's Version and, if equal, calls it unchanged.

The steps live beside it: pipeline/parse.py turns a crawl's answers into a
record, pipeline/store.py stores it as a Version with its Changes, and
pipeline/steps.py is the fault boundary that keeps a bug in one step to its
source.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from crawlers.crawl import crawl
from crawlers.reactor import in_daemon_thread
from db import repo
from db.engine import session_scope
from db.models import Source
from db.retry import in_transaction
from monitor.health import SUCCEEDED  # any other status but skipped failed
from pipeline import health
from pipeline.parse import parse_responses, previous_record, responses_of, stored_responses
from pipeline.steps import step
from pipeline.store import store_record
from vocab.errors import (
    Blocked,
    Fault,
    FetchError,
    MissingKey,
    ParseError,
    SourceError,
    describe_bug,
)
from vocab.fetch import Outcome, Plan
from vocab.records import Record
from vocab.redact import redact
from vocab.settings import Settings

log = logging.getLogger("lexwatch.run")
Fetch = Callable[[list[Plan]], Awaitable[dict[int, Outcome]]]


@dataclass(frozen=True)
class Report:
    """One line of a crawl pass: what happened to one source."""

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


async def crawl_here(engine: Engine, settings: Settings, sources: Sequence[Source]) -> list[Report]:
    """Crawl these sources in this process, in one crawler, and record everything."""
    return await crawl_with(
        engine, settings, sources, lambda plans: crawl(plans, engine=engine, settings=settings)
    )


async def crawl_with(
    engine: Engine, settings: Settings, sources: Sequence[Source], fetch: Fetch
) -> list[Report]:
    """Fetch these sources with `fetch` (plans to their outcomes), then record everything.

    A worker passes a fetch through its warm crawler that holds the host's lock
    only while fetching (pipeline/warm.py); `crawl_here` a fresh crawler.
    """
    if not sources:
        return []
    started = time.monotonic()
    run_ids, plans = _begin(engine, settings, sources)
    outcomes = await fetch(plans)
    by_id = {source.id: source for source in sources}  # a scan per outcome was quadratic
    ordered = sorted(outcomes.values(), key=lambda o: _eu_first(by_id[o.plan.source_id]))
    since = dict.fromkeys(run_ids, started)
    return await in_daemon_thread(_process_all, engine, settings, ordered, run_ids, since)


def begin(
    engine: Engine, settings: Settings, source_ids: Sequence[int]
) -> dict[int, tuple[int, Plan]]:
    """A run and a plan for each of these sources still there and enabled: id -> (run id, plan).

    One transaction for all of them (the service starts the sources due together this way).
    """
    with session_scope(engine) as session:
        sources = repo.sources_by_id(session, source_ids=source_ids, enabled_only=True)
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


def _begin(
    engine: Engine, settings: Settings, sources: Sequence[Source]
) -> tuple[dict[int, int], list[Plan]]:
    with session_scope(engine) as session:
        run_ids = repo.start_runs(session, sources=sources)
        plans = repo.plans(session, sources=sources, secrets=settings.secrets())
    return run_ids, plans


def _eu_first(source: Source) -> tuple:
    return (source.jurisdiction not in ("", "EU"), source.name)


def _process_all(
    engine: Engine,
    settings: Settings,
    outcomes: list[Outcome],
    run_ids: dict[int, int],
    started: dict[int, float],
) -> list[Report]:
    results = [(outcome, process(engine, outcome)) for outcome in outcomes]
    _finish(
        engine,
        outcomes,
        [(run_ids[o.plan.source_id], r) for o, r in results],
        settings.failing_after,
    )
    now = time.monotonic()
    reports = [
        _report(outcome, result, now - started[outcome.plan.source_id])
        for outcome, result in results
    ]
    for report in reports:
        log.info(report.line())
    return reports


def _finish(engine: Engine, outcomes: list[Outcome], results: list, failing_after: int) -> None:
    """Close every run of the pass and note the unchanged URLs, in one transaction.

    Sources' health is a read-modify-write another process may share: the
    transaction locks them and runs again after a collision.
    """
    seen = [entry for outcome in outcomes for entry in outcome.seen]

    def work(session: Session) -> None:
        repo.touch_snapshots(session, seen=seen)
        health.finish_runs(session, results=results, failing_after=failing_after)

    in_transaction(engine, work)


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


def process(engine: Engine, outcome: Outcome) -> repo.RunResult:
    """Decide what one source's crawl means and store it; never raises, whatever went wrong."""
    counts = {
        "fetched": len(outcome.fetched),
        "unchanged": outcome.unchanged,
        "bytes_received": outcome.bytes_received,
    }
    try:
        status, errors, error, changes = _judge(engine, outcome)
    except Exception as exc:  # the last guard: a bug outside the named steps
        log.error("%s: processing failed", outcome.plan.name, exc_info=exc)
        status, errors, error, changes = "broken", 1, describe_bug("processing", exc), 0
    error = redact(error)[:2000]  # recorded on the run and the source, shown everywhere
    return repo.RunResult(status, errors=errors, error=error, changes=changes, **counts)


def _judge(engine: Engine, outcome: Outcome) -> tuple[str, int, str, int]:
    """(status, errors, reason, changes) of one source's crawl."""
    if outcome.skipped:
        return "skipped", 0, outcome.skipped, 0
    if outcome.faults:
        return "broken", len(outcome.faults), "; ".join(outcome.faults), 0
    if outcome.blocked:  # a challenge is not the page: neither a parse error nor a change
        return "blocked", 1, str(outcome.blocked), 0
    errors = outcome.errors + _unanswered(outcome)
    if errors:
        return "error", len(errors), "; ".join(errors), 0
    try:
        status, changes = _parse_and_store(engine, outcome)
    except ParseError as exc:
        return "parse_error", 1, str(exc), 0
    except Blocked as exc:  # a bot wall: the site is fine, the fetch was turned away
        return "blocked", 1, str(exc), 0
    except Fault as exc:
        return "broken", 1, str(exc), 0
    except SourceError as exc:
        return "error", 1, str(exc), 0
    except SQLAlchemyError as exc:  # e.g. the database went away: this source's run failed
        log.error("%s: storing failed", outcome.plan.name, exc_info=exc)
        return "error", 1, f"database: {exc}", 0
    return status, 0, "", changes


def _unanswered(outcome: Outcome) -> list[str]:
    answered = {f.url for f in outcome.fetched}  # stored URLs are redacted ones
    missing = [url for url in outcome.requested if redact(url) not in answered]
    return [
        f"no answer from {url} before the crawl ended (time limit)"
        for url in missing[:3]
        if not outcome.errors
    ]


def _parse_and_store(engine: Engine, outcome: Outcome) -> tuple[str, int]:
    if outcome.plan.has_version and not outcome.changed:
        return "not_modified", 0  # a 304 costs no parsing, and no database read either
    with session_scope(engine) as session:
        responses = stored_responses(session, outcome)
        previous = previous_record(session, outcome.plan)
    record = parse_responses(outcome.plan, responses, previous)
    return in_transaction(engine, lambda session: _store(session, outcome, record))


def _store(session: Session, outcome: Outcome, record: Record) -> tuple[str, int]:
    source = repo.lock_source(session, source_id=outcome.plan.source_id)
    with step("storing the new version", outcome.plan):
        result = store_record(session, source=source, record=record, plan=outcome.plan)
    repo.mark_parsed(session, source_id=source.id, urls=[f.url for f in outcome.fetched])
    return result


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
    errors = outcome.errors + _unanswered(outcome)
    if errors:
        raise FetchError(redact("; ".join(errors)))
    return parse_responses(plan, responses_of(outcome))
