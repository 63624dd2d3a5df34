"""Search in Chromium: a search that finds nothing offers words that do, and the links work."""

from __future__ import annotations

from crawlers.sites import nl_tweedekamer
from crawlers.sites import page as page_site
from tests.helpers import capture

from .conftest import add_user
from .test_browser import _page, _shot, _sign_in, browser, pytestmark, server  # noqa: F401
from .test_search_finds import GERMAN_PAGE, MOTION, MOTION_URL, _parsed, _store


def test_an_empty_search_suggests_words_and_the_suggestion_finds_them(server, browser) -> None:  # noqa: F811
    base, app = server
    _store(app, "Bundestag page", "page", _parsed(page_site, GERMAN_PAGE))
    motion = nl_tweedekamer.parse([capture("nl_tweedekamer", MOTION, MOTION_URL)], {})
    _store(app, "Motie Kathmann", "nl_tweedekamer", motion)
    add_user(app, "reader@example.org", "reader")
    page = _page(browser, base)
    page.goto("/")
    _sign_in(page, "reader@example.org")
    page.fill("input[name=q]", "Chatkontrole")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector(".nothing")
    assert "Nothing found" in page.inner_text(".nothing")
    assert "Bundestag: Chatkontrolle im Ausschuss" in page.inner_text(".suggested-files")
    _shot(page, "search-nothing-found")
    page.click(".nothing a.suggestion:text-is('Chatkontrolle')")
    page.wait_for_selector("ol.hits li")
    marked = {m.lower() for m in page.locator("ol.hits mark").all_inner_texts()}
    assert {"chatkontrolle", "onlinekindermisbruik"} <= marked, (
        "the German page and the Dutch motion"
    )
    assert "Also searched:" in page.inner_text(".also")
    _shot(page, "search-topic-expanded")
    page.click("a:text('newest first')")
    page.wait_for_selector("strong:text('newest first')")
    page.check("input[name=exact]")
    page.click("form.search button[type=submit]")
    page.wait_for_selector(".also")
    assert "Exact search" in page.inner_text(".also") and "order=newest" in page.url
    assert page.errors == []
