"""LEXWATCH_PUBLIC_READ: visitors without an account read search, files, changes, a file's
agenda, the feeds and the API, and nothing else (every route of the app walked); with the
setting unset every reader page still asks for a sign-in; visitors' searches and API calls are
limited per address; nothing a visitor reads shows anyone's watches or tokens."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from db import repo
from db.engine import session_scope
from vocab.settings import get_settings
from web.app import create_app
from web.limits import AddressLimiter

from . import builders
from .conftest import FILE_KEY, History, client_at, csrf_token, store_history
from .test_tokens import FORM, _concrete, _routes

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

OPEN = {
    "/",
    "/search",
    "/search.csv",
    "/search.json",
    "/search.atom",
    "/files",
    "/compare",
    "/files/{key:path}",
    "/files/{key:path}/timeline.csv",
    "/files/{key:path}/timeline.json",
    "/files/{key:path}/feed.atom",
    "/files/{key:path}/agenda",
    "/files/{key:path}/agenda.ics",
    "/changes",
    "/changes.csv",
    "/changes.atom",
    "/api/dossiers",
    "/api/dossiers/{key:path}",
    "/api/changes",
    "/api/search",
}
NO_USER = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),  # sign-in itself
    ("GET", "/unsubscribe/{token}"),
    ("POST", "/unsubscribe/{token}"),
}
CLOSED_PREFIXES = ("/admin", "/account", "/watches", "/subscribers", "/api/sources")


@pytest.fixture
def public(home, monkeypatch: pytest.MonkeyPatch) -> None:
    """LEXWATCH_PUBLIC_READ=true for the app the test creates."""
    monkeypatch.setenv("LEXWATCH_PUBLIC_READ", "true")
    get_settings.cache_clear()


@pytest.fixture
def public_app(public) -> FastAPI:
    return create_app(get_settings())


@pytest.fixture
def visitor(public_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(public_app, follow_redirects=False) as client:
        yield client


def asks_sign_in(response) -> bool:
    """A redirect to the sign-in page, or the API's 401."""
    if response.status_code == 401:
        return response.json()["detail"] == "sign in first"
    return response.status_code == 303 and response.headers["location"].startswith("/login?")


def _get(client: TestClient, path: str, history: History):
    params = {"q": "child"} if "search" in path else {}
    params |= {"b": history.versions[-1]} if path == "/compare" else {}
    return client.get(_concrete(path), params=params)


def _state(app: FastAPI) -> tuple:
    with session_scope(app.state.engine) as session:
        return (
            [(u.email, u.role, u.password_hash, u.token_stamp) for u in repo.list_users(session)],
            [(s.name, s.enabled, s.url) for s in repo.list_sources(session)],
            [(w.name, w.terms) for w in repo.list_watches(session)],
            [(p.email, p.active) for p in repo.list_subscribers(session)],
        )


def test_a_visitor_reads_exactly_the_reader_pages_feeds_and_api(public_app, visitor) -> None:
    history = store_history(public_app)
    opened, closed = set(), set()
    for method, path, _route in _routes(public_app):
        if method != "GET" or (method, path) in NO_USER:
            continue
        response = _get(visitor, path, history)
        if response.status_code == 200:
            opened.add(path)
        else:
            assert asks_sign_in(response), (path, response.status_code)
            closed.add(path)
    assert opened == OPEN
    assert all(path.startswith(CLOSED_PREFIXES) for path in closed), closed - OPEN


def test_a_visitor_can_post_put_or_delete_nothing(public_app, visitor) -> None:
    store_history(public_app)
    builders.seed_watches(public_app)
    before, tried = _state(public_app), 0
    for method, path, _route in _routes(public_app):
        if method == "GET" or (method, path) in NO_USER:
            continue
        data = FORM | {"csrf_token": csrf_token(visitor)}
        response = visitor.request(method, _concrete(path), data=data)
        assert asks_sign_in(response), (method, path, response.status_code)
        tried += 1
    for path in OPEN:  # the pages a visitor reads take no other method
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = visitor.request(method, _concrete(path), data={"q": "x"})
            assert response.status_code == 405, (method, path, response.status_code)
    assert tried >= 15 and _state(public_app) == before


def test_without_the_setting_every_reader_page_and_the_api_ask_for_a_sign_in(
    app, anonymous, history
) -> None:
    walked = set()
    for method, path, _route in _routes(app):
        if method != "GET" or (method, path) in NO_USER:
            continue
        assert asks_sign_in(_get(anonymous, path, history)), path
        walked.add(path)
    assert walked >= OPEN
    assert '<a href="/login">Sign in</a>' not in anonymous.get("/login").text, "no visitors' menu"


def test_a_visitor_sees_no_watch_and_no_token(public_app, visitor) -> None:
    store_history(public_app)
    builders.seed_watches(public_app)
    page = visitor.get("/changes", params={"watch": "no-such-watch"}).text
    assert 'name="watch"' not in page and "csa-regulation" not in page
    assert "There is no watch" not in page and "change-" in page, "the filter is ignored"
    feed = visitor.get("/changes.atom", params={"watch": "no-such-watch"}).text
    assert 0 < feed.count("<entry>") == visitor.get("/changes.atom").text.count("<entry>")
    file_page = visitor.get(_concrete("/files/{key:path}")).text
    assert "token=" not in file_page and "feed.atom" in file_page
    assert '<a href="/login">Sign in</a>' in file_page and "Sign out" not in file_page
    agenda = visitor.get(_concrete("/files/{key:path}/agenda")).text
    assert "token" not in agenda and f"{FILE_KEY[3:]}" in agenda


def test_a_visitor_s_searches_are_limited_per_address(public_app, visitor, reader) -> None:
    store_history(public_app)
    public_app.state.visitor_limits["search"] = AddressLimiter(2, 60)
    assert [visitor.get("/search", params={"q": "child"}).status_code for _ in "ab"] == [200, 200]
    refused = visitor.get("/search.json", params={"q": "child"})
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "try again in" in refused.text
    assert reader.get("/search", params={"q": "child"}).status_code == 200, "users: no limit"
    with client_at(public_app, "192.0.2.7") as elsewhere:
        assert elsewhere.get("/search", params={"q": "child"}).status_code == 200


def test_a_visitor_s_api_calls_are_limited_per_address(public_app, visitor) -> None:
    store_history(public_app)
    public_app.state.visitor_limits["api"] = AddressLimiter(1, 60)
    assert visitor.get("/api/dossiers").status_code == 200
    refused = visitor.get("/api/search", params={"q": "child"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["detail"].startswith("Too many requests from your address")
    assert visitor.get("/files").status_code == 200, "pages are not counted"


def test_the_limit_counts_the_address_a_trusted_proxy_names(public, monkeypatch) -> None:
    monkeypatch.setenv("LEXWATCH_TRUSTED_PROXIES", "10.0.0.1")
    get_settings.cache_clear()
    app = create_app(get_settings())
    app.state.visitor_limits["api"] = AddressLimiter(1, 60)
    with client_at(app, "10.0.0.1") as proxy:
        for address, expected in (
            ("198.51.100.1", 200),
            ("198.51.100.2", 200),
            ("198.51.100.1", 429),
        ):
            answer = proxy.get("/api/dossiers", headers={"X-Forwarded-For": address})
            assert answer.status_code == expected, address


def test_a_token_on_a_public_tracker_is_checked_as_before(public_app, visitor) -> None:
    store_history(public_app)
    assert visitor.get("/api/dossiers", params={"token": "1.forged"}).status_code == 401
    assert visitor.get("/files", params={"token": "1.forged"}).status_code == 403
    assert visitor.get("/files/x/agenda.ics", params={"token": "1.forged"}).status_code == 403
