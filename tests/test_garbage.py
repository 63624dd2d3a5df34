"""Garbage from a site is a recorded error, and nothing already stored is lost."""

from __future__ import annotations

import json

import pytest

GOOD = {
    "page": (
        "/p.html",
        "<html><body><div id='m'><h2>Status</h2><p>Awaiting vote</p></div></body></html>",
        "text/html",
    ),
    "json": ("/a.json", json.dumps({"data": {"status": "draft"}}), "application/json"),
    "feed": (
        "/f.xml",
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        "<item><guid>1</guid><title>One</title></item></channel></rss>",
        "application/rss+xml",
    ),
}
GARBAGE = {
    "truncated html": ("page", "<html><body><div id='m'><h2>Status</h2><p>Awai", {}),
    "invalid json": ("json", '{"data": {"status": "dra', {}),
    "not a feed": ("feed", "<html><body>Service unavailable</body></html>", {}),
    "http 500": ("page", "Internal error", {"status": 500}),
    "timeout": ("json", json.dumps({"data": {"status": "final"}}), {"delay": 5}),
}


@pytest.mark.parametrize("case", sorted(GARBAGE))
def test_garbage_is_an_error_and_earlier_versions_stay(site, lexwatch, case: str) -> None:
    kind, body, options = GARBAGE[case]
    path, good, ctype = GOOD[kind]
    site.serve(path, good, content_type=ctype)
    params = ["--param", "path=data"] if kind == "json" else []
    assert (
        lexwatch(
            "sources", "add", "--kind", kind, "--url", site.url(path), "--name", "s", *params
        ).code
        == 0
    )
    assert lexwatch("crawl").code == 0

    site.serve(path, body, content_type=ctype, **options)
    report = lexwatch("crawl", "--format", "json").json()[0]
    assert (
        report["status"] in ("error", "parse_error") and report["errors"] >= 1 and report["error"]
    )
    assert report["changes"] == 0
    assert lexwatch("changes", "--format", "json").json() == []

    site.serve(path, good, content_type=ctype)
    again = lexwatch("crawl", "--format", "json").json()[0]
    assert (again["status"], again["changes"]) in (("unchanged", 0), ("not_modified", 0))
    status = lexwatch("status", "--format", "json").json()[0]
    assert status["health"] == "ok"
