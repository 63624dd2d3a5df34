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
- `Watch` (crawlers/browserpage.py) waits for the real content: `goto` returns at the challenge's load,
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
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response

from crawlers.browserpage import Watch
from crawlers.egress import Egress
from crawlers.guard import Policy, Refused
from vocab.errors import ConfigError

log = logging.getLogger("lexwatch.browser")

CHROMIUM = "/usr/bin/chromium"  # Debian's; never a browser Playwright downloads
# What a headless Chromium started by a service needs: no GPU, no calls home, no QUIC
# (which would bypass nothing here, but cannot be routed through Playwright's handler).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
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
        raise ConfigError(
            f"render '{value}' is not a way to fetch: choose {choices}", field=f"params.{RENDER}"
        )
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


def _judge_failure(watch: Watch, exc: Exception) -> None:
    """A failed browser fetch: the proxy's refusal, or the error, unless the page was read.

    scrapy-playwright reads the page once more after `settle`; a wall that keeps reloading
    makes that read fail ("the page is navigating"). The document Lexwatch judges is the
    one `Watch` already read (a challenge, then `blocked`), so that error changes nothing.
    """
    refused = watch.refusal()
    if refused:
        raise Refused(refused) from exc
    if watch.answer is None:
        raise exc


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
                _judge_failure(watch, exc)
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
