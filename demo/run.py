"""`lexwatch demo`: Lexwatch end to end, offline, on a fresh database in <data_dir>/demo.

A replay server on 127.0.0.1 answers the real URLs of the demo's sources with
real captures. Lexwatch crawls them, the replay moves several files one step on
(each earlier state built from the real page, see demo.states), Lexwatch crawls
again, writes the weekly digest to the outbox and starts the web app.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crawlers.sites import SITES
from crawlers.sourcespec import SourceSpec, to_source
from db import repo
from db.engine import get_engine, session_scope
from demo import states
from demo.catalogue import CATALOGUE, DemoSource, capture
from demo.replay import ReplayServer, Reply
from monitor import schedule
from pipeline.run import Report
from pipeline.startup import seed_once
from vocab.fetch import Target
from vocab.settings import Settings

Say = Callable[[str], None]


@dataclass(frozen=True)
class DemoResult:
    """Where the demo left its data, and what it found."""

    settings: Settings
    data_dir: Path
    database: str
    outbox: Path
    first: list[Report]
    second: list[Report]
    digests: list
    admin_password: str
    replay: ReplayServer | None = None  # still answering, for the web app's "Test before saving"


def demo_settings(base: Settings, replay_url: str) -> Settings:
    """The demo's own settings: a fresh folder, the replay server, the outbox, no defaults."""
    folder = base.data_dir / "demo"
    return base.model_copy(
        update={
            "data_dir": folder,
            "database_url": "",
            "replay_url": replay_url,
            "smtp_url": "",
            "outbox_dir": folder / "outbox",
            "seed_defaults": False,
            "autothrottle": False,
            # Production's setting: the guard lets the replay server through by name.
            "allow_private_targets": False,
            "congress_api_key": "DEMO_KEY",
        }
    )


def routes(later: bool) -> dict[str, Reply]:
    """The replay server's answers: each source's capture, or its earlier state."""
    answers = {}
    for entry in CATALOGUE:
        body, label = _body(entry, later)
        for request in SITES[entry.kind].requests(Target(entry.url, entry.params, {})):
            answers[request.url] = Reply(body, entry.content_type, label)
    return answers


def _body(entry: DemoSource, later: bool) -> tuple[bytes, str]:
    real = capture(entry)
    if later or not entry.earlier:
        return real, f"real capture {entry.capture}"
    return getattr(states, entry.earlier)(real), states.LABELS[entry.earlier]


def add_sources(engine: Engine) -> None:
    """The demo's sources, as an admin would add them."""
    with session_scope(engine) as session:
        for entry in CATALOGUE:
            spec = SourceSpec(
                entry.kind, entry.url, entry.name, entry.jurisdiction, "1d", params=entry.params
            )
            repo.add_source(session, source=to_source(spec, default_every="1d", allow_private=True))


def crawl_all(engine: Engine, settings: Settings) -> list[Report]:
    """One crawl pass over every demo source."""
    from crawlers import reactor
    from pipeline.passes import crawl_pass

    with session_scope(engine) as session:
        sources = repo.source_keys(session)
    return reactor.run_coroutine(crawl_pass(engine, settings, sources), timeout=120)


def prepare(base: Settings, replay: ReplayServer, say: Say) -> tuple[Settings, Engine]:
    """A fresh demo folder and database, with the demo's sources."""
    settings = demo_settings(base, replay.url)
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    engine = get_engine(settings.db_url)
    seed_once(engine, settings)  # records "declined": later commands never add the defaults
    add_sources(engine)
    say(f"Demo database: {settings.db_url} ({len(CATALOGUE)} sources, answered by {replay.url})")
    return settings, engine


def run_crawls(
    engine: Engine, settings: Settings, replay: ReplayServer, say: Say
) -> tuple[list, list]:
    """Crawl the files as they stood, move them on, crawl again."""
    replay.serve(routes(later=False))
    first = crawl_all(engine, settings)
    say(f"First crawl: {len(first)} sources, {sum(r.errors for r in first)} errors")
    replay.serve(routes(later=True))
    second = crawl_all(engine, settings)
    say(f"Second crawl: {sum(r.changes for r in second)} changes found")
    return first, second


DEMO_READER = "policy.officer@example.org"  # follows the CSA regulation, as out of the box
DEMO_ANALYST = "eu.analyst@example.org"  # follows the demo's other files
DEMO_ADMIN = "admin@demo.lexwatch.invalid"


def demo_watch() -> Any:
    """A watch on the demo's EU files and the gazette, next to the seeded CSA watch."""
    from digests.watches import new_watch

    references = ["2022/2852(RSP)", "2024/2006(REG)", "2021/0106(COD)"]
    return new_watch(
        "demo-files",
        terms=["Magyar Közlöny"],
        references=references,
        jurisdictions=[],
        min_significance="minor",
    )


def add_people(engine: Engine) -> str:
    """The two readers of digests, and an admin for the web app; the admin's password.

    The policy officer follows only the CSA regulation (the seeded watch), so their
    digest tells that file's story; the analyst follows the demo's other files.
    """
    from digests import watches
    from web.auth import create_user

    password = secrets.token_urlsafe(12)
    with session_scope(engine) as session:
        watches.seed(session)
        readers = {
            (DEMO_READER, "Policy officer"): repo.find_watch(session, name="csa-regulation"),
            (DEMO_ANALYST, "EU analyst"): repo.add_watch(session, watch=demo_watch()),
        }
        for (email, name), watch in readers.items():
            reader, _new = repo.upsert_subscriber(session, email=email, name=name)
            repo.subscribe(session, subscriber=reader, watches=[watch])
        create_user(session, email=DEMO_ADMIN, password=password, role="admin")
    return password


def next_send_time(now: datetime, timezone: str) -> datetime:
    """Just after the next digest time (Monday 07:00): when this week's changes go out."""
    last = schedule.last_digest_time(now, timezone)
    return schedule.moment_weeks_before(last, -1) + timedelta(minutes=1)


def write_digest(engine: Engine, settings: Settings, say: Say) -> list:
    """This week's digest, as it will go out on Monday, written to the outbox."""
    from digests.send import send_due

    results = send_due(engine, settings, next_send_time(datetime.now(UTC), settings.timezone))
    say(
        f"Weekly digests for {DEMO_READER} and {DEMO_ANALYST} written to the outbox: {settings.outbox}"
    )
    return results


def run_demo(base: Settings, say: Say, *, keep_replay: bool = False) -> DemoResult:
    """The whole demo but the web app. The replay server is closed when it ends, unless it is
    kept for the web app (`keep_replay`): then serve_demo closes it."""
    replay = ReplayServer()
    try:
        settings, engine = prepare(base, replay, say)
        first, second = run_crawls(engine, settings, replay, say)
        password = add_people(engine)
        digests = write_digest(engine, settings, say)
    except BaseException:
        replay.close()
        raise
    if not keep_replay:
        replay.close()
    return DemoResult(
        settings,
        settings.data_dir,
        settings.db_url,
        settings.outbox,
        first,
        second,
        digests,
        password,
        replay if keep_replay else None,
    )


def serve_demo(result: DemoResult, port: int, say: Say) -> None:
    """The web app on the demo's database, until Ctrl-C; the replay server answers meanwhile,
    so an admin's "Test before saving" reads the demo's sources as the crawls did."""
    from web.serve import serve

    say(
        f"Web app: http://127.0.0.1:{port}/  sign in as {DEMO_ADMIN}, password {result.admin_password} (Ctrl-C stops)"
    )
    try:
        serve(result.settings, "127.0.0.1", port, prepare=lambda: None)
    finally:
        if result.replay is not None:
            result.replay.close()
