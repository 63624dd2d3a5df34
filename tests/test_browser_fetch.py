"""The browser fetch path with Debian's Chromium, against a local site behind a JavaScript
challenge (a page whose script sets a cookie and reloads; with the cookie the real page comes).

The plain fetch of the page is `blocked`; with `render=browser`, and on its own after the
challenge for a kind marked as challenging (eu_oeil, on a real OEIL page), the real page is
fetched and versioned. Conditional requests hold through the browser, at most two pages are
open at once and every page is closed, and the guard judges what Chromium itself asks for.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from crawlers import browser
from crawlers.crawl import CrawlService
from crawlers.reactor import run_coroutine
from db.engine import get_engine, session_scope
from db.models import Version
from tests import internet
from tests.helpers import FIXTURES
from tests.test_challenges import _browser_children
from vocab.fetch import Plan, Target
from vocab.settings import get_settings

pytestmark = pytest.mark.skipif(
    not Path(browser.CHROMIUM).exists() or shutil.which("chromium") is None,
    reason=f"no Chromium at {browser.CHROMIUM}: run `apt-get install chromium` to run the browser tests",
)

REAL = """<html><head><title>Procedure 2022/0155(COD)</title></head><body>
<h1>Preventing and combating child sexual abuse</h1><p>Awaiting plenary debate</p></body></html>"""
CHALLENGE = """<html><head><title>One moment</title>
<script>document.cookie = "{cookie}; path=/"; setTimeout(function () {{ location.reload(); }}, 200);</script>
</head><body><p>Checking your browser before you reach the site.</p></body></html>"""
OEIL = FIXTURES / "eu_oeil" / "new-procedure-file_2024-2006-REG.html"


@dataclass
class ChallengeSite:
    """A site behind a cookie challenge. `cookie` is what the script sets; `passes` what opens it."""

    real: bytes = REAL.encode()
    cookie: str = "wall=passed"
    passes: str = "wall=passed"
    status: int = 202
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.real).hexdigest()[:12] + '"'

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.requests.append((path, headers))
        if path == "/robots.txt":
            return 404, {}, b""
        if self.passes not in headers.get("cookie", ""):
            page = CHALLENGE.format(cookie=self.cookie).encode()
            html = "text/html" in headers.get("accept", "")  # AWS WAF: a script for HTML only
            return self.status, {"x-amzn-waf-action": "challenge"}, page if html else b""
        if headers.get("if-none-match") == self.etag:
            return 304, {"ETag": self.etag}, b""
        return 200, {"ETag": self.etag}, self.real

    def asked(self, path: str = "/page") -> list[dict[str, str]]:
        return [headers for seen, headers in self.requests if seen == path]


@pytest.fixture
def wall() -> Iterator[tuple[ChallengeSite, str]]:
    site = ChallengeSite()
    server = _serve(site)
    yield site, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _serve(site: Any) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = site.answer(
                self.path, {k.lower(): v for k, v in self.headers.items()}
            )
            self.send_response(status)
            for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body if status != 304 else b"")

        def log_message(self, *args: Any) -> None:
            return None

    class Server(ThreadingHTTPServer):
        request_queue_size = 128
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No name resolves but the local ones (the browser's proxy resolves with the crawler's
    lookup): the real OEIL page's links to evokits.europarl.europa.eu go nowhere."""
    internet.install(monkeypatch)
    monkeypatch.setattr(browser, "CHALLENGE_WAIT", 5.0)


def _add(lexwatch, kind: str, url: str, name: str, *params: str) -> None:
    result = lexwatch("sources", "add", "--kind", kind, "--url", url, "--name", name, *params)
    assert result.code == 0, result.err


def _reports(lexwatch) -> dict[str, dict]:
    return {r["source"]: r for r in lexwatch("crawl", "--format", "json").json()}


def _versions() -> dict[int, Version]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        return {v.source_id: v for v in session.exec(select(Version))}


def test_plain_is_blocked_and_render_browser_gets_the_real_page(wall, lexwatch) -> None:
    site, base = wall
    _add(lexwatch, "page", base + "/page", "plain")
    _add(lexwatch, "page", base + "/page", "rendered", "--param", "render=browser")

    reports = _reports(lexwatch)
    assert reports["plain"]["status"] == "blocked"
    assert reports["plain"]["error"] == (
        f"{base}/page: the site answered with a bot challenge instead of the page (AWS WAF "
        "challenge (x-amzn-waf-action), HTTP 202; add --param render=browser to fetch it through "
        "a browser)"
    )
    assert reports["rendered"]["status"] == "ok", reports["rendered"]
    [version] = _versions().values()
    assert "Awaiting plenary debate" in version.text and "Checking your browser" not in version.text
    status = {r["name"]: r["health"] for r in lexwatch("status", "--format", "json").json()}
    assert status == {"plain": "blocked", "rendered": "ok"}
    # The browser passed the challenge itself: its second visit carried the cookie it was given.
    cookies = [headers.get("cookie", "") for headers in site.asked()]
    assert sorted(cookies) == ["", "", "wall=passed"], "plain once, the browser twice"
    agents = {headers["user-agent"] for headers in site.asked()}
    assert agents == {get_settings().user_agent}, "the browser says who it is, as every request"


def test_a_challenged_kind_goes_through_the_browser_after_the_challenge(wall, lexwatch) -> None:
    site, base = wall
    site.real = OEIL.read_bytes()
    _add(lexwatch, "eu_oeil", base + "/oeil/en/procedure-file", "oeil")

    report = _reports(lexwatch)["oeil"]
    assert report["status"] == "ok" and report["errors"] == 0, report
    [version] = _versions().values()
    assert version.record["key"] == "EU:2024/2006(REG)" and version.record["stage"]
    asked = site.asked("/oeil/en/procedure-file")
    assert [h.get("cookie", "") for h in asked] == ["", "", "wall=passed"], (
        "plain once, then the browser"
    )
    assert "Scrapy" not in asked[0].get("accept", "") and "image/" in asked[1]["accept"]


def test_a_challenge_the_browser_does_not_pass_is_blocked_having_tried(wall, lexwatch) -> None:
    site, base = wall
    site.cookie = "wall=tried"  # the script's cookie never opens the wall
    _add(lexwatch, "eu_oeil", base + "/oeil/en/procedure-file", "oeil")

    report = _reports(lexwatch)["oeil"]
    assert report["status"] == "blocked"
    assert report["error"] == (
        f"{base}/oeil/en/procedure-file: the site answered with a bot challenge instead of the "
        "page (AWS WAF challenge (x-amzn-waf-action), HTTP 202; tried the browser too)"
    )
    assert len(site.asked("/oeil/en/procedure-file")) >= 3, "the browser reloaded as told, in vain"
    assert _versions() == {}


def test_conditional_requests_hold_through_the_browser(wall, lexwatch) -> None:
    site, base = wall
    _add(lexwatch, "page", base + "/page", "rendered", "--param", "render=browser")
    assert _reports(lexwatch)["rendered"]["status"] == "ok"
    site.requests.clear()

    report = _reports(lexwatch)["rendered"]
    assert report["status"] == "not_modified" and report["unchanged"] == 1, report
    passed = [h for h in site.asked() if "wall=passed" in h.get("cookie", "")]
    assert [h.get("if-none-match") for h in passed] == [site.etag], "the validator reached the site"


def test_pages_are_bounded_closed_and_chromium_goes_with_the_crawler(home) -> None:
    sites = [ChallengeSite(status=200) for _ in range(3)]
    servers = [_serve(site) for site in sites]
    urls = [f"http://127.0.0.1:{server.server_port}/page" for server in servers]
    plans = [
        Plan(n, f"s{n}", "page", Target(url, {"render": "browser"})) for n, url in enumerate(urls)
    ]

    async def crawl() -> tuple[list, list, dict, list]:
        service = await CrawlService(get_settings(), None).start()
        outcomes = await asyncio.gather(*(service.fetch(plan) for plan in plans))
        handler = browser.browser_of(service.crawler).handler
        open_pages = [
            page for wrapper in handler.context_wrappers.values() for page in wrapper.context.pages
        ]
        running, stats = _browser_children(), service.crawler.stats.get_stats()
        await service.stop()
        return outcomes, open_pages, stats, running

    try:
        outcomes, open_pages, stats, running = run_coroutine(crawl(), timeout=120)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    assert all(o.fetched and not o.errors and not o.blocked for o in outcomes), outcomes
    assert open_pages == [] and stats["playwright/page_count/closed"] == 3
    assert stats["playwright/page_count/max_concurrent"] == browser.PAGES == 2
    assert stats["playwright/context_count"] == 3, "one browser context per host"
    assert stats["playwright/browser_count"] == 1, "one Chromium, started once, for every host"
    assert running, "Chromium ran while the crawler was open"
    assert _browser_children() == [], "and is gone once it stopped"


def test_the_guard_judges_what_chromium_asks_for(home, monkeypatch, lexwatch) -> None:
    """Private targets off; the replay server (allowed by name) serves a page that reaches for
    another local server, by subresources and by a redirect: Chromium sends none of it."""
    elsewhere, replay = internet.Server(), internet.Server()
    try:
        _guarded_crawl(monkeypatch, lexwatch, elsewhere, replay)
    finally:
        elsewhere.close()
        replay.close()


def _guarded_crawl(monkeypatch, lexwatch, elsewhere, replay) -> None:
    monkeypatch.setenv("LEXWATCH_REPLAY_URL", replay.url(""))
    private = elsewhere.url("")
    page = (
        f'<html><head><title>Page</title></head><body><p>Public page</p><img src="{private}/pixel.png">'
        f'<img src="/site.example/own.png"><iframe src="{private}/frame"></iframe>'
        f'<script>fetch("{private}/api").catch(function () {{}});</script></body></html>'
    )
    replay.serve("/site.example/page", page)
    replay.serve("/site.example/own.png", b"", Content_Type="image/png")
    replay.serve("/site.example/moved", status=302, Location=f"{private}/secret")
    _add(lexwatch, "page", "https://site.example/page", "page", "--param", "render=browser")
    _add(lexwatch, "page", "https://site.example/moved", "moved", "--param", "render=browser")
    monkeypatch.setenv("LEXWATCH_ALLOW_PRIVATE_TARGETS", "0")
    get_settings.cache_clear()

    reports = _reports(lexwatch)
    assert reports["page"]["status"] == "ok", reports["page"]
    assert "/site.example/own.png" in replay.paths(), "the page's own subresources load"
    assert reports["moved"]["status"] == "error"
    assert reports["moved"]["error"] == (
        f"redirected to a private address 127.0.0.1: {replay.url('/site.example/moved')} led to "
        f"{private}/secret"
    )
    assert elsewhere.paths() == [], "nothing Chromium asked for reached the private address"
