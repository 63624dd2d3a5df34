"""A finished crawl lets its Scrapy crawler go: a long-lived process that crawls pass after
pass (`lexwatch run`, bench/soak.py) must not keep one crawler, its settings, timers and
open connections per pass."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy.crawler import Crawler

from crawlers.crawl import crawl
from crawlers.reactor import run_coroutine
from tests import internet
from tests.internet import Server
from vocab.fetch import Plan, Target
from vocab.settings import get_settings

PAGE = "<html><head><title>Procedure</title></head><body><h1>2022/0155(COD)</h1></body></html>"


@pytest.fixture
def server() -> Iterator[Server]:
    yield from internet.running_server()


def _crawlers() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Crawler))


def test_crawl_passes_leave_no_crawler_behind(server, home) -> None:
    server.serve("/a", PAGE)
    plans = [Plan(1, "a", "page", Target(server.url("/a")))]
    # A first crawl freezes start-up's objects (crawlers/crawl.py), which the count no longer
    # sees: a crawler of an earlier test alive then would leave the count before this one.
    run_coroutine(crawl(plans, engine=None, settings=get_settings()), timeout=60)
    before = _crawlers()
    for _ in range(3):
        outcomes = run_coroutine(crawl(plans, engine=None, settings=get_settings()), timeout=60)
        assert outcomes[1].fetched and not outcomes[1].errors
    assert _crawlers() == before


def test_start_up_is_left_out_of_collections_once(server, home) -> None:
    """What start-up built is frozen at the first service; later services (renewed crawlers)
    are not, so a closed crawler is still collected (the test above)."""
    server.serve("/a", PAGE)
    plans = [Plan(1, "a", "page", Target(server.url("/a")))]
    run_coroutine(crawl(plans, engine=None, settings=get_settings()), timeout=60)
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Scrapy, Twisted and SQLAlchemy's modules, classes and functions
    run_coroutine(crawl(plans, engine=None, settings=get_settings()), timeout=60)
    assert gc.get_freeze_count() == frozen
