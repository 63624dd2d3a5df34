"""The Agenda page in a real browser (Debian's Chromium): reached from the file page, it lists
the real forecast and steps of the crawled file, and its calendar link answers an iCalendar
feed that `icalendar` reads; a Tweede Kamer file's agenda shows its planned activity with
the Kamer's page of it. Screenshots go to test-artifacts/."""

from __future__ import annotations

from icalendar import Calendar

from vocab.links import agenda_path, file_path

from . import agenda_world as world
from . import test_browser as shared
from .test_browser import _shot
from .test_browser_webapp import _signed_in

pytestmark = shared.pytestmark  # skipped, with how to get it, when Chromium is missing
server, browser = shared.server, shared.browser  # the app under uvicorn, Chromium


def test_a_reader_opens_a_file_s_agenda_and_follows_its_calendar_link(server, browser) -> None:
    base, app = server
    world.first_crawl(app)
    page = _signed_in(browser, base, app, "reader@example.org", "reader", file_path(world.REG_KEY))
    page.click("a:text-is('Agenda')")
    page.wait_for_url(f"**{agenda_path(world.REG_KEY)}")
    page.goto(agenda_path(world.REG_KEY) + "?around=2026-10-12")
    assert page.inner_text("h1").startswith("Agenda: EP Rules of Procedure")
    rows = page.inner_text("table.agenda tbody")
    assert "2026-10-19" in rows and world.FORECAST in rows
    _shot(page, "agenda")

    feed = page.request.get(page.get_attribute("a.calendar-feed", "href"))
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.body()).walk("VEVENT")]
    assert any(world.FORECAST in s for s in summaries)
    assert not page.errors, page.errors


def test_a_reader_sees_a_tweede_kamer_activity_on_its_file_s_agenda(server, browser) -> None:
    # The TK answer is built to the OData $metadata (no Activiteit was captured).
    base, app = server
    world.crawl(app, {"tk-zaak": world.tk_activities("v1")})
    page = _signed_in(browser, base, app, "reader@example.org", "reader", file_path(world.TK_KEY))
    page.click("a:text-is('Agenda')")
    page.wait_for_url(f"**{agenda_path(world.TK_KEY)}")
    page.goto(agenda_path(world.TK_KEY) + "?around=2025-10-13")
    rows = page.inner_text("table.agenda tbody")
    assert "2025-10-16" in rows and "Plenair debat: Debat over de CSAM-verordening" in rows
    link = page.get_attribute("table.agenda a:text('Plenair debat')", "href")
    assert link.endswith("/plenaire_vergaderingen/details/activiteit?id=2025A05102")
    _shot(page, "agenda-tweede-kamer")
    assert not page.errors, page.errors
