"""Sources that could not be read, as a digest tells its reader.

The crawls are real: a local site on 127.0.0.1, a port where nothing listens,
a Bundestag source without its API key. A reader hears only of the sources
that feed their watches, only of what the crawl log says of the digest's
period, in plain words: no error message, no setting, no exception name.
"""

from __future__ import annotations

import mailbox
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from db import repo
from db.engine import get_engine, session_scope
from db.models import CrawlRun
from digests.select import Readings, trouble_in
from digests.watches import seed
from monitor import schedule
from tests.digests import world

LIBE = """<html><head><title>LIBE: CSA regulation</title></head><body><main>
<h1>Preventing and combating child sexual abuse, 2022/0155(COD)</h1>
<p>Status: Awaiting committee decision</p></main></body></html>"""
LEAKS = ("LEXWATCH_", "API key", "Error", "error", "HTTP", "503", "refused", "Traceback", "Gazette")
HEADING = "Sources we could not check"


def _dead_port() -> int:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _add(lexwatch, name: str, *args: str) -> None:
    added = lexwatch("sources", "add", "--name", name, "--every", "1d", *args)
    assert added.code == 0, added.err


def _sources(config, lexwatch, site, gazettes: int, dip: bool = True) -> None:
    """The LIBE page and the DIP source follow the CSA file; the gazettes are about nothing."""
    with session_scope(get_engine(config.db_url)) as session:
        seed(session)
    site.serve("/libe/csa.html", LIBE)
    _add(lexwatch, "LIBE committee page", "--kind", "page", "--url", site.url("/libe/csa.html"))
    if dip:  # no LEXWATCH_DIP_API_KEY: every run is skipped with a message naming that setting
        _add(
            lexwatch,
            "Bundestag DIP",
            "--kind",
            "de_bundestag",
            "--param",
            "kom=COM(2022) 209",
            "--param",
            "query=sexuellen Missbrauchs von Kindern",
        )
    dead = _dead_port()
    for n in range(gazettes):
        _add(lexwatch, f"Gazette {n:02}", "--kind", "page", "--url", f"http://127.0.0.1:{dead}/{n}")


def _crawl(lexwatch) -> None:
    assert lexwatch("crawl").code == 1  # some source failed, as intended


def _shift_runs(config, delta: timedelta) -> None:
    """Move the crawl log so far back in time (the crawls happened then)."""
    with session_scope(get_engine(config.db_url)) as session:
        for run in session.exec(select(CrawlRun)):
            run.started_at, run.finished_at = run.started_at + delta, run.finished_at + delta


def _last_run_day(config, name: str, zone: ZoneInfo) -> str:
    with session_scope(get_engine(config.db_url)) as session:
        source = repo.source_by_name(session, name=name)
        local = repo.last_runs(session, source_id=source.id, limit=1)[0].started_at.astimezone(zone)
    return f"{local.day} {local:%B}"


def _next_digest_time(tz: str) -> datetime:
    trigger = schedule.digest_trigger(tz)
    return trigger.get_next_fire_time(None, datetime.now(UTC)) + timedelta(minutes=1)


def _plain(text: str) -> str:
    return " ".join(text.split())


def _block(text: str) -> str:
    """The lines of the health block, on one line."""
    return _plain(text.split(HEADING, 1)[1].split("Changes on these sources", 1)[0])


def test_of_25_failing_sources_a_reader_hears_of_the_2_that_feed_their_watch(
    settings, smtp, site, lexwatch
) -> None:
    server = smtp("plain")
    config = settings(smtp_url=server.url())
    zone = ZoneInfo(config.timezone)
    _sources(config, lexwatch, site, gazettes=23)
    _crawl(lexwatch)  # the LIBE page is read; the others fail
    site.serve("/libe/csa.html", "Service unavailable", status=503)
    _crawl(lexwatch)  # now all 25 fail
    world.subscribe(config, ["ann@example.org"], when=datetime.now(UTC))

    sent = lexwatch("digest", "send", "--now", _next_digest_time(config.timezone).isoformat())

    assert sent.code == 0, sent.err
    [received] = server.handler.to("ann@example.org")
    message = received.message()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    block = _block(text)
    libe, dip = (
        _last_run_day(config, name, zone) for name in ("LIBE committee page", "Bundestag DIP")
    )
    assert f"- Bundestag DIP could not be checked on {dip}." in block
    assert f"- LIBE committee page could not be reached on {libe}." in block
    assert block.count("- ") == 2 and "more source" not in block
    assert f"<strong>LIBE committee page</strong> could not be reached on {libe}." in _plain(html)
    for leak in LEAKS:
        assert leak not in text and leak not in html, leak
    with session_scope(get_engine(config.db_url)) as session:  # the admin has the details
        source = repo.source_by_name(session, name="Bundestag DIP")
        assert "LEXWATCH_DIP_API_KEY" in repo.last_error(session, source_id=source.id).error


def test_a_week_in_which_every_source_of_the_watch_was_read_has_no_health_block(
    settings, site, lexwatch, home
) -> None:
    config = settings(failing_after="1")  # one failed run makes a source `failing` at once
    _sources(config, lexwatch, site, gazettes=3, dip=False)
    _crawl(lexwatch)  # the LIBE page is read, the gazettes fail ...
    _shift_runs(config, timedelta(weeks=-1))  # ... in the last complete week
    site.serve("/libe/csa.html", "Service unavailable", status=503)
    _crawl(lexwatch)  # and this week, after that week ended, the LIBE page fails
    world.subscribe(config, ["ann@example.org"], when=datetime.now(UTC) - timedelta(weeks=3))
    health = {row["name"]: row["health"] for row in lexwatch("status", "--format", "json").json()}
    assert health["LIBE committee page"] == "failing"  # as of now: what the digest must not go by

    preview = lexwatch("digest", "preview", "--subscriber", "ann@example.org")
    sent = lexwatch("digest", "send")

    assert preview.code == 0 and sent.code == 0, preview.err + sent.err
    [key] = (box := mailbox.Maildir(home / "data" / "outbox", create=False)).keys()
    message = message_from_bytes(box.get_bytes(key), policy=default)
    for part in (preview.out, message.get_body(("plain",)).get_content()):
        assert "Changes seen from" in part and HEADING not in part
    assert HEADING not in message.get_body(("html",)).get_content()


def test_a_source_not_checked_at_all_in_the_week_says_since_when(settings, site, lexwatch) -> None:
    config = settings()
    _sources(config, lexwatch, site, gazettes=0, dip=False)
    assert lexwatch("crawl").code == 0
    _shift_runs(config, timedelta(weeks=-2))  # then Lexwatch did not run for a week and more
    world.subscribe(config, ["ann@example.org"], when=datetime.now(UTC) - timedelta(weeks=3))
    day = _last_run_day(config, "LIBE committee page", ZoneInfo(config.timezone))

    preview = lexwatch("digest", "preview", "--subscriber", "ann@example.org")

    assert preview.code == 0, preview.err
    assert _block(preview.out) == f"- LIBE committee page has not been checked since {day}."


# -- the rule, on its own ------------------------------------------------------------------

START = datetime(2025, 10, 6, 5, tzinfo=UTC)
END = START + timedelta(weeks=1)
DAY = timedelta(days=1)


def _readings(*runs: tuple[int, str], before: datetime | None = None, every=DAY) -> Readings:
    log = tuple((START + timedelta(hours=h), status) for h, status in runs)
    return Readings(1, "OEIL", every, START - timedelta(weeks=10), log, before)


@pytest.mark.parametrize(
    ("runs", "expected"),
    [
        (((10, "error"), (34, "unchanged")), None),  # failed, then read: nothing missed
        (((10, "ok"), (34, "error"), (58, "error")), ("unreachable", 2)),  # the days after
        (((10, "error"), (34, "parse_error")), ("unreadable", 2)),  # no good reading at all
        (((10, "ok"), (34, "skipped")), ("failed", 1)),  # not set up: could not be checked
        (((10, "ok"), (200, "error")), None),  # the failure came after the period
    ],
)
def test_the_crawl_log_of_the_period_decides(runs, expected) -> None:
    found = trouble_in(_readings(*runs), START, END)
    assert (found.problem, len(found.failed_at)) == expected if expected else found is None


def test_not_checked_only_once_the_source_was_due() -> None:
    before = START - DAY
    assert trouble_in(_readings(before=before), START, END).problem == "not_checked"
    assert trouble_in(_readings(before=before), START, END).last_checked == before
    weekly = _readings(before=before, every=timedelta(weeks=1))
    assert trouble_in(weekly, START, END) is None  # a weekly source may skip a week
    assert trouble_in(_readings(before=before), START, START + DAY) is None  # a week in progress
