"""A new source is fetched once in its first pass, even when other sources are added meanwhile.

The audit saw new sources fetched twice: a source added while another new source was
still in its first crawl made the scheduler queue every never-crawled source again,
the one in progress included. Each source is now its own job, and a source being
crawled is not queued a second time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.test_scheduler import PAGE, Service, _add, _runs, wait_for


@pytest.fixture
def service_home(home, monkeypatch) -> Iterator[list[Service]]:
    """Where `lexwatch run` is started (stopped, if still running, after the test)."""
    monkeypatch.setenv("LEXWATCH_DOWNLOAD_TIMEOUT", "10")  # the slow first crawl must succeed
    started: list[Service] = []
    yield started
    for service in started:
        if service.process.poll() is None:
            service.process.kill()
            service.process.wait()


def _fetches(site, path: str) -> int:
    return sum(seen == path for seen, _ in site.requests)


def test_a_new_source_is_fetched_once_while_others_are_added(site, lexwatch, home, service_home):
    site.serve("/first.html", PAGE.format(status="one"), delay=2)  # a first crawl that takes time
    _add(lexwatch, site, "first", "1h")
    service = Service(home)
    service_home.append(service)
    wait_for(lambda: any(r.status == "running" for r in _runs("first")), what="the first crawl")
    for name in ("second", "third"):  # each addition changes the source table mid-crawl
        site.serve(f"/{name}.html", PAGE.format(status=name))
        _add(lexwatch, site, name, "1h")
        time.sleep(0.7)  # longer than LEXWATCH_RESYNC_SECONDS: the scheduler sees each one
    wait_for(
        lambda: all(_runs(n) and _runs(n)[0].finished_at for n in ("first", "second", "third")),
        what="every first crawl",
    )
    time.sleep(1.5)  # a few more resyncs: nothing may be queued again
    assert service.stop() == 0
    assert [_fetches(site, f"/{n}.html") for n in ("first", "second", "third")] == [1, 1, 1]
    assert [len(_runs(n)) for n in ("first", "second", "third")] == [1, 1, 1]


def test_lexwatch_crawl_fetches_a_new_source_once(site, lexwatch):
    site.serve("/new.html", PAGE.format(status="one"))
    _add(lexwatch, site, "new", "1h")
    assert lexwatch("crawl").code == 0
    assert _fetches(site, "/new.html") == 1
