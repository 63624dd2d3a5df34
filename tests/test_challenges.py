"""Bot challenges without a browser: recognised, recorded as `blocked` (never a parse error or a
change), the `render` parameter checked at every door, and Chromium never started by a run that
does not need it. The browser path itself is in tests/test_browser_fetch.py."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from crawlers import browser
from crawlers.challenge import challenge_of
from crawlers.crawl import CrawlService
from crawlers.reactor import run_coroutine
from db.engine import get_engine, session_scope
from db.models import Snapshot, Version
from tests import internet
from tests.helpers import FIXTURES
from tests.internet import Server
from vocab.fetch import Plan, Target
from vocab.settings import get_settings

PAGE = "<html><head><title>Procedure</title></head><body><h1>2022/0155(COD)</h1></body></html>"
WAF_PAGE = (FIXTURES / "challenge" / "built_aws-waf-challenge-page_HTTP202.html").read_bytes()
COOKIE_RELOAD = (
    "<html><head><script>document.cookie = 'pass=1; path=/'; location.reload();</script>"
    "</head><body>Checking your browser…</body></html>"
)


@pytest.fixture
def server() -> Iterator[Server]:
    yield from internet.running_server()


@pytest.mark.parametrize(
    ("status", "headers", "body", "what"),
    [
        (202, {}, b"", "HTTP 202 with an empty body"),
        (
            202,
            {"x-amzn-waf-action": "challenge"},
            b"<html>...</html>",
            "AWS WAF challenge (x-amzn-waf-action), HTTP 202",
        ),
        (
            405,
            {"x-amzn-waf-action": "captcha"},
            b"<html>captcha</html>",
            "AWS WAF captcha (x-amzn-waf-action), HTTP 405",
        ),
        (
            403,
            {"cf-mitigated": "challenge"},
            b"<html></html>",
            "Cloudflare challenge (cf-mitigated), HTTP 403",
        ),
        (202, {}, WAF_PAGE, "AWS WAF challenge page (awswafcookiedomainlist), HTTP 202"),
        (
            503,
            {},
            b"<script>window._cf_chl_opt={}</script>",
            "JavaScript challenge page ('cf_chl_opt'), HTTP 503",
        ),
        (
            200,
            {},
            COOKIE_RELOAD.encode(),
            "a page whose script sets a cookie and reloads, HTTP 200",
        ),
    ],
)
def test_each_kind_of_challenge_is_recognised(status, headers, body, what) -> None:
    assert challenge_of(status, headers, body) == what


@pytest.mark.parametrize(
    ("spelled", "named"),
    [
        ("window.awsWafCookieDomainList = [];", "awswafcookiedomainlist"),
        ("window.gokuProps = {};", "gokuprops"),
        ("AwsWafIntegration.getToken()", "awswafintegration"),
        ('<script src="https://x.token.AWSWAF.com/challenge.js">', "awswaf.com"),
        ("document.cookie = 'aws-waf-token=1'", "aws-waf-token"),
    ],
)
def test_a_waf_marker_is_found_in_any_case_however_long_the_page(spelled, named) -> None:
    """A marker in a page far larger than a wall's, in the case the page writes it."""
    body = b"<p>long article</p>" * 2000 + spelled.encode() + "<p>Überblick</p>".encode()
    assert challenge_of(202, {}, body) == f"AWS WAF challenge page ({named}), HTTP 202"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, PAGE.encode()),
        (202, b'{"accepted": true}'),
        (304, b""),
        (404, b"not found"),
        (200, b"<script>document.cookie='a=1'</script>" + b"<p>long article</p>" * 2000),
    ],
)
def test_ordinary_answers_are_not_challenges(status, body) -> None:
    assert challenge_of(status, {"content-type": "text/html"}, body) == ""


def _versions_and_snapshots() -> tuple[int, int]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        return len(session.exec(select(Version)).all()), len(session.exec(select(Snapshot)).all())


def _crawled(lexwatch, name: str) -> tuple[dict, dict]:
    result = lexwatch("crawl", "--format", "json")
    assert result.code == 1, "a blocked source is a failed one: the exit status says so"
    report = {r["source"]: r for r in result.json()}[name]
    status = {r["name"]: r for r in lexwatch("status", "--format", "json").json()}[name]
    return report, status


def test_a_202_with_an_empty_body_is_blocked_not_a_parse_error(server, lexwatch) -> None:
    server.serve("/file", b"", status=202)
    url = server.url("/file")
    assert lexwatch("sources", "add", "--kind", "page", "--url", url, "--name", "ep").code == 0

    report, status = _crawled(lexwatch, "ep")
    reason = (
        f"{url}: the site answered with a bot challenge instead of the page (HTTP 202 with an "
        "empty body; add --param render=browser to fetch it through a browser)"
    )
    assert (report["status"], report["error"], report["changes"]) == ("blocked", reason, 0)
    assert (status["health"], status["health_reason"]) == ("blocked", reason)
    assert _versions_and_snapshots() == (0, 0), "a challenge is never stored or versioned"


def test_a_challenge_after_a_good_version_is_no_change(server, lexwatch) -> None:
    server.serve("/file", PAGE)
    url = server.url("/file")
    assert lexwatch("sources", "add", "--kind", "page", "--url", url, "--name", "ep").code == 0
    assert lexwatch("crawl").code == 0 and _versions_and_snapshots() == (1, 1)

    server.serve("/file", COOKIE_RELOAD, status=200)
    report, status = _crawled(lexwatch, "ep")
    assert report["status"] == "blocked" and "sets a cookie and reloads" in report["error"]
    assert status["health"] == "blocked"
    assert _versions_and_snapshots() == (1, 1)
    assert lexwatch("changes", "--format", "json").json() == []


def test_a_challenged_kind_without_a_browser_says_how_to_get_one(server, lexwatch, monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    server.serve("/oeil", b"", status=202, x_amzn_waf_action="challenge")
    add = ["sources", "add", "--kind", "eu_oeil", "--url", server.url("/oeil"), "--name", "oeil"]
    assert lexwatch(*add).code == 0

    report, _status = _crawled(lexwatch, "oeil")
    assert report["status"] == "blocked"
    assert report["error"] == (
        f"{server.url('/oeil')}: the site answered with a bot challenge instead of the page (AWS "
        "WAF challenge (x-amzn-waf-action), HTTP 202; no browser at /nonexistent/chromium: "
        "install Debian's chromium package (apt-get install chromium))"
    )
    assert server.paths().count("/oeil") == 1


def test_a_run_that_needs_no_browser_never_starts_one(server, home) -> None:
    server.serve("/a", PAGE)
    server.serve("/b", b'{"x": 1}', Content_Type="application/json")
    plans = [
        Plan(1, "a", "page", Target(server.url("/a"))),
        Plan(2, "b", "json", Target(server.url("/b"))),
    ]

    async def crawl_and_look() -> tuple[list, bool, int]:
        service = await CrawlService(get_settings(), None).start()
        outcomes = await asyncio.gather(*(service.fetch(plan) for plan in plans))
        started, stats = service.browser_started, service.crawler.stats.get_stats()
        await service.stop()
        return outcomes, started, stats.get("playwright/browser_count", 0)

    outcomes, started, launched = run_coroutine(crawl_and_look(), timeout=60)
    assert all(o.fetched and not o.errors for o in outcomes)
    assert (started, launched) == (False, 0)
    assert _browser_children() == [], "no Playwright driver or Chromium process was started"


def _browser_children() -> list[str]:
    """Live processes under this one whose command names Playwright's driver or Chromium."""
    import os

    mine, found = {os.getpid()}, []
    for stat in sorted(Path("/proc").glob("[0-9]*/stat"), key=lambda p: int(p.parent.name)):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmd = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(fields[1]) in mine and fields[0] != "Z":
            mine.add(int(stat.parent.name))
            if "chrom" in cmd or "playwright" in cmd:
                found.append(cmd[:80])
    return found


def test_render_is_a_parameter_of_every_kind_checked_at_every_door(lexwatch, home) -> None:
    base = ["sources", "add", "--kind", "page", "--url", "https://example.org/a.html"]
    assert lexwatch(*base, "--name", "a", "--param", "render=browser").code == 0
    refused = lexwatch(*base, "--name", "b", "--param", "render=chrome")
    assert refused.code == 2
    assert "--param render: render 'chrome' is not a way to fetch: choose browser" in refused.err
    keyed = [
        "sources",
        "add",
        "--kind",
        "us_congress",
        "--name",
        "c",
        "--param",
        "congress=118",
        "--param",
        "type=s",
        "--param",
        "number=1207",
        "--param",
        "render=browser",
    ]
    assert "us_congress reads an API with a key" in lexwatch(*keyed).err

    entries = {
        "sources": [
            {
                "name": "d",
                "kind": "eu_oeil",
                "url": "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2022/0155(COD)",
                "params": {"render": "plain"},
            },
            {
                "name": "e",
                "kind": "feed",
                "url": "https://example.org/f.xml",
                "params": {"render": "sometimes"},
            },
        ]
    }
    (home / "in.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    result = lexwatch("sources", "import", "in.yaml")
    assert result.code == 2 and "entry 2 ('e')" in result.err and "render 'sometimes'" in result.err
    del entries["sources"][1]
    (home / "in.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    assert lexwatch("sources", "import", "in.yaml").code == 0
    params = {
        s["name"]: s["params"] for s in lexwatch("sources", "list", "--format", "json").json()
    }
    assert params == {"a": {"render": "browser"}, "d": {"render": "plain"}}
