"""A public tracker over real HTTP: Debian's Chromium with no session searches and reads a
file page; robots.txt and the caching headers, each checked with a real request to the app
served by uvicorn on 127.0.0.1. Screenshots go to test-artifacts/."""

from __future__ import annotations

import httpx

from vocab.links import file_path
from web.caching import PUBLIC_MAX_AGE
from web.sessions import COOKIE

from . import test_browser as shared
from .conftest import FILE_KEY, PASSWORD, add_user, store_history
from .test_browser import _page, _shot
from .test_public import public  # noqa: F401  (the fixture: LEXWATCH_PUBLIC_READ=true)

pytestmark = shared.pytestmark  # skipped, with how to get it, when Chromium is missing
server, browser = shared.server, shared.browser  # the app under uvicorn, Chromium
SHARED = f"public, max-age={PUBLIC_MAX_AGE}"


def test_a_visitor_searches_and_reads_a_file_page_in_a_browser(public, server, browser) -> None:  # noqa: F811
    base, app = server
    store_history(app)
    page = _page(browser, base)
    page.goto("/")
    assert "/login" not in page.url and "Sign out" not in page.inner_text("header")
    page.fill("input[name=q]", "detection orders")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li")
    _shot(page, "public-search")
    page.click(f"ol.hits a[href='{file_path(FILE_KEY)}']")
    page.wait_for_url(f"**{file_path(FILE_KEY)}")
    assert "Preventing and combating child sexual abuse" in page.inner_text("h1")
    assert "Awaiting Parliament" in page.inner_text(".stage")
    _shot(page, "public-file")
    assert page.context.cookies() == [], "a visitor is given no session"
    page.goto("/admin")
    assert "/login" in page.url, "the admin area still asks for a sign-in"
    assert not page.errors, page.errors


def test_a_public_tracker_s_robots_txt_and_caching_headers(public, server) -> None:  # noqa: F811
    base, app = server
    store_history(app)
    robots = httpx.get(f"{base}/robots.txt")
    lines = robots.text.splitlines()
    assert robots.status_code == 200 and robots.headers["content-type"].startswith("text/plain")
    for closed in ("/admin", "/account", "/login", "/search?", "/*token="):
        assert f"Disallow: {closed}" in lines, closed
    assert "Allow: /" in lines and "Disallow: /" not in lines
    for path in ("/", "/files", file_path(FILE_KEY), "/changes", "/api/dossiers"):
        answer = httpx.get(base + path)
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == SHARED, path
        assert "Cookie" in answer.headers["vary"] and "set-cookie" not in answer.headers, path
    _private_for_a_session(base, app)


def _private_for_a_session(base: str, app) -> None:
    """Any session, signed in or not, makes every answer private."""
    add_user(app, "reader@example.org", "reader")
    with httpx.Client(base_url=base) as browser_like:
        assert browser_like.get("/login").headers["cache-control"] == "private, no-store"
        assert COOKIE in browser_like.cookies, "the sign-in form's session"
        assert browser_like.get("/files").headers["cache-control"] == "private, no-store"
        token = browser_like.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        data = {"email": "reader@example.org", "password": PASSWORD, "csrf_token": token}
        assert browser_like.post("/login", data=data).status_code == 303
        answer = browser_like.get("/files")
        assert answer.status_code == 200 and answer.headers["cache-control"] == "private, no-store"
        assert "Cookie" in answer.headers["vary"]


def test_a_private_tracker_s_robots_txt_and_caching_headers(server) -> None:
    base, _app = server
    robots = httpx.get(f"{base}/robots.txt")
    assert robots.status_code == 200 and robots.text.splitlines() == [
        "User-agent: *",
        "Disallow: /",
    ]
    answer = httpx.get(f"{base}/files")
    assert answer.status_code == 303 and answer.headers["cache-control"] == "no-store"
