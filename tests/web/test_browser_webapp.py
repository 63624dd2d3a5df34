"""The web app's reader and admin pages of part 11 in a real browser (Debian's Chromium): the
Changes page's filters, pages and exports, watch and subscriber management, the health board's
filter at 200 sources, the links to official pages and the compare page. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from xml.etree import ElementTree

from sqlmodel import select

from db.engine import session_scope
from db.models import Change, Source
from vocab.links import file_path

from . import builders
from . import test_browser as shared
from .conftest import FILE_KEY, add_user, store_history
from .test_browser import _page, _shot, _sign_in

pytestmark = shared.pytestmark  # skipped, with how to get it, when Chromium is missing
server, browser = (
    shared.server,
    shared.browser,
)  # the same fixtures: the app under uvicorn, Chromium

ATOM = "{http://www.w3.org/2005/Atom}"


def _signed_in(browser, base: str, app, email: str, role: str, path: str = "/"):
    add_user(app, email, role)
    page = _page(browser, base)
    page.goto(path)
    _sign_in(page, email)
    page.wait_for_url(f"**{path}")
    return page


def _changes_of(app, source: str) -> set[int]:
    with session_scope(app.state.engine) as session:
        query = (
            select(Change.id)
            .join(Source, Source.id == Change.source_id)
            .where(Source.name == source)
        )
        return set(session.exec(query))


def _listed(page) -> list[int]:
    return [
        int(i.split("-")[1])
        for i in page.eval_on_selector_all(
            "table.changes-list tbody tr", "rows => rows.map(r => r.id)"
        )
    ]


def test_a_reader_filters_pages_and_exports_the_changes(server, browser) -> None:
    base, app = server
    store_history(app)
    builders.gazette(app, 60)
    builders.motion(app)
    builders.seed_watches(app)
    days = builders.spread(app)
    page = _signed_in(browser, base, app, "reader@example.org", "reader")
    page.click("nav a:text('Changes')")
    page.wait_for_url("**/changes")
    newest = sorted(days, key=lambda i: (days[i], i), reverse=True)
    assert _listed(page) == newest[:50]
    page.click("a[rel=next]")
    page.wait_for_url("**/changes?page=2")
    assert _listed(page) == newest[50:]
    page.click("a[rel=prev]")
    page.wait_for_url("**/changes?page=1")
    _shot(page, "changes")

    page.select_option("select[name=jurisdiction]", "HU")
    page.fill("input[name=from]", "2026-01-10")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*jurisdiction=HU.*"))
    first = _listed(page)
    assert len(first) == 50 and all(days[i].date().isoformat() >= "2026-01-10" for i in first)
    assert builders.GAZETTE in page.inner_text(
        "table.changes-list"
    ) and "SRC:" not in page.inner_text("main")
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r".*page=2.*"))
    assert "jurisdiction=HU" in page.url and "from=2026-01-10" in page.url, (
        "the pages keep the filter"
    )
    assert page.input_value("input[name=from]") == "2026-01-10"
    everything = first + _listed(page)
    gazette = _changes_of(app, builders.GAZETTE)
    assert everything == [
        i for i in newest if i in gazette and days[i].date().isoformat() >= "2026-01-10"
    ]
    with page.expect_download() as download:
        page.click("a.csv")
    rows = list(
        csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8")))
    )
    assert [int(r["url"].rsplit("-", 1)[1]) for r in rows] == everything, "the CSV: every page"
    assert {r["jurisdiction"] for r in rows} == {"HU"}
    feed = page.request.get(page.get_attribute("a.atom", "href"))
    entries = ElementTree.fromstring(feed.body()).findall(f"{ATOM}entry")
    assert [int(e.find(f"{ATOM}id").text.rsplit("-", 1)[1]) for e in entries] == everything[:50]
    _shot(page, "changes-filtered")

    page.goto("/changes")
    page.select_option("select[name=watch]", builders.CSA_WATCH)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*watch=csa-regulation.*"))
    files = set(
        page.eval_on_selector_all(
            "table.changes-list tbody tr td:nth-child(3) a",
            "links => links.map(a => a.getAttribute('href'))",
        )
    )
    assert files == {file_path(FILE_KEY), file_path(builders.MOTION_KEY)}
    assert page.errors == []


def test_an_admin_manages_watches_and_subscribers(server, browser) -> None:
    base, app = server
    page = _signed_in(browser, base, app, "admin@example.org", "admin", "/admin")
    page.click("nav.subnav a:text('Watches')")
    page.click("a.add")
    page.fill("input[name=name]", "csa")
    page.fill("textarea[name=references]", "")
    page.click("form.watch-form button[type=submit]")
    error = page.locator("#terms-error")
    error.wait_for()
    assert error.inner_text() == "give at least one term or reference, or the watch matches nothing"
    assert page.locator("textarea[name=terms]").get_attribute("aria-invalid") == "true"
    follows = page.evaluate(
        "document.querySelector('textarea[name=terms]').closest('label').nextElementSibling.id"
    )
    assert follows == "terms-error", "the refusal is right after its field"
    assert page.input_value("input[name=name]") == "csa"
    _shot(page, "admin-watch-refused")
    page.fill("textarea[name=terms]", "chat control\nChatkontrolle")
    page.fill("textarea[name=references]", "2022/0155(COD)")
    page.fill("input[name=jurisdictions]", "eu, nl")
    page.select_option("select[name=min_significance]", "major")
    page.click("form.watch-form button[type=submit]")
    page.wait_for_url("**/admin/watches")
    row = page.locator("table.watches tr", has_text="csa")
    assert (
        "Chatkontrolle" in row.inner_text()
        and "EU, NL" in row.inner_text()
        and "major" in row.inner_text()
    )
    row.locator("a:text('edit')").click()
    page.fill("input[name=name]", "csa-regulation")
    page.click("form.watch-form button[type=submit]")
    page.wait_for_url("**/admin/watches")
    assert "Saved the watch csa-regulation." in page.inner_text("main")
    _shot(page, "admin-watches")

    page.click("nav.subnav a:text('Subscribers')")
    page.click("a.add")
    page.fill("input[name=email]", "officer@example.org")
    page.fill("input[name=name]", "Policy officer")
    page.fill("input[name=language]", "dutch")
    page.check("fieldset.watches input[type=checkbox]")
    page.click("form.subscriber-form button[type=submit]")
    page.locator("#language-error").wait_for()
    assert "not a two-letter language code" in page.inner_text("#language-error")
    assert "--" not in page.inner_text("#language-error")
    assert page.is_checked("fieldset.watches input[type=checkbox]"), "the ticks are kept"
    page.fill("input[name=language]", "nl")
    page.click("form.subscriber-form button[type=submit]")
    page.wait_for_url("**/admin/subscribers")
    row = page.locator("table.subscribers tr", has_text="officer@example.org")
    assert "csa-regulation" in row.inner_text() and "active" in row.inner_text()
    row.locator("a:text('edit')").click()
    page.uncheck("fieldset.watches input[type=checkbox]")
    page.click("form.subscriber-form button[type=submit]")
    assert "tick at least one watch" in page.locator("#watches-error").inner_text()
    _shot(page, "admin-subscriber-refused")
    page.goto("/admin/subscribers")
    page.locator("table.subscribers tr", has_text="officer@example.org").locator(
        "a:text('remove')"
    ).click()
    page.click("button.danger")
    page.wait_for_url("**/admin/subscribers")
    assert "Removed the subscriber officer@example.org." in page.inner_text("main")
    assert page.locator("table.subscribers tr", has_text="officer@example.org").count() == 0
    page.goto("/admin/watches")
    page.locator("table.watches tr", has_text="csa-regulation").locator("a:text('remove')").click()
    page.click("button.danger")
    page.wait_for_url("**/admin/watches")
    assert "No watches yet." in page.inner_text("table.watches")
    assert [e for e in page.errors if "status of 400" not in e] == []


def test_the_board_stays_readable_at_200_sources_and_filters_by_link(server, browser) -> None:
    base, app = server
    made = builders.many_sources(app, 200)
    page = _signed_in(browser, base, app, "admin@example.org", "admin", "/admin")
    rows = page.locator("table.board tbody tr")
    assert rows.count() == 50
    heights = page.eval_on_selector_all(
        "table.board tbody tr", "rows => rows.map(r => r.getBoundingClientRect().height)"
    )
    _shot(page, "admin-board-200")
    assert max(heights) <= 40, f"one line per source, not {max(heights)} px"
    total = page.evaluate("document.documentElement.scrollHeight")
    assert total < 2600, f"the board is {total} px tall"  # it was 5,400 px for 45 sources
    _shot(page, "admin-board-200")
    page.select_option("select[name=health]", "broken")
    page.select_option("select[name=jurisdiction]", "DE")
    page.click("form.board-filter button[type=submit]")
    page.wait_for_url(re.compile(r".*health=broken.*jurisdiction=DE.*"))
    wanted = sorted(s.name for s in made if s.health == "broken" and s.jurisdiction == "DE")
    shown = sorted(
        page.eval_on_selector_all("td.source-cell a", "links => links.map(a => a.textContent)")
    )
    assert shown == wanted and wanted
    link = page.url
    other = _page(browser, base)  # a filtered board is a link: another tab opens it as it is
    other.context.add_cookies(page.context.cookies())
    other.goto(link)
    assert (
        sorted(
            other.eval_on_selector_all("td.source-cell a", "links => links.map(a => a.textContent)")
        )
        == wanted
    )
    page.goto("/admin")
    page.click("p.health-counts a.health-paused")
    page.wait_for_url(re.compile(r".*health=paused.*"))
    assert (
        page.locator("table.board tbody tr .badge:text('paused')").count()
        == page.locator("table.board tbody tr").count()
        > 0
    )
    _shot(page, "admin-board-filtered")
    assert page.errors == []


def test_a_file_page_links_to_its_official_pages_and_compares_one_source(server, browser) -> None:
    base, app = server
    store_history(app)
    builders.motion(app)
    page = _signed_in(browser, base, app, "reader@example.org", "reader", file_path(FILE_KEY))
    links = page.eval_on_selector_all(
        "dd.official a", "links => links.map(a => [a.textContent, a.href])"
    )
    assert links == [
        [
            "OEIL",
            "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2022/0155(COD)",
        ],
        ["EUR-Lex", "https://eur-lex.europa.eu/procedure/EN/2022_155"],
    ]
    assert page.inner_text("dd.reference") == "2022/0155(COD)"
    _shot(page, "file-official-pages")
    page.click("#versions form.compare button[type=submit]")
    page.wait_for_selector("table.diff")
    summary = page.inner_text("p.summary")
    for op in ("added", "removed", "changed", "moved"):
        said = sum(int(n) for n in re.findall(rf"(\d+) (?:paragraph|heading)s? {op}", summary))
        assert said == page.locator(f"table.diff tr.row-{op}").count(), (op, summary)
    page.goto(file_path(builders.MOTION_KEY))
    assert page.inner_text("h1") == "Motie van het lid Kathmann over de CSAM-verordening"
    assert page.inner_text("dd.reference") == "Kamerstuk 32317, nr. 891"
    assert (
        page.get_attribute("dd.official a", "href")
        == "https://zoek.officielebekendmakingen.nl/kst-32317-891.html"
    )
    assert page.errors == []
