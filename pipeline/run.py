"""Drive one crawl pass: crawl, then for each source parse, version, diff, classify and store.

Each source is handled on its own and in its own transaction: a failure is
recorded on its CrawlRun and its health, and the pass goes on. A new Version
and its Changes are written in one transaction, so a crash never leaves one
without the other. That transaction holds the source's row lock and starts
again after a collision with another process (db.retry), so two processes
crawling one source never both diff against the same previous Version: the
second finds the first's Version and, if equal, calls it unchanged.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from crawlers.crawl import CrawlService, crawl
from crawlers.reactor import in_daemon_thread
from crawlers.sites import SITES
from db import repo
from db.engine import session_scope
from db.models import Document, Dossier, Event, Source, Version, utcnow
from db.retry import in_transaction
from monitor import link
from monitor.classify import classify_all
from monitor.diff import Seen, diff_records, document_key, event_key
from monitor.fingerprint import fingerprint
from monitor.health import SUCCEEDED  # any other status but skipped failed
from monitor.normalise import normalise
from pipeline import health
from vocab.errors import (
    Blocked,
    Fault,
    FetchError,
    LexwatchError,
    MissingKey,
    ParseError,
    SourceError,
    describe_bug,
)
from vocab.fetch import Outcome, Plan, Response
from vocab.records import Record, record_from_json, record_to_json
from vocab.redact import redact
from vocab.settings import Settings

log = logging.getLogger("lexwatch.run")


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
    if not sources:
        return []
    started = time.monotonic()
    run_ids, plans = _begin(engine, settings, sources)
    outcomes = await crawl(plans, engine=engine, settings=settings)
    by_id = {source.id: source for source in sources}  # a scan per outcome was quadratic
    ordered = sorted(outcomes.values(), key=lambda o: _eu_first(by_id[o.plan.source_id]))
    return await in_daemon_thread(_process_all, engine, settings, ordered, run_ids, started)


async def crawl_one(
    service: CrawlService, engine: Engine, settings: Settings, source: Source
) -> Report:
    """Crawl one source through a running crawler and record it (the scheduler's unit of work)."""
    started = time.monotonic()
    run_ids, plans = _begin(engine, settings, [source])
    outcome = await service.fetch(plans[0])
    reports = await in_daemon_thread(_process_all, engine, settings, [outcome], run_ids, started)
    return reports[0]


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
    started: float,
) -> list[Report]:
    results = [(outcome, process(engine, outcome)) for outcome in outcomes]
    _finish(
        engine,
        outcomes,
        [(run_ids[o.plan.source_id], r) for o, r in results],
        settings.failing_after,
    )
    reports = [_report(outcome, result, time.monotonic() - started) for outcome, result in results]
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
        responses = _responses(session, outcome)
        previous = _previous_record(session, outcome.plan)
    record = parse_responses(outcome.plan, responses, previous)
    return in_transaction(engine, lambda session: _store(session, outcome, record))


def _previous_record(session: Session, plan: Plan) -> Record | None:
    """The last good record, for the kinds whose parser judges a body against it (feeds)."""
    if not _wants_previous(SITES[plan.kind].parse) or not plan.has_version:
        return None
    version = repo.latest_version(session, source_id=plan.source_id)
    return record_from_json(version.record) if version else None


def parse_responses(
    plan: Plan, responses: list[Response], previous: Record | None = None
) -> Record:
    """The site module's record of these responses, normalised; a bug in it is a Fault."""
    parse = SITES[plan.kind].parse
    extra = {"previous": previous} if _wants_previous(parse) else {}
    with step(f"the {plan.kind} parser", plan):
        return normalise(parse(responses, plan.target.params, **extra))


def _wants_previous(parse: Any) -> bool:
    """A parser that judges a body against the last good record says so by taking `previous`."""
    return "previous" in inspect.signature(parse).parameters


@contextmanager
def step(what: str, plan: Plan) -> Iterator[None]:
    """Turn an unexpected exception of one step into a Fault that names it; logged once.

    Deliberate errors (a ParseError, a database error) pass through as they are.
    """
    try:
        yield
    except (LexwatchError, SQLAlchemyError):
        raise
    except Exception as exc:
        log.error("%s: %s failed", plan.name, what, exc_info=exc)
        raise Fault(describe_bug(what, exc, report=_reproduce(plan))) from exc


def _reproduce(plan: Plan) -> str:
    url = f" --url {plan.target.url}" if plan.target.url else ""
    params = "".join(f" --param {k}={v}" for k, v in plan.target.params.items())
    return f"lexwatch sources test --kind {plan.kind}{url}{params}"


def _store(session: Session, outcome: Outcome, record: Record) -> tuple[str, int]:
    source = repo.lock_source(session, source_id=outcome.plan.source_id)
    with step("storing the new version", outcome.plan):
        result = store_record(session, source=source, record=record, plan=outcome.plan)
    repo.mark_parsed(session, source_id=source.id, urls=[f.url for f in outcome.fetched])
    return result


def _responses(session: Session | None, outcome: Outcome) -> list[Response]:
    order = [redact(url) for url in outcome.requested]  # as the fetched URLs are stored
    fetched = sorted(
        outcome.fetched, key=lambda f: order.index(f.url) if f.url in order else len(order)
    )
    return [
        Response(
            f.url,
            _body(session, outcome, f.sha256),
            f.status,
            {"content-type": f.content_type},
            f.role,
        )
        for f in fetched
    ]


def responses_of(outcome: Outcome) -> list[Response]:
    """The responses of a crawl that stored nothing (a dry run), in the order they were asked."""
    return _responses(None, outcome)


def _body(session: Session | None, outcome: Outcome, sha256: str) -> bytes:
    if sha256 in outcome.bodies:
        return outcome.bodies[sha256]
    return (repo.body(session, sha256=sha256) if session else None) or b""


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


def store_record(
    session: Session, *, source: Source, record: Record, plan: Plan | None = None
) -> tuple[str, int]:
    """Store a parsed record as the source's next Version with its Changes, if it differs."""
    previous = repo.latest_version(session, source_id=source.id)
    mark = fingerprint(record)
    if previous is not None and previous.fingerprint == mark:
        return "unchanged", 0
    seen = _stage_seen(session, source, previous, record)  # before the new version is stored
    dossier = place(session, source=source, record=record)
    version = repo.add_version(
        session,
        source_id=source.id,
        dossier_id=dossier.id,
        fingerprint=mark,
        record=record_to_json(record),
        text=record.text,
    )
    specs = _changes(previous, record, plan, seen) if previous else []
    repo.add_changes(session, version=version, previous=previous, specs=specs)
    _add_timeline(session, dossier=dossier, source=source, record=record)
    return ("changed" if specs else "ok"), len(specs)


def _stage_seen(session: Session, source: Source, previous: Version | None, record: Record) -> Seen:
    """The source's stage history, read only when the stage changes (it damps flip-flops)."""
    if previous is None or (previous.record or {}).get("stage", "") == record.stage:
        return Seen()
    return Seen(tuple(repo.stage_history(session, source_id=source.id)), utcnow())


def _changes(previous: Version, record: Record, plan: Plan | None, seen: Seen) -> list:
    """The classified differences from the previous version; a bug here is a Fault."""
    if plan is None:
        return classify_all(diff_records(record_from_json(previous.record), record, seen=seen))
    with step("comparing with the last version", plan):
        return classify_all(diff_records(record_from_json(previous.record), record, seen=seen))


def place(session: Session, *, source: Source, record: Record) -> Dossier:
    """The file a source's version belongs to; the files it cites are linked, never joined.

    A record that names its file (a key) is that file, or the file it is already
    known as under another key (a Zaak and its motion). A record that names none
    (a watched page, a feed) is a file of its own: a press feed citing
    2022/0155(COD) is linked to that procedure, not filed under it.
    """
    home = link.jurisdiction(record.key, source.jurisdiction or "EU")
    if record.key:
        dossier = _known_as(session, record, home)
        key, own = (dossier.key if dossier else record.key), link.own_identifiers(record, home)
    else:
        key, own = link.fallback_key(source.name), []
    dossier = repo.ensure_dossier(
        session, key=key, title=record.title, jurisdiction=home, stage=record.stage
    )
    repo.add_identifiers(session, dossier=dossier, pairs=own)
    _link_citations(session, dossier=dossier, record=record, home=home)
    return dossier


def _known_as(session: Session, record: Record, home: str) -> Dossier | None:
    """The file a keyed record names: by its key, else by an identifier that names one file only."""
    dossier = repo.dossier_by_key(session, key=record.key)
    if dossier is None:
        candidates = link.join_candidates(link.own_identifiers(record, home), strong_only=True)
        dossier = repo.dossier_by_identifier(session, pairs=candidates)
    return dossier


def _link_citations(session: Session, *, dossier: Dossier, record: Record, home: str) -> None:
    for scheme, value in link.citations(record, home):
        cited = repo.dossier_by_identifier(session, pairs=[(scheme, value)])
        if cited is None and scheme == "procedure":
            cited = _stub(session, value)  # not crawled yet: the link must not wait for it
        if cited is not None and cited.id != dossier.id:
            repo.link_dossiers(
                session, from_id=dossier.id, to_id=cited.id, relation="cites", via=value
            )


def _stub(session: Session, procedure: str) -> Dossier:
    """The EU file a record cites, known so far only by its reference; its sources fill it in.

    Its title is the shipped one for the files Lexwatch watches out of the box.
    """
    dossier = repo.ensure_dossier(
        session,
        key=f"EU:{procedure}",
        title=link.KNOWN_TITLES.get(procedure, ""),
        jurisdiction="EU",
        stage="",
    )
    repo.add_identifiers(session, dossier=dossier, pairs=[("procedure", procedure)])
    return dossier


def _add_timeline(session: Session, *, dossier: Dossier, source: Source, record: Record) -> None:
    events = [
        Event(
            dossier_id=dossier.id,
            source_id=source.id,
            dedupe_key=repr(event_key(e)),
            date=e.date,
            title=e.title,
            kind=e.kind,
            reference=e.reference,
            url=e.url,
            origin=e.source,
            forecast=e.forecast,
        )
        for e in record.events
    ]
    documents = [
        Document(
            dossier_id=dossier.id,
            source_id=source.id,
            dedupe_key=repr(document_key(d)),
            title=d.title,
            reference=d.reference,
            date=d.date,
            url=d.url,
            kind=d.kind,
        )
        for d in record.documents
    ]
    repo.add_timeline(
        session, dossier_id=dossier.id, source_id=source.id, events=events, documents=documents
    )
