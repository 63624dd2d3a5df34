"""The web app in a real browser: Debian's Chromium driven by Playwright against the app served
by uvicorn on 127.0.0.1. Screenshots of the main pages go to test-artifacts/."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawlers.browser import ARGS, CHROMIUM
from vocab.links import file_path
from vocab.settings import get_settings
from web.app import create_app

from .conftest import FILE_KEY, PASSWORD, add_user, store_history

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PAGE = """<html><head><title>LIBE committee: CSA regulation</title></head><body>
<nav>Home</nav><div id="main"><h2>Status</h2><p>Awaiting committee decision</p>
<h2>Key events</h2><p>2022-05-11 Legislative proposal published</p></div></body></html>"""

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
    reason=f"no Chromium at {CHROMIUM}: run `apt-get install chromium` to run the browser tests",
)


@pytest.fixture
def server(home: Path) -> Iterator[tuple[str, object]]:
    """The app served by uvicorn in a thread on a free port of 127.0.0.1."""
    import uvicorn

    app = create_app(get_settings())
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not served.started and time.monotonic() < deadline:
        time.sleep(0.02)
    port = served.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", app
    served.should_exit = True
    thread.join(10)


@pytest.fixture
def browser() -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


def _page(browser, base: str):
    context = browser.new_context(
        base_url=base, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.errors = errors  # CSP violations and script errors show up here
    return page


def _sign_in(page, email: str) -> None:
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_admin_adds_a_source_after_testing_it_and_sees_it_on_the_board(
    server, browser, site
) -> None:
    base, app = server
    add_user(app, "admin@example.org", "admin")
    site.serve("/libe/csa.html", PAGE)
    page = _page(browser, base)
    page.goto("/admin")
    assert "/login" in page.url
    _shot(page, "login")
    _sign_in(page, "admin@example.org")
    page.wait_for_url("**/admin")
    page.click("text=Add a source")
    page.select_option("select[name=kind]", "page")
    page.fill("input[name=url]", site.url("/libe/csa.html"))
    page.fill("textarea[name=params]", "selector=#main")
    page.fill("input[name=name]", "libe-csa")
    page.fill("input[name=jurisdiction]", "EU")
    page.fill("input[name=every]", "6h")
    page.click("button[value=test]")
    page.wait_for_selector("#test-result")
    result = page.inner_text("#test-result")
    assert "What the parser would record" in result and "Awaiting committee decision" in result
    assert "Legislative proposal published" in result
    _shot(page, "admin-test-before-saving")
    assert page.input_value("input[name=name]") == "libe-csa", "the form keeps what was typed"
    page.click("button[value=save]")
    page.wait_for_url("**/admin")
    row = page.locator("tr", has_text="libe-csa")
    assert row.count() == 1 and "new" in row.inner_text() and "6h" in row.inner_text()
    assert "Added libe-csa." in page.inner_text("main")
    assert "not run yet" in row.inner_text(), "the sparkline waits for the first run"
    _shot(page, "admin-health-board")
    assert page.errors == []


def test_a_bad_selector_is_shown_next_to_the_field_and_nothing_is_saved(
    server, browser, site
) -> None:
    base, app = server
    add_user(app, "admin@example.org", "admin")
    site.serve("/libe/csa.html", PAGE)
    page = _page(browser, base)
    page.goto("/admin/sources/new")
    _sign_in(page, "admin@example.org")
    page.wait_for_url("**/admin/sources/new")
    page.fill("input[name=url]", site.url("/libe/csa.html"))
    page.fill("textarea[name=params]", "selector=###")
    page.fill("input[name=name]", "libe-csa")
    page.fill("input[name=every]", "6h")
    page.click("button[value=save]")
    error = page.locator("#params-error")
    error.wait_for()
    assert "selector: '###' is not a CSS selector" in error.inner_text()
    assert "--" not in error.inner_text(), "no command-line flag in a web message"
    params = page.locator("textarea[name=params]")
    assert params.get_attribute("aria-invalid") == "true"
    assert params.get_attribute("aria-describedby") == "params-error"
    # Next to the field: the error is the element right after the parameters' label.
    follows = page.evaluate(
        "document.querySelector('textarea[name=params]').closest('label').nextElementSibling.id"
    )
    assert follows == "params-error"
    assert page.input_value("input[name=name]") == "libe-csa", "the form keeps what was typed"
    assert page.input_value("textarea[name=params]") == "selector=###"
    _shot(page, "admin-source-refused")
    page.goto("/admin")
    assert page.locator("tr", has_text="libe-csa").count() == 0
    assert site.requests == []
    # The refused form is answered with status 400, which Chromium logs; nothing else may be.
    assert [e for e in page.errors if "status of 400" not in e] == []


def test_a_reader_searches_opens_a_file_compares_versions_and_downloads_csv(
    server, browser
) -> None:
    base, app = server
    store_history(app)
    add_user(app, "reader@example.org", "reader")
    page = _page(browser, base)
    page.goto("/")
    _sign_in(page, "reader@example.org")
    page.wait_for_selector("form.search")
    _shot(page, "home")
    page.fill("input[name=q]", "encryption")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li")
    assert "encryption" in page.inner_text("ol.hits mark").lower()
    _shot(page, "search-results")
    page.click(f"ol.hits a[href='{file_path(FILE_KEY)}']")
    page.wait_for_selector("#timeline")
    assert "Vote in committee, 1st reading" in page.inner_text("#timeline")
    assert "COM(2022) 209" in page.inner_text("#identifiers")
    _shot(page, "file")
    page.click("form.compare button[type=submit]")
    page.wait_for_selector("table.diff")
    assert (
        page.locator("table.diff ins").count() > 0 and page.locator("table.diff .moved").count() > 0
    )
    _shot(page, "compare-side-by-side")
    page.click("text=inline")
    page.wait_for_selector("table.diff.inline")
    _shot(page, "compare-inline")
    page.goto("/search?q=child")
    with page.expect_download() as download:
        page.click("a:text('CSV')")
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert content.startswith("rank,type,title") and FILE_KEY in content
    assert page.errors == []


def test_a_reader_cannot_reach_any_admin_page_or_action(server, browser) -> None:
    base, app = server
    store_history(app)
    add_user(app, "reader@example.org", "reader")
    page = _page(browser, base)
    page.goto("/")
    _sign_in(page, "reader@example.org")
    page.wait_for_selector("form.search")
    assert page.locator("nav a[href='/admin']").count() == 0
    for path in (
        "/admin",
        "/admin/sources/new",
        "/admin/sources/1/edit",
        "/admin/users",
        "/admin/subscribers",
        "/admin/watches",
    ):
        response = page.goto(path)
        assert response.status == 403 and "Only admins" in page.inner_text("main"), path
    _shot(page, "reader-forbidden")
    token = page.get_attribute("input[name=csrf_token]", "value")
    for path in ("/admin/sources/1/pause", "/admin/sources/1/delete", "/admin/users"):
        response = page.request.post(
            path,
            form={
                "csrf_token": token,
                "email": "x@example.org",
                "password": "a long password",
                "role": "admin",
            },
        )
        assert response.status == 403, path
    page.goto("/api/sources")
    assert '"enabled":true' in page.content().replace(" ", "")


def test_the_feed_token_opens_feeds_only_rotates_and_sign_out_ends_the_session(
    server, browser
) -> None:
    base, app = server
    store_history(app)
    add_user(app, "admin@example.org", "admin")
    page = _page(browser, base)
    page.goto("/account")
    _sign_in(page, "admin@example.org")
    page.wait_for_url("**/account")
    token = page.inner_text("pre.token").strip()
    stranger = _page(browser, base)  # another browser that holds only the token
    feed = stranger.request.get(f"/search.atom?q=child&token={token}")
    assert feed.status == 200 and "<entry>" in feed.text()
    api = stranger.request.get("/api/sources", headers={"Authorization": f"Bearer {token}"})
    assert api.status == 200
    refused = stranger.goto(f"/admin/users?token={token}")
    assert refused.status == 403 and "feed token opens feeds" in stranger.inner_text("main")
    stranger.goto("/login")
    csrf = stranger.get_attribute("input[name=csrf_token]", "value")
    attack = stranger.request.post(
        f"/admin/users?token={token}",
        form={
            "csrf_token": csrf,
            "email": "evil@example.org",
            "password": "a long password",
            "role": "admin",
        },
    )
    assert attack.status == 403
    page.click("#rotate-token button")
    page.wait_for_selector("text=You have a new token")
    assert page.inner_text("pre.token").strip() != token
    assert stranger.request.get(f"/search.atom?q=child&token={token}").status == 401
    _shot(page, "account")
    kept = page.context.cookies()
    page.click("nav button:text('Sign out')")
    page.wait_for_url("**/login")
    replay = browser.new_context(base_url=base)
    replay.add_cookies(kept)
    replayed = replay.new_page()
    replayed.goto("/admin")
    assert "/login" in replayed.url and replayed.locator("form.stacked").count() == 1
    assert "admin@example.org" not in replayed.inner_text("body")
    assert page.errors == []
    replay.close()
