"""Alerts end to end: a real OEIL capture crawled by the scheduler, told to a webhook and by email.

The page is served on 127.0.0.1 first as it was before the plenary decision
(built from the real capture by demo.states, and said so), then as captured:
the crawl finds the stage change and the new key event, both major. The
channels are apprise URLs to a local webhook receiver and a local SMTP server.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from crawlers import reactor
from db import repo
from db.engine import get_engine, session_scope
from db.models import Alert, Source
from demo.states import oeil_before_plenary_decision
from pipeline.alerts import deliver
from scheduler.daemon import Daemon
from tests.digests.webhook import Webhook, closed_port
from tests.helpers import FIXTURES
from web import board

OEIL_RSP = (FIXTURES / "eu_oeil" / "new-procedure-file_2022-2852-RSP.html").read_text("utf-8")
OEIL_PATH = "/oeil/en/procedure-file?reference=2022/2852(RSP)"
KEY = "EU:2022/2852(RSP)"
SECRET = "hunter2-very-secret"


@pytest.fixture
def hook():
    receiver = Webhook()
    yield receiver
    receiver.close()


def _mailto(server) -> str:
    port = server.controller.port
    return f"mailto://127.0.0.1:{port}?from=alerts@lexwatch.example.org&to=team@example.org"


def _watch(lexwatch, *args: str, name: str = "rsp") -> None:
    result = lexwatch("watches", "add", name, "--reference", "2022/2852(RSP)", *args)
    assert result.code == 0, result.err


def _source(lexwatch, site) -> None:
    site.serve(OEIL_PATH, oeil_before_plenary_decision(OEIL_RSP))
    added = lexwatch(
        "sources",
        "add",
        "--kind",
        "eu_oeil",
        "--url",
        site.url(OEIL_PATH),
        "--name",
        "oeil",
        "--every",
        "1h",
    )
    assert added.code == 0, added.err


def _cycles(settings, count: int, between) -> None:
    """Start the scheduler in this process; crawl the source `count` times, `between` before each."""

    async def scenario() -> None:
        daemon = Daemon(get_engine(settings.db_url), settings)
        await daemon.start()  # a source never crawled is crawled at once
        for _ in range(count + 1):
            await asyncio.sleep(0.05)
            await asyncio.gather(*list(daemon.crawls.values()))
            between()
            daemon.queue(_source_id(settings))
        await daemon.stop()

    reactor.run_coroutine(scenario(), timeout=90)


def _source_id(settings) -> int:
    with session_scope(get_engine(settings.db_url)) as session:
        return session.exec(select(Source)).one().id


def _alerts(settings) -> list[Alert]:
    with session_scope(get_engine(settings.db_url)) as session:
        return list(session.exec(select(Alert).order_by(Alert.id)))


def test_a_major_change_reaches_the_webhook_and_the_mailbox_in_the_crawls_cycle(
    site, lexwatch, settings, smtp, hook
) -> None:
    config, mail = settings(), smtp()
    _source(lexwatch, site)
    _watch(lexwatch, "--alert", hook.url, "--alert", _mailto(mail))
    served = iter([OEIL_RSP, OEIL_RSP])
    _cycles(config, 2, lambda: site.serve(OEIL_PATH, next(served, OEIL_RSP)))

    assert len(hook.received) == 1 and len(mail.handler.received) == 1  # the second crawl: none
    body = hook.received[0]["message"]
    assert "Stage changed from 'Awaiting plenary debate/vote' to 'Procedure completed'" in body
    assert "New event: Decision by Parliament (2022-10-18)" in body
    assert "Stage now: Procedure completed" in body
    assert f"On Lexwatch: {config.base_url}/files/{KEY}#change-" in body
    assert f"Official page: https://oeil.europarl.europa.eu{OEIL_PATH}" in body
    _names_no_key(body)
    email = mail.handler.received[0].message()
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert email["To"] == "team@example.org" and "Stage now: Procedure completed" in text
    assert [a.status for a in _alerts(config)] == ["sent"] * 4  # 2 changes x 2 channels


def _names_no_key(body: str) -> None:
    """The file is named by its title; its key appears only inside the link to its page."""
    text = "\n".join(line for line in body.splitlines() if not line.startswith("On Lexwatch:"))
    assert KEY not in text and "2852" not in text.split("\n")[0]


def _changes(lexwatch, site) -> None:
    """Crawl the page before and after the plenary decision: two major changes."""
    _source(lexwatch, site)
    assert lexwatch("crawl").code == 0
    site.serve(OEIL_PATH, OEIL_RSP)
    assert lexwatch("crawl").code == 0


def test_a_failing_channel_is_retried_shown_on_the_board_and_blocks_no_other(
    site, lexwatch, settings, hook
) -> None:
    config = settings()
    broken = f"json://alerts:{SECRET}@127.0.0.1:{closed_port()}/hook"
    _watch(lexwatch, "--alert", broken, "--alert", hook.url)
    _changes(lexwatch, site)
    now = datetime.now(UTC)
    engine = get_engine(config.db_url)

    first = {r.channel.split("/")[2]: r.status for r in deliver(engine, config, now)}
    assert sorted(first.values()) == ["pending", "sent"] and len(hook.received) == 1
    assert deliver(engine, config, now + timedelta(seconds=30)) == []  # not due yet
    again = deliver(engine, config, now + timedelta(minutes=2))
    assert [(r.status, r.changes) for r in again] == [("pending", 2)]  # tried again, both batched
    with session_scope(engine) as session:
        [(channel, watch)] = repo.failing_channels(session)
    assert watch == "rsp" and channel.failures == 2 and channel.last_error
    assert SECRET not in channel.last_error
    with session_scope(engine) as session:
        [shown] = board.failing_channels(session)  # what the admin's health board lists
    assert shown["watch"] == "rsp" and shown["channel"].startswith("json://127.0.0.1:")
    assert SECRET not in str(shown)
    later = now
    for _ in range(6):
        later += timedelta(hours=5)
        deliver(engine, config, later)
    failed = [a for a in _alerts(config) if a.status != "sent"]
    assert {(a.status, a.attempts) for a in failed} == {("given_up", 6)}
    assert all(a.error and SECRET not in a.error for a in failed)
    listed = lexwatch("alerts", "list")
    assert "given_up" in listed.out and SECRET not in listed.out + listed.err
    assert len(hook.received) == 1  # the working channel was told once, never again


def test_quiet_hours_hold_alerts_until_they_end(site, lexwatch, settings, hook) -> None:
    config = settings()
    now = datetime.now(UTC)
    local = now.astimezone(__import__("zoneinfo").ZoneInfo(config.timezone))
    quiet = f"{local.hour}-{(local.hour + 2) % 24}"
    _watch(lexwatch, "--alert", hook.url, "--quiet-hours", quiet)
    _changes(lexwatch, site)
    engine = get_engine(config.db_url)

    assert deliver(engine, config, now) == [] and hook.received == []
    assert {a.status for a in _alerts(config)} == {"pending"}
    sent = deliver(engine, config, now + timedelta(hours=2))
    assert [(r.status, r.changes) for r in sent] == [("sent", 2)] and len(hook.received) == 1


def test_changes_below_the_alert_threshold_send_nothing(site, lexwatch, settings, hook) -> None:
    config = settings()
    _watch(lexwatch, "--alert", hook.url, name="major-only")
    page = "<html><body><h1>2022/2852(RSP)</h1><p>{}</p></body></html>"
    site.serve("/note.html", page.format("First wording of the note."))
    added = lexwatch(
        "sources", "add", "--kind", "page", "--url", site.url("/note.html"), "--name", "note"
    )
    assert added.code == 0, added.err
    assert lexwatch("crawl").code == 0
    site.serve("/note.html", page.format("Second wording of the note."))
    assert lexwatch("crawl").code == 0
    changes = lexwatch("changes", "--format", "json").json()
    assert changes and {c["significance"] for c in changes} <= {"minor", "notable"}

    assert deliver(get_engine(config.db_url), config, datetime.now(UTC)) == []
    assert hook.received == [] and _alerts(config) == []
