"""The browser fetch path: scrapy-playwright driving Debian's Chromium, started only when needed.

Some sites answer a plain HTTP client with a bot challenge (crawlers/challenge.py)
that only a browser passes: a script computes a token, sets a cookie and
reloads. A source's requests go through the browser when the source says so
(`--param render=browser`), or once, automatically, when a plain request of a
kind known to challenge (`CHALLENGED_KINDS`) got a challenge.

How it holds together:

- `FetchHandler` is the crawl's http and https download handler: Scrapy's own
  for every ordinary request, and for a request marked `browser` the crawler's
  one `Browser`. Most runs never need it, so Playwright is imported, its driver
  started (about 0.4 s, 120 MB) and Chromium launched (about 0.2 s, 300 MB) at
  the first browser request only, and reused until the crawler closes.
- Browser requests go through the same downloader as the others: the same
  download slot per host (politeness, AutoThrottle), robots.txt, the guard
  middleware for the URL asked. At most `PAGES` pages are open at once over
  all hosts, one per host (a browser context per host keeps each site's
  cookies apart), and every page is closed, on success, failure or
  cancellation.
- Chromium fetches on its own, so every connection it opens (redirects,
  subresources, a script's fetch) goes through a proxy that judges it as the
  crawler's resolver does (crawlers/egress.py); WebSockets and service
  workers are refused outright.
- `Watch` waits for the real content: `goto` returns at the challenge's load,
  so the main frame's documents are watched until one is not a challenge (or
  `CHALLENGE_WAIT` passes). The answer is that document as the site sent it,
  byte for byte, with its own status and headers: parsers read what they are
  tested on, not the page as scripts changed it, and the status is the final
  document's, not the first navigation's.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response
from scrapy.responsetypes import responsetypes

from crawlers.challenge import challenge_of
from crawlers.egress import Egress
from crawlers.guard import Policy, Refused
from vocab.errors import ConfigError, FetchError
from vocab.redact import redact

log = logging.getLogger("lexwatch.browser")

CHROMIUM = "/usr/bin/chromium"  # Debian's; never a browser Playwright downloads
# What a headless Chromium started by a service needs: no GPU, no calls home, no QUIC
# (which would bypass nothing here, but cannot be routed through Playwright's handler).
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
PAGES = 2  # browser pages open at once, over all hosts
CHALLENGE_WAIT = 15.0  # seconds a challenge may take to let the page through (at most)

RENDER = "render"  # the source parameter every kind takes
RENDERS = {
    "browser": "every request through the browser",
    "plain": "never through the browser, even after a challenge",
}
# Sites that answer plain clients with a challenge (AWS WAF on the EP's sites, EUR-Lex's check).
CHALLENGED_KINDS = frozenset({"eu_oeil", "eu_ep_api", "eu_ep_press", "eu_eurlex"})
RENDER_HELP = (
    "browser: fetch through a headless Chromium (for a site that challenges plain clients); "
    "plain: never use the browser. Default: plain, and the browser once after a challenge "
    f"for {', '.join(sorted(CHALLENGED_KINDS))}"
)


# -- which requests use the browser (pure) ---------------------------------------------


def check_render(value: str) -> str:
    """A `render` parameter's value, or a ConfigError saying which values there are."""
    if value not in RENDERS:
        choices = ", ".join(f"{name} ({what})" for name, what in RENDERS.items())
        raise ConfigError(f"render '{value}' is not a way to fetch: choose {choices}",
                          field=f"params.{RENDER}")  # fmt: skip
    return value


def renders(params: Mapping[str, str]) -> bool:
    """Does this source ask for every request through the browser?"""
    return params.get(RENDER) == "browser"


def retries_in_browser(kind: str, params: Mapping[str, str]) -> bool:
    """After a challenge, is a plain request of this source tried once through the browser?"""
    return kind in CHALLENGED_KINDS and params.get(RENDER) != "plain"


def available() -> bool:
    """Is there a Chromium to start?"""
    return os.access(CHROMIUM, os.X_OK)


def missing() -> str:
    """What to do when there is none."""
    return f"no browser at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)"


# Both schemes: a scheme without the handler would silently never use the browser.
HANDLERS = {"http": "crawlers.browser.FetchHandler", "https": "crawlers.browser.FetchHandler"}


def scrapy_settings(download_timeout: float) -> dict[str, Any]:
    """The Scrapy settings of the browser path (read only when a browser request comes)."""
    return {
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": CHROMIUM, "headless": True, "args": ARGS},
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 1,  # one page per host at a time
        "LEXWATCH_BROWSER_PAGES": PAGES,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": download_timeout * 1000,
        "PLAYWRIGHT_DOWNLOAD_TIMEOUT": int(download_timeout * 1000),
        "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": "crawlers.browser.browser_headers",
    }


# -- the download handler ------------------------------------------------------------


class FetchHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP handler; a request marked `browser` goes to the crawler's one browser."""

    lazy = False

    async def download_request(self, request: Request) -> Response:
        if not request.meta.get("browser"):
            return await super().download_request(request)
        return await browser_of(self.crawler).fetch(request)

    async def close(self) -> None:
        await super().close()
        await close_browser(self.crawler)


_browsers: weakref.WeakKeyDictionary[Any, Browser] = weakref.WeakKeyDictionary()


def browser_of(crawler: Any) -> Browser:
    """The crawler's browser (an object only: nothing starts until it fetches)."""
    if crawler not in _browsers:
        _browsers[crawler] = Browser(crawler)
    return _browsers[crawler]


def started(crawler: Any) -> bool:
    """Has this crawler started a browser?"""
    browser = _browsers.get(crawler)
    return browser is not None and browser.handler is not None


async def close_browser(crawler: Any) -> None:
    """Close the crawler's browser, if it started one (both schemes' handlers call this)."""
    browser = _browsers.pop(crawler, None)
    if browser is not None:
        await browser.close()


class Browser:
    """Chromium through scrapy-playwright, started at the first request and bounded in pages."""

    def __init__(self, crawler: Any) -> None:
        self.crawler, self.handler = crawler, None
        self.egress = Egress(Policy.of(crawler.settings))
        self.starting = asyncio.Lock()
        self.pages = asyncio.Semaphore(crawler.settings.getint("LEXWATCH_BROWSER_PAGES", PAGES))
        # An AWS WAF challenge takes a second or two; a wall that never opens must not hold a page.
        self.wait = min(CHALLENGE_WAIT, 2 * crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))

    async def fetch(self, request: Request) -> Response:
        """The final answer of the page at `request.url`, once any challenge let it through."""
        async with self.pages:
            handler = await self._started()
            watch = Watch(request, self.egress, self.wait)
            request.meta.update(watch.meta(urlsplit(request.url).netloc.lower()))
            try:
                await handler.download_request(request)
            except Exception as exc:
                refused = watch.refusal()
                raise (Refused(refused) if refused else exc) from exc
            finally:
                await watch.close()
        return watch.response(request)

    async def _started(self) -> Any:
        async with self.starting:
            if self.handler is None:
                await self.egress.start()
                self.handler = await _launch(self.crawler)
        return self.handler

    async def close(self) -> None:
        if self.handler is not None:
            handler, self.handler = self.handler, None
            await handler.close()
            await self.egress.close()


async def _launch(crawler: Any) -> Any:
    """scrapy-playwright's handler, its Playwright driver started (Chromium follows at the first page)."""
    from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

    began = time.monotonic()
    handler = ScrapyPlaywrightDownloadHandler(crawler)
    # It starts its driver when the engine starts; this crawler's engine started long ago.
    await handler._launch()
    log.info("browser driver started in %.2f s", time.monotonic() - began)
    return handler


async def browser_headers(
    *, browser_type_name: str, playwright_request: Any, scrapy_request_data: dict
) -> dict[str, str]:
    """The browser's own headers (its cookies, its Accept), with Lexwatch's user agent: a site
    sees who is asking, as from every other request."""
    headers = await playwright_request.all_headers()
    agent = scrapy_request_data["headers"].to_unicode_dict().get("user-agent")
    return headers | ({"user-agent": agent} if agent else {})


# -- one browser request ------------------------------------------------------------------


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
            "playwright_context_kwargs": {"service_workers": "block",
                                          "proxy": {"server": self.egress.url}},
            "playwright_page_init_callback": self.attach,
            "playwright_page_methods": [PageMethod(self.settle)],
        }  # fmt: skip

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
            return (f"redirected to a private address {judged.private}: {redact(first.url)} "
                    f"led to {redact(self.failed.url)}")  # fmt: skip
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
        return cls(url=answer.url, status=answer.status, headers=answer.headers, body=answer.body,
                   request=request, flags=["browser"])  # fmt: skip

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
