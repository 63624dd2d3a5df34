"""The service's crawls share the work around their fetches: runs started and recorded in batches.

Sources that come due together are each crawled and recorded on their own run,
with their own status; a source removed or paused since it came due is not
crawled at all; and crawls that end together send their alerts once, after
every one of their changes was recorded.
"""

from __future__ import annotations

import asyncio

from sqlmodel import func, select

from crawlers import reactor
from db import repo
from db.engine import get_engine, session_scope
from db.models import Change, CrawlRun, Source
from scheduler.daemon import Daemon
from vocab.settings import get_settings

PAGE = "<html><body><h2>Status</h2><p>{status}</p></body></html>"
NAMES = ("alpha", "beta", "gamma", "delta")


def _add(lexwatch, site, name: str) -> None:
    site.serve(f"/{name}.html", PAGE.format(status=f"{name}: awaiting committee decision"))
    result = lexwatch(
        "sources", "add", "--url", site.url(f"/{name}.html"), "--name", name, "--kind", "page"
    )
    assert result.code == 0, result.err


def _ids() -> dict[str, int]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        return {s.name: s.id for s in repo.list_sources(session)}


def _runs() -> dict[str, list[str]]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        rows = session.exec(select(Source.name, CrawlRun.status).join(CrawlRun)).all()
    runs: dict[str, list[str]] = {}
    for name, status in rows:
        runs.setdefault(name, []).append(status)
    return runs


def _changes() -> int:
    with session_scope(get_engine(get_settings().db_url)) as session:
        return session.exec(select(func.count()).select_from(Change)).one()


def _passes(rounds: int, before_each=None) -> list[int]:
    """Every source queued at once, `rounds` times; changes recorded when each deliver ran."""
    settings = get_settings()
    seen: list[int] = []

    def deliver(_engine, _settings, _now) -> list:
        seen.append(_changes())
        return []

    async def scenario() -> None:
        daemon = Daemon(get_engine(settings.db_url), settings)
        await daemon.start()  # every source never crawled is crawled at once
        await asyncio.gather(*daemon.crawls.values())
        for _ in range(rounds):
            if before_each:
                before_each()
            for source_id in _ids().values():
                daemon.queue(source_id)
            await asyncio.gather(*daemon.crawls.values())
        await daemon.stop()

    import pipeline.alerts

    real, pipeline.alerts.deliver = pipeline.alerts.deliver, deliver
    try:
        reactor.run_coroutine(scenario(), timeout=60)
    finally:
        pipeline.alerts.deliver = real
    return seen


def test_sources_due_together_are_each_crawled_and_recorded(site, lexwatch) -> None:
    for name in NAMES:
        _add(lexwatch, site, name)
    with session_scope(get_engine(get_settings().db_url)) as session:
        repo.set_enabled(session, source=repo.source_by_name(session, name="delta"), enabled=False)

    _passes(1)

    runs = _runs()
    assert "delta" not in runs  # paused: never crawled
    for name in NAMES[:3]:
        assert runs[name][0] == "ok" and runs[name][1:] == ["not_modified"], runs[name]
        assert len(site.headers_for(f"/{name}.html")) == 2


def test_crawls_that_end_together_send_alerts_once_they_are_all_recorded(site, lexwatch) -> None:
    for name in NAMES:
        _add(lexwatch, site, name)

    def edit() -> None:
        for name in NAMES:
            site.serve(f"/{name}.html", PAGE.format(status=f"{name}: adopted"))

    seen = _passes(1, edit)

    assert _changes() >= len(NAMES)  # each page's edit was found
    assert seen[-1] == _changes()  # and the last send came after every one was recorded


def test_crawls_that_found_no_change_send_no_alerts(site, lexwatch) -> None:
    """Alerts are told of changes: a pass of first versions and one of 304s have none to tell
    (retries and quiet hours ended go out on the minute's send)."""
    for name in NAMES:
        _add(lexwatch, site, name)

    assert _passes(1) == []
    assert _changes() == 0


def test_past_the_limit_of_crawls_ahead_the_rest_wait_their_turn(
    site, lexwatch, monkeypatch
) -> None:
    """With room for one crawl between start and record, every source is still crawled once
    a round, each on its own run: the limit bounds what waits in memory, not what is done."""
    import pipeline.batches

    monkeypatch.setattr(pipeline.batches, "AHEAD", 1)
    between, most = 0, 0
    crawl = pipeline.batches.Batches._crawl

    async def counted(self, service, source_id):
        nonlocal between, most
        between += 1
        most = max(most, between)
        try:
            return await crawl(self, service, source_id)
        finally:
            between -= 1

    monkeypatch.setattr(pipeline.batches.Batches, "_crawl", counted)
    for name in NAMES:
        _add(lexwatch, site, name)

    _passes(1)

    assert most == 1, f"{most} crawls were between their start and their record at once"
    runs = _runs()
    for name in NAMES:
        assert runs[name] == ["ok", "not_modified"], runs[name]


def _parsed_together(monkeypatch, site, lexwatch, wait: float) -> list[list[str]]:
    """Three new pages answering 0, 0.6 and 1.2 s late, crawled at once: the crawls each record
    call parsed (with `wait` as PARSE_WAIT)."""
    import pipeline.batches
    from pipeline.recording import needs_parsing

    calls: list[list[str]] = []
    real = pipeline.batches.record

    def record(engine, settings, ended):
        calls.append([o.plan.name for o, *_ in ended if needs_parsing(o)])
        return real(engine, settings, ended)

    monkeypatch.setattr(pipeline.batches, "record", record)
    monkeypatch.setattr(pipeline.batches, "PARSE_WAIT", wait)
    for name, delay in zip(NAMES[:3], (0.0, 0.6, 1.2), strict=True):
        _add(lexwatch, site, name)
        site.pages[f"/{name}.html"].delay = delay
    _passes(0)
    assert sorted(n for names in calls for n in names) == sorted(NAMES[:3])  # each parsed once
    return [sorted(names) for names in calls if names]


def test_crawls_to_parse_are_recorded_together_while_others_still_fetch(
    site, lexwatch, monkeypatch
) -> None:
    """A 304 costs its batch little; a page to parse costs its batch a lookup, a lock and a
    commit. So the pages to parse wait for one another while other crawls still fetch."""
    assert _parsed_together(monkeypatch, site, lexwatch, wait=30.0) == [sorted(NAMES[:3])]


def test_a_crawl_to_parse_waits_for_others_only_so_long(site, lexwatch, monkeypatch) -> None:
    """Past PARSE_WAIT a page is recorded (and its changes alerted) without the slower ones."""
    assert len(_parsed_together(monkeypatch, site, lexwatch, wait=0.2)) >= 2
