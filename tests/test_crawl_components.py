"""What the crawl's trimmed Scrapy components still do: a meta refresh is followed, a 304
passes untouched, and an address written as an address is judged without a lookup."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawlers.guard import GuardedResolver, Policy, refusal_of
from crawlers.middlewares import MetaRefreshMiddleware

REFRESH = b'<html><head><meta http-equiv="refresh" content="0; url=/moved.html"></head></html>'


def _meta_refresh() -> MetaRefreshMiddleware:
    return MetaRefreshMiddleware.from_crawler(get_crawler())


def test_a_page_that_refreshes_to_another_is_followed_there() -> None:
    request = Request("http://example.org/old.html")
    answer = HtmlResponse(request.url, body=REFRESH, request=request)

    followed = _meta_refresh().process_response(request, answer)

    assert isinstance(followed, Request) and followed.url == "http://example.org/moved.html"


def test_a_not_modified_answer_passes_untouched() -> None:
    request = Request("http://example.org/old.html")
    answer = HtmlResponse(request.url, status=304, body=b"", request=request)

    assert _meta_refresh().process_response(request, answer) is answer


class _Receiver:
    def __init__(self) -> None:
        self.addresses: list[Any] = []
        self.complete = False

    def resolutionBegan(self, resolution: Any) -> None:  # Twisted's names
        pass

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        self.complete = True


class _NoThreads:
    """A reactor whose thread pool must not be asked: an address needs no lookup."""

    def getThreadPool(self) -> Any:
        raise AssertionError("an address was looked up in a thread")


def test_an_address_is_judged_at_once_and_a_private_one_still_refused() -> None:
    resolver = GuardedResolver(_NoThreads(), Policy(allow_private=False))

    public, private = _Receiver(), _Receiver()
    resolver.resolveHostName(public, "93.184.215.14", 80)
    resolver.resolveHostName(private, "127.0.0.1", 80)

    assert public.complete and [a.host for a in public.addresses] == ["93.184.215.14"]
    assert private.complete and private.addresses == []
    assert refusal_of("127.0.0.1") == "refused: 127.0.0.1 resolves to a private address 127.0.0.1"


def test_a_hosts_share_lowers_its_limit_and_its_end_gives_the_whole_limit_back() -> None:
    import asyncio

    from crawlers import reactor
    from crawlers.downloader import PoliteDownloader

    settings = {"CONCURRENT_REQUESTS_PER_DOMAIN": 10}
    page, other = Request("https://a.example/p.html"), Request("https://b.example/p.html")

    async def limits() -> list[int]:  # on the reactor: a new slot starts Scrapy's slot cleanup
        downloader = PoliteDownloader(get_crawler(settings_dict=settings))
        downloader.share("a.example", 4)
        shared = [downloader._get_slot(r)[1].concurrency for r in (page, other)]
        downloader.share("a.example", None)
        downloader.close()
        return [*shared, downloader._get_slot(page)[1].concurrency]

    future = asyncio.run_coroutine_threadsafe(limits(), reactor.loop_in_background())
    assert future.result(30) == [4, 10, 10]
