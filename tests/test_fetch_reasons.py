"""Why a fetch failed, in words that fit the cause: a redirect loop, an answer too large
(declared, or a gzip bomb), robots.txt. Before, all of these read "disallowed by robots.txt"."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pytest

from tests import internet
from tests.internet import Server

MB = 1024 * 1024


@pytest.fixture
def server() -> Iterator[Server]:
    yield from internet.running_server()


def _reason(lexwatch, server: Server, path: str) -> str:
    add = ["sources", "add", "--kind", "page", "--url", server.url(path), "--name", "s"]
    assert lexwatch(*add).code == 0
    [report] = lexwatch("crawl", "--format", "json").json()
    assert report["status"] == "error" and report["changes"] == 0
    [status] = lexwatch("status", "--format", "json").json()
    assert status["health_reason"] == report["error"]
    return report["error"]


def test_a_redirect_loop_is_too_many_redirects(server, lexwatch) -> None:
    server.serve("/loop", status=302, Location="/loop")
    reason = _reason(lexwatch, server, "/loop")
    assert reason == f"too many redirects from {server.url('/loop')} (more than 20)"


def test_an_answer_declared_larger_than_the_limit_is_too_large(server, lexwatch) -> None:
    server.serve("/huge", b"<html>" + b" " * 1000, Content_Length=str(60 * MB))
    reason = _reason(lexwatch, server, "/huge")
    assert reason == f"the answer from {server.url('/huge')} is larger than 50 MB"


def test_a_gzip_bomb_is_too_large_once_decompressed(server, lexwatch) -> None:
    bomb = gzip.compress(b"\0" * (51 * MB), compresslevel=9)
    assert len(bomb) < MB
    server.serve("/bomb", bomb, Content_Encoding="gzip")
    reason = _reason(lexwatch, server, "/bomb")
    assert reason == f"the answer from {server.url('/bomb')} is larger than 50 MB once decompressed"


def test_robots_txt_is_still_named_when_it_is_the_cause(server, lexwatch) -> None:
    server.serve("/robots.txt", "User-agent: *\nDisallow: /private\n", Content_Type="text/plain")
    server.serve("/private", "<html><body>members only</body></html>")
    reason = _reason(lexwatch, server, "/private")
    assert reason == f"{server.url('/private')} is disallowed by the site's robots.txt"
