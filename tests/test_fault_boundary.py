"""One error boundary per source: an exception Lexwatch did not expect stays in its source.

Fault injection: in a pass of three sources, one source's parse (for every kind
of site module), or its diff, or its store step raises an arbitrary exception.
The other two get their versions and changes; the failing one is `broken` with
a reason that names the exception; no crawl run stays `running`; `crawl`
reports it and exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select, update

import pipeline.store
from crawlers.sites import SITES
from db import repo
from db.engine import get_engine, session_scope
from db.models import CrawlRun, Source, Version
from vocab.fetch import Request
from vocab.settings import get_settings

PAGE = "<html><body><div id='main'><h2>Status</h2><p>{status}</p></div></body></html>"
FEED = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Council press</title>"
    "<link>http://example.org/</link><description>d</description>{items}</channel></rss>"
)
ITEM = "<item><guid>{n}</guid><title>Release {n}</title><link>http://example.org/{n}</link></item>"
GENERIC = {
    "page": ("/page.html", {"selector": "#main"}),
    "feed": ("/feed.xml", {}),
    "json": ("/api.json", {"path": "data"}),
}


class Boom(Exception):
    """The arbitrary exception a buggy step raises."""


def _serve(site, step: int) -> None:
    status = "Awaiting committee decision" if step == 1 else "Awaiting Council's position"
    site.serve("/page.html", PAGE.format(status=status))
    items = "".join(ITEM.format(n=n) for n in range(1, step + 2))
    site.serve("/feed.xml", FEED.format(items=items), content_type="application/rss+xml")
    data = {"data": {"reference": "2022/0155(COD)", "status": f"step {step}"}}
    site.serve("/api.json", json.dumps(data), content_type="application/json")
    site.serve("/faulty", "<html><body><h1>Any answer</h1></body></html>")


def _add(name: str, kind: str, url: str, params: dict[str, str]) -> None:
    """Stored directly: the site modules' own host checks are not what this test is about."""
    engine = get_engine(get_settings().db_url)
    with session_scope(engine) as session:
        repo.add_source(
            session,
            source=Source(name=name, kind=kind, url=url, params=params, every_seconds=3600),
        )


def _healthy_pair(kind: str) -> list[str]:
    return [k for k in GENERIC if k != kind][:2]


def _runs_left_running() -> list[CrawlRun]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        return list(session.exec(select(CrawlRun).where(CrawlRun.status == "running")))


def _status(lexwatch) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in lexwatch("status", "--format", "json").json()}


@pytest.fixture
def faulty_kind(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point a kind's requests at the local site's /faulty and make its parse raise Boom."""

    def break_kind(kind: str, url: str) -> None:
        module = SITES[kind]
        monkeypatch.setattr(module, "requests", lambda target: [Request(url)])
        if hasattr(module, "follow"):
            monkeypatch.setattr(module, "follow", lambda response, target: [])

        def parse(responses, params):
            raise Boom("the page had no 'title'")

        monkeypatch.setattr(module, "parse", parse)

    yield break_kind


def _crawl(lexwatch) -> tuple[int, dict[str, dict], str]:
    result = lexwatch("crawl", "--format", "json")
    return result.code, {r["source"]: r for r in result.json()}, result.err


@pytest.mark.parametrize("kind", list(SITES))
def test_a_parser_that_raises_breaks_only_its_own_source(
    site, lexwatch, faulty_kind, kind: str
) -> None:
    _serve(site, 1)
    healthy = _healthy_pair(kind)
    for name in healthy:
        path, params = GENERIC[name]
        _add(name, name, site.url(path), params)
    _add("faulty", kind, site.url("/faulty"), {})
    faulty_kind(kind, site.url("/faulty"))
    _crawl(lexwatch)
    _serve(site, 2)

    code, reports, err = _crawl(lexwatch)

    assert code == 1 and "Traceback" not in err
    for name in healthy:
        assert reports[name]["status"] == "changed" and reports[name]["changes"] >= 1
    assert reports["faulty"]["status"] == "broken"
    status = _status(lexwatch)
    assert status["faulty"]["health"] == "broken"
    reason = status["faulty"]["health_reason"]
    assert f"the {kind} parser failed: Boom" in reason and "bug in Lexwatch" in reason
    assert f"lexwatch sources test --kind {kind}" in reason
    assert _runs_left_running() == []
    log = (get_settings().data_dir / "lexwatch.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "Boom" in log  # the traceback is kept, in the log file


def _raise_for(target_name: str, real):
    """A stand-in for a step that raises Boom for one source's records, else does the real work."""

    def step(*args: Any, **kwargs: Any) -> Any:
        if any("faulty" in str(getattr(a, "fields", "")) for a in [*args, *kwargs.values()]):
            raise Boom(f"{target_name} met something unexpected")
        return real(*args, **kwargs)

    return step


@pytest.mark.parametrize(
    ("step", "function", "reason"),
    [
        ("diff", "diff_records", "comparing with the last version failed: Boom"),
        ("store", "place", "storing the new version failed: Boom"),
    ],
)
def test_a_diff_or_store_step_that_raises_breaks_only_its_own_source(
    site, lexwatch, monkeypatch, step: str, function: str, reason: str
) -> None:
    _serve(site, 1)
    site.serve("/faulty.json", json.dumps({"data": {"who": "faulty", "n": 1}}))
    for name in ("page", "feed"):
        path, params = GENERIC[name]
        _add(name, name, site.url(path), params)
    _add("faulty", "json", site.url("/faulty.json"), {"path": "data"})
    _crawl(lexwatch)
    _serve(site, 2)
    site.serve("/faulty.json", json.dumps({"data": {"who": "faulty", "n": 2}}))
    real = getattr(pipeline.store, function)
    monkeypatch.setattr(pipeline.store, function, _raise_for(function, real))

    code, reports, err = _crawl(lexwatch)

    assert code == 1 and "Traceback" not in err
    assert reports["page"]["status"] == "changed" and reports["feed"]["status"] == "changed"
    assert reports["faulty"]["status"] == "broken"
    status = _status(lexwatch)
    assert status["faulty"]["health"] == "broken" and reason in status["faulty"]["health_reason"]
    assert _runs_left_running() == []
    monkeypatch.setattr(pipeline.store, function, real)  # fixed: the next crawl catches up
    code, reports, _ = _crawl(lexwatch)
    assert reports["faulty"]["status"] == "changed"


def test_a_site_module_whose_requests_raise_fails_alone(site, lexwatch, monkeypatch) -> None:
    _serve(site, 1)
    _add("page", "page", site.url("/page.html"), {"selector": "#main"})
    _add("faulty", "eu_oeil", site.url("/faulty"), {})

    def requests(target):
        raise Boom("no reference")

    monkeypatch.setattr(SITES["eu_oeil"], "requests", requests)
    code, reports, _ = _crawl(lexwatch)
    assert code == 1 and reports["page"]["status"] == "ok"
    assert (
        reports["faulty"]["status"] == "broken"
        and "Boom no reference" in reports["faulty"]["error"]
    )
    assert _runs_left_running() == []


def test_sources_test_with_a_buggy_parser_is_one_line(site, lexwatch, faulty_kind) -> None:
    _serve(site, 1)
    faulty_kind("page", site.url("/faulty"))
    result = lexwatch("sources", "test", "--kind", "page", "--url", site.url("/faulty"))
    assert result.code == 2 and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "the page parser failed: Boom" in result.err


def test_test_before_saving_with_a_buggy_parser_says_why(site, home, faulty_kind) -> None:
    from tests.web.conftest import TestClient, add_user, csrf_token, sign_in
    from web.app import create_app

    _serve(site, 1)
    faulty_kind("page", site.url("/faulty"))
    app = create_app(get_settings())
    add_user(app, "admin@example.org", "admin")
    with TestClient(app, follow_redirects=False) as admin:
        sign_in(admin, "admin@example.org")
        form = {
            "kind": "page",
            "url": site.url("/faulty"),
            "name": "x",
            "every": "6h",
            "action": "test",
            "csrf_token": csrf_token(admin, "/admin/sources/new"),
        }
        response = admin.post("/admin/sources/new", data=form)
    assert response.status_code == 200
    assert "Test failed" in response.text and "the page parser failed: Boom" in response.text


def test_a_stored_record_that_no_longer_reads_breaks_only_its_own_source(site, lexwatch) -> None:
    """Crawls are recorded in batches: one source's unreadable last record must not sink the rest."""
    _serve(site, 1)
    for name in ("page", "feed"):
        path, params = GENERIC[name]
        _add(name, name, site.url(path), params)
    site.serve(
        "/other.xml", FEED.format(items=ITEM.format(n=1)), content_type="application/rss+xml"
    )
    _add("faulty", "feed", site.url("/other.xml"), {})
    _crawl(lexwatch)
    _serve(site, 2)
    site.serve(
        "/other.xml", FEED.format(items=ITEM.format(n=2)), content_type="application/rss+xml"
    )
    with session_scope(get_engine(get_settings().db_url)) as session:
        faulty = session.exec(select(Source).where(Source.name == "faulty")).one()
        session.exec(update(Version).where(Version.source_id == faulty.id).values(record="{"))
        session.commit()

    code, reports, err = _crawl(lexwatch)

    assert code == 1 and "Traceback" not in err
    assert reports["page"]["status"] == "changed" and reports["feed"]["status"] == "changed"
    assert reports["faulty"]["status"] not in ("changed", "unchanged", "not_modified")
    assert _runs_left_running() == []
