"""One browser request (crawlers/browser.py): what its page loaded, and which document is
the answer — the first document of the main frame that is not a bot challenge, as the site
sent it, byte for byte, with its own status and headers."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from scrapy.http import Request, Response
from scrapy.responsetypes import responsetypes

from crawlers.challenge import challenge_of
from crawlers.egress import Egress
from vocab.errors import FetchError
from vocab.redact import redact

log = logging.getLogger("lexwatch.browser")


@dataclass(frozen=True)
class Answer:
    """A document of the main frame as the site sent it."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    challenge: str


Reader = Callable[[], Awaitable[Answer | None]]


class Watch:
    """One browser request: what its page loaded, and which document is the answer.

    The page asked for, when Lexwatch holds validators for it (ETag, Last-Modified), is
    fetched by the route itself (`route.fetch`, with the context's cookies, through the same
    proxy): Chromium aborts a navigation answered 304, so the 304 is taken there and the
    page shown a blank one.
    """

    def __init__(self, request: Request, egress: Egress, wait: float) -> None:
        self.url, self.egress, self.wait = request.url, egress, wait
        ours = request.headers.to_unicode_dict()
        self.agent = ours.get("user-agent", "")
        self.validators = {k.lower(): v for k, v in ours.items() if k.lower().startswith("if-")}
        self.page: Any = None
        self.documents: list[Reader] = []
        self.redirects: list[tuple[str, int]] = []
        self.failed: Any = None  # the main frame's navigation that failed, if one did
        self.arrived = asyncio.Event()
        self.answer: Answer | None = None

    def meta(self, host: str) -> dict[str, Any]:
        from scrapy_playwright.page import PageMethod

        return {
            "playwright": True,
            "playwright_context": host,  # cookies of one site never reach another
            # Every connection of the context goes through the judging proxy (crawlers/egress.py).
            "playwright_context_kwargs": {
                "service_workers": "block",
                "proxy": {"server": self.egress.url},
            },
            "playwright_page_init_callback": self.attach,
            "playwright_page_methods": [PageMethod(self.settle)],
        }

    async def attach(self, page: Any, _request: Request) -> None:
        """Before the page loads anything: watch its documents and how its navigations end."""
        self.page = page
        page.on("response", self._seen)
        page.on("requestfailed", self._failed)
        await page.route("**", self._route)
        await page.route_web_socket("**", _refuse_socket)

    def _main(self, request: Any) -> bool:
        return request.is_navigation_request() and request.frame == self.page.main_frame

    def _conditional(self, request: Any) -> bool:
        return bool(self.validators) and request.url == self.url and self._main(request)

    def _seen(self, response: Any) -> None:
        if self._main(response.request) and not self._conditional(response.request):
            self._arrived(response.url, response.status, lambda: _read(response))

    def _failed(self, request: Any) -> None:
        if self._main(request):
            self.failed = request

    def _arrived(self, url: str, status: int, read: Reader) -> None:
        if 300 <= status < 400 and status != 304:
            self.redirects.append((url, status))  # its target comes as a document of its own
            return
        self.documents.append(read)
        self.arrived.set()

    async def _route(self, route: Any, request: Any) -> None:
        if not self._conditional(request):
            await route.fallback()  # on to scrapy-playwright's handler (headers)
            return
        try:
            await self._fetch_conditionally(route, request)
        except Exception as exc:  # e.g. the proxy refused it: the navigation fails, and says why
            log.warning("conditional browser request to %s failed: %s", redact(self.url), exc)
            self.failed = request
            await route.abort()

    async def _fetch_conditionally(self, route: Any, request: Any) -> None:
        headers = {**await request.all_headers(), "user-agent": self.agent, **self.validators}
        fetched = await route.fetch(
            headers=headers, max_redirects=0
        )  # a redirect: Chromium follows
        answer = await _read_fetched(fetched)
        self._arrived(answer.url, answer.status, lambda: _given(answer))
        if answer.status == 304:
            await route.fulfill(status=200, body="", content_type="text/html")
        else:
            await route.fulfill(response=fetched)

    async def settle(self, page: Any) -> None:
        """Wait until the main frame holds a document that is not a challenge (or time runs out)."""
        deadline = time.monotonic() + self.wait
        while True:
            self.arrived.clear()  # before reading: a document arriving meanwhile wakes the wait
            latest = await self.documents[-1]() if self.documents else None
            self.answer = latest or self.answer
            if self.answer is not None and (not self.answer.challenge or not self.answer.body):
                return  # the page; or an empty wall, which has no script that could open it
            if not await _arrives(self.arrived, deadline - time.monotonic()):
                return

    def refusal(self) -> str:
        """Why the proxy refused the navigation that failed ('' when it did not), as the
        guard says it of a Scrapy request: the redirect that led there, or the URL."""
        judged = self.egress.refusal(self.failed.url) if self.failed is not None else None
        if judged is None:
            return ""
        first = self.failed
        while first.redirected_from is not None:
            first = first.redirected_from
        if first is not self.failed:
            return (
                f"redirected to a private address {judged.private}: {redact(first.url)} "
                f"led to {redact(self.failed.url)}"
            )
        return judged.refused

    def response(self, request: Request) -> Response:
        """The answer as a Scrapy response, with the redirects that led to it."""
        answer = self.answer
        if answer is None:
            raise FetchError(f"the browser got no page from {redact(self.url)}")
        if self.redirects:  # as Scrapy's redirect middleware notes them: a 301 means "moved"
            request.meta["redirect_urls"] = [url for url, _ in self.redirects]
            request.meta["redirect_reasons"] = [status for _, status in self.redirects]
        cls = responsetypes.from_args(headers=answer.headers, url=answer.url, body=answer.body)
        return cls(
            url=answer.url,
            status=answer.status,
            headers=answer.headers,
            body=answer.body,
            request=request,
            flags=["browser"],
        )

    async def close(self) -> None:
        """Close the page whatever happened (scrapy-playwright does not on a cancellation)."""
        if self.page is not None and not self.page.is_closed():
            await self.page.close()


_DECODED = ("content-encoding", "content-length")  # the body Playwright hands over is decoded


def _answer(url: str, status: int, headers: Mapping[str, str], body: bytes) -> Answer:
    kept = {k.lower(): v for k, v in headers.items() if k.lower() not in _DECODED}
    return Answer(url, status, kept, body, challenge_of(status, kept, body))


async def _read(response: Any) -> Answer | None:
    """A document Chromium loaded; None when the next navigation replaced it before it was read."""
    from playwright.async_api import Error as PlaywrightError

    try:
        body, headers = await response.body(), await response.all_headers()
    except PlaywrightError:
        return None
    return _answer(response.url, response.status, headers, body)


async def _read_fetched(fetched: Any) -> Answer:
    """A document the route fetched itself (a conditional request)."""
    return _answer(fetched.url, fetched.status, fetched.headers, await fetched.body())


async def _given(answer: Answer) -> Answer:
    return answer


async def _arrives(event: asyncio.Event, seconds: float) -> bool:
    if seconds <= 0:
        return False
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        return False
    return True


async def _refuse_socket(socket: Any) -> None:
    """A page's WebSocket is never opened: a challenge needs none, and it would go unjudged."""
    await socket.close()
