"""The guard at fetch time, with a stand-in for the public internet (tests/internet.py).

A name answers a public address, and that address leads to a local server. From
there: a redirect to 127.0.0.1, a name that rebinds to 127.0.0.1 after the
save-time check, and a link a site module follows to 127.0.0.1 are each refused
when fetched, and the refusal is the source's health reason, never a version.
Keys go only to their own API's host, whatever a source's URL or a redirect says.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlmodel import select

from db import repo
from db.engine import get_engine, session_scope
from db.models import Snapshot, Source, Version
from tests import internet
from tests.internet import Server
from vocab.settings import get_settings

PUBLIC = "93.184.215.14"
SECRET_PAGE = "<html><body><h1>internal admin</h1></body></html>"
KEY = "FAKE-DIP-KEY-1234567890"


@pytest.fixture
def server() -> Iterator[Server]:
    yield from internet.running_server()


@pytest.fixture
def world(home, monkeypatch, server: Server) -> internet.FakeInternet:
    """Production settings (no private targets) and public names that lead to `server`."""
    monkeypatch.setenv("LEXWATCH_ALLOW_PRIVATE_TARGETS", "0")
    monkeypatch.setenv("LEXWATCH_DIP_API_KEY", KEY)
    get_settings.cache_clear()
    stand_in = internet.install(monkeypatch)
    stand_in.routes[(PUBLIC, server.port)] = server.port
    server.serve("/secret", SECRET_PAGE)
    return stand_in


def _versions() -> list[Version]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        return list(session.exec(select(Version)))


def _crawl_and_status(lexwatch, name: str) -> tuple[dict, dict]:
    report = {r["source"]: r for r in lexwatch("crawl", "--format", "json").json()}[name]
    status = {r["name"]: r for r in lexwatch("status", "--format", "json").json()}[name]
    return report, status


def _add(lexwatch, kind: str, url: str, name: str, *params: str) -> None:
    result = lexwatch("sources", "add", "--kind", kind, "--url", url, "--name", name, *params)
    assert result.code == 0, result.err


def test_a_redirect_to_loopback_is_refused_and_is_the_health_reason(world, server, lexwatch):
    world.names["public.example"] = [PUBLIC]
    server.serve("/start", status=302, Location=server.url("/secret"))
    _add(lexwatch, "page", f"http://public.example:{server.port}/start", "redirect")

    report, status = _crawl_and_status(lexwatch, "redirect")
    reason = f"redirected to a private address 127.0.0.1: http://public.example:{server.port}/start"
    assert report["status"] == "error" and reason in report["error"]
    assert status["health"] in ("failing", "new") or status["health_reason"]
    assert reason in status["health_reason"]
    assert "/start" in server.paths() and "/secret" not in server.paths()
    assert _versions() == []


def test_a_name_that_rebinds_to_loopback_after_the_check_is_refused(world, server, lexwatch):
    world.names["rebind.example"] = [PUBLIC, "127.0.0.1"]  # public when saved, loopback after
    _add(lexwatch, "page", f"http://rebind.example:{server.port}/secret", "rebind")

    report, status = _crawl_and_status(lexwatch, "rebind")
    reason = "refused: rebind.example resolves to a private address 127.0.0.1"
    assert report["status"] == "error" and reason in report["error"]
    assert reason in status["health_reason"]
    assert server.paths() == []  # not even robots.txt: the connection never happened
    assert _versions() == []


def test_a_followed_link_to_loopback_is_refused(world, server, lexwatch):
    world.names["gegevensmagazijn.tweedekamer.nl"] = [PUBLIC]
    page = {"value": [], "@odata.nextLink": server.url("/secret")}
    server.serve("/OData/Zaak", json.dumps(page), Content_Type="application/json")
    url = f"http://gegevensmagazijn.tweedekamer.nl:{server.port}/OData/Zaak"
    _add(lexwatch, "nl_tweedekamer", url, "follows")

    report, status = _crawl_and_status(lexwatch, "follows")
    reason = f"refused: {server.url('/secret')} points at a private address 127.0.0.1"
    assert report["status"] == "error" and reason in report["error"]
    assert reason in status["health_reason"]
    assert "/OData/Zaak" in server.paths() and "/secret" not in server.paths()
    assert _versions() == []


def test_a_row_saved_while_allowed_is_judged_again_when_fetched(
    world, server, lexwatch, monkeypatch
):
    monkeypatch.setenv("LEXWATCH_ALLOW_PRIVATE_TARGETS", "1")
    get_settings.cache_clear()
    _add(lexwatch, "page", server.url("/secret"), "internal")
    assert lexwatch("crawl").code == 0 and len(_versions()) == 1  # allowed: fetched

    monkeypatch.setenv("LEXWATCH_ALLOW_PRIVATE_TARGETS", "0")
    get_settings.cache_clear()
    server.serve("/secret", SECRET_PAGE.replace("admin", "admin, new"))
    report, status = _crawl_and_status(lexwatch, "internal")
    assert "points at a private address 127.0.0.1" in status["health_reason"]
    assert report["changes"] == 0 and len(_versions()) == 1
    assert server.paths().count("/secret") == 1


def test_a_key_goes_only_to_its_own_host(world, server, lexwatch):
    world.names["elsewhere.example"] = [PUBLIC]
    url = f"http://elsewhere.example:{server.port}/api/v1/vorgang?f.titel=x"
    server.serve("/api/v1/vorgang?f.titel=x", '{"documents": [], "cursor": ""}')
    # Saving refuses a de_bundestag URL on another host; a row stored before that rule
    # (or edited in the database) must still not carry the key away when fetched.
    with session_scope(get_engine(get_settings().db_url)) as session:
        repo.add_source(session, source=Source(name="dip-elsewhere", kind="de_bundestag", url=url))

    report, status = _crawl_and_status(lexwatch, "dip-elsewhere")
    reason = (
        "refused: the dip_api_key is sent only to search.dip.bundestag.de, not to elsewhere.example"
    )
    assert report["status"] == "error" and reason in report["error"]
    assert reason in status["health_reason"]
    assert all(KEY not in json.dumps(headers) for _, headers in server.requests)
    assert "/api/v1/vorgang?f.titel=x" not in server.paths()


def test_a_redirect_does_not_carry_a_key_to_another_host(home, monkeypatch, server, lexwatch):
    """In replay (and strict) mode: the key's own host answers with a redirect elsewhere."""
    from crawlers.replay import replay_url

    monkeypatch.setenv("LEXWATCH_ALLOW_PRIVATE_TARGETS", "0")
    monkeypatch.setenv("LEXWATCH_CONGRESS_API_KEY", "FAKE-CONGRESS-KEY-000111")
    monkeypatch.setenv("LEXWATCH_REPLAY_URL", server.url(""))
    get_settings.cache_clear()
    detail = "https://api.congress.gov/v3/bill/117/hr/21?format=json"
    path = replay_url(server.url(""), detail).removeprefix(server.url(""))
    server.serve(path, status=302, Location="https://collector.example/steal")
    params = ["--param", "congress=117", "--param", "type=hr", "--param", "number=21"]
    result = lexwatch("sources", "add", "--kind", "us_congress", "--name", "bill", *params)
    assert result.code == 0, result.err

    report, _status = _crawl_and_status(lexwatch, "bill")
    reason = (
        "refused: the congress_api_key is sent only to api.congress.gov, not to collector.example"
    )
    assert reason in report["error"]
    assert not any("collector.example" in path for path in server.paths())
    with session_scope(get_engine(get_settings().db_url)) as session:
        assert list(session.exec(select(Snapshot))) == []
