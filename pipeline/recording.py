"""Recording a batch of crawls: judge each, parse what is new, store it all in one transaction.

A batch reads what it needs in one short session (the bodies not in memory, the
last record of a kind whose parser wants it), parses outside any transaction,
then stores every new record and closes every run in one transaction. Each
source's store is a SAVEPOINT of its own: a failure rolls back that source only,
and it is recorded on its run and health while the others go on. The
transaction locks the batch's sources first (in id order) and starts again
after a collision with another process (db.retry), so two processes crawling one
source never both diff against the same previous Version: the second finds the
first's Version and, if equal, calls it unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session

from db import repo
from db.engine import session_scope
from db.models import Source
from db.retry import in_transaction, is_conflict
from pipeline import health
from pipeline.lookups import Lookups, look_up
from pipeline.parse import missing_bodies, ordered_responses, parse_responses, previous_record
from pipeline.steps import step
from pipeline.store import store_record
from vocab.errors import Blocked, Fault, ParseError, SourceError, describe_bug
from vocab.fetch import Outcome
from vocab.records import Record
from vocab.redact import redact

log = logging.getLogger("lexwatch.run")
BATCH = 64  # crawls per transaction: the records of a batch wait in memory to be stored
Verdict = tuple[str, int, str, int]  # status, errors, reason, changes


def record_all(
    engine: Engine, outcomes: Sequence[Outcome], run_ids: dict[int, int], failing_after: int
) -> list[repo.RunResult]:
    """Record these crawls, BATCH at a time: one result each, in their order; never raises for one."""
    results: list[repo.RunResult] = []
    for start in range(0, len(outcomes), BATCH):
        batch = outcomes[start : start + BATCH]
        results += _record_batch(engine, batch, run_ids, failing_after)
    return results


def _record_batch(
    engine: Engine, outcomes: Sequence[Outcome], run_ids: dict[int, int], failing_after: int
) -> list[repo.RunResult]:
    verdicts = [_before_parsing(outcome) for outcome in outcomes]
    parsed = _parse_all(engine, [o for o, v in zip(outcomes, verdicts, strict=True) if v is None])
    judged = iter(parsed)
    pending = [v if v is not None else next(judged) for v in verdicts]

    def work(session: Session) -> list[repo.RunResult]:
        results = _store_all(session, outcomes, pending)
        repo.touch_snapshots(session, seen=[entry for o in outcomes for entry in o.seen])
        ran = [(run_ids[o.plan.source_id], r) for o, r in zip(outcomes, results, strict=True)]
        health.finish_runs(session, results=ran, failing_after=failing_after)
        return results

    return in_transaction(engine, work)


def needs_parsing(outcome: Outcome) -> bool:
    """Whether recording this crawl parses its answers (a 304 or a failed fetch does not)."""
    return _before_parsing(outcome) is None


def _before_parsing(outcome: Outcome) -> Verdict | None:
    """The verdict of a crawl that needs no parsing; None when its answers are to be parsed."""
    if outcome.skipped:
        return "skipped", 0, outcome.skipped, 0
    if outcome.faults:
        return "broken", len(outcome.faults), "; ".join(outcome.faults), 0
    if outcome.blocked:  # a challenge is not the page: neither a parse error nor a change
        return "blocked", 1, str(outcome.blocked), 0
    errors = outcome.errors + unanswered(outcome)
    if errors:
        return "error", len(errors), "; ".join(errors), 0
    if outcome.plan.has_version and not outcome.changed:
        return "not_modified", 0, "", 0  # a 304 costs no parsing, and no database read either
    return None


def unanswered(outcome: Outcome) -> list[str]:
    """An error for each URL asked that got no answer before the crawl ended (three at most)."""
    answered = {f.url for f in outcome.fetched}  # stored URLs are redacted ones
    missing = [url for url in outcome.requested if redact(url) not in answered]
    return [
        f"no answer from {url} before the crawl ended (time limit)"
        for url in missing[:3]
        if not outcome.errors
    ]


def _parse_all(engine: Engine, outcomes: list[Outcome]) -> list[Record | Verdict]:
    """Each crawl's record, or the verdict of why there is none; one read for them all."""
    if not outcomes:
        return []
    try:
        with session_scope(engine) as session:
            bodies = repo.bodies(session, sha256s=[s for o in outcomes for s in missing_bodies(o)])
            previous = [_previous(session, o) for o in outcomes]
    except SQLAlchemyError as exc:  # e.g. the database went away: these runs failed
        log.error("reading the stored bodies failed", exc_info=exc)
        return [("error", 1, f"database: {exc}", 0) for _ in outcomes]
    return [
        before if isinstance(before, tuple) else _parse(o, bodies, before)
        for o, before in zip(outcomes, previous, strict=True)
    ]


def _previous(session: Session, outcome: Outcome) -> Record | Verdict | None:
    """The source's last good record, or the verdict of why it could not be read (its own)."""
    try:
        return previous_record(session, outcome.plan)
    except SQLAlchemyError:
        raise  # the database itself: every run of the batch learns it
    except Exception as exc:  # e.g. a stored record that no longer reads: this source alone
        return verdict_of(outcome, exc)


def _parse(outcome: Outcome, bodies: dict[str, bytes], previous: Record | None) -> Record | Verdict:
    try:
        return parse_responses(outcome.plan, ordered_responses(outcome, bodies), previous)
    except Exception as exc:
        return verdict_of(outcome, exc)


def _store_all(
    session: Session, outcomes: Sequence[Outcome], pending: list[Record | Verdict]
) -> list[repo.RunResult]:
    """Store each parsed record in a SAVEPOINT of its own; the results of every crawl."""
    todo = [(o, p) for o, p in zip(outcomes, pending, strict=True) if isinstance(p, Record)]
    if not todo:  # a pass of 304s: nothing to lock or look up
        return [result_of(o, v) for o, v in zip(outcomes, pending, strict=True)]  # type: ignore[arg-type]
    ids = sorted({o.plan.source_id for o, _ in todo})
    sources = {source.id: source for source in repo.lock_sources(session, ids)}
    stored = [(sources[o.plan.source_id], r) for o, r in todo if o.plan.source_id in sources]
    known = look_up(session, stored)
    verdicts = [
        p if not isinstance(p, Record) else _store_one(session, o, p, sources, known)
        for o, p in zip(outcomes, pending, strict=True)
    ]
    return [result_of(o, v) for o, v in zip(outcomes, verdicts, strict=True)]


def _store_one(
    session: Session, outcome: Outcome, record: Record, sources: dict[int, Source], known: Lookups
) -> Verdict:
    source = sources.get(outcome.plan.source_id)
    if source is None:
        return "error", 1, "the source was removed while it was crawled", 0
    try:
        with session.begin_nested():
            return _store(session, outcome, record, source, known)
    except DBAPIError as exc:
        if is_conflict(exc):
            raise  # the whole transaction starts again, reading what the other process wrote
        return verdict_of(outcome, exc)
    except Exception as exc:
        return verdict_of(outcome, exc)


def _store(
    session: Session, outcome: Outcome, record: Record, source: Source, known: Lookups
) -> Verdict:
    with step("storing the new version", outcome.plan):
        status, changes = store_record(
            session, source=source, record=record, plan=outcome.plan, known=known
        )
    made = status != "unchanged"  # a new version: the bodies it came from are kept
    repo.mark_parsed(
        session, source_id=source.id, urls=[f.url for f in outcome.fetched], versioned=made
    )
    # A body before a new one that made no version (a clock or a session id changed) is not kept.
    repo.drop_unversioned(
        session, source_id=source.id, urls=[f.url for f in outcome.fetched if f.new]
    )
    return status, 0, "", changes


def verdict_of(outcome: Outcome, exc: Exception) -> Verdict:
    """What an exception while parsing or storing means for the source's run."""
    if isinstance(exc, ParseError):
        return "parse_error", 1, str(exc), 0
    if isinstance(exc, Blocked):  # a bot wall: the site is fine, the fetch was turned away
        return "blocked", 1, str(exc), 0
    if isinstance(exc, Fault):
        return "broken", 1, str(exc), 0
    if isinstance(exc, SourceError):
        return "error", 1, str(exc), 0
    if isinstance(exc, SQLAlchemyError):  # e.g. the database went away: this source's run failed
        log.error("%s: storing failed", outcome.plan.name, exc_info=exc)
        return "error", 1, f"database: {exc}", 0
    log.error("%s: processing failed", outcome.plan.name, exc_info=exc)  # a bug outside the steps
    return "broken", 1, describe_bug("processing", exc), 0


def result_of(outcome: Outcome, verdict: Verdict) -> repo.RunResult:
    """The run's result: the verdict with the crawl's counts; the reason redacted and cut."""
    status, errors, error, changes = verdict
    return repo.RunResult(
        status,
        fetched=len(outcome.fetched),
        unchanged=outcome.unchanged,
        changes=changes,
        errors=errors,
        error=redact(error)[:2000],  # recorded on the run and the source, shown everywhere
        bytes_received=outcome.bytes_received,
    )
