"""The agenda of part 15: Agenda pages and iCalendar feeds read from real crawls with
forecasts and Tweede Kamer steps (its activities from answers built to the OData $metadata);
the feed parses with `icalendar`, keeps its UIDs across crawls, raises SEQUENCE when a date
moves and drops a step no source lists any more."""

from __future__ import annotations

import re

from icalendar import Calendar

from db import repo
from db.engine import session_scope
from db.models import Watch
from vocab.links import agenda_path, watch_agenda_path

from . import agenda_world as world
from .conftest import csrf_token
from .test_tokens import token_of

FEED_LINK = re.compile(r'class="calendar-feed" href="([^"]+)"')


def _feed_link(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return FEED_LINK.search(page.text).group(1).replace("&amp;", "&")


def _calendar(anonymous, link: str) -> dict[str, dict]:
    response = anonymous.get(link)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert str(cal["VERSION"]) == "2.0" and "Lexwatch" in str(cal["PRODID"])
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _forecast(events: dict[str, dict]) -> tuple[str, dict]:
    [(uid, event)] = [(u, e) for u, e in events.items() if world.FORECAST in str(e["SUMMARY"])]
    return uid, event


def test_the_feed_parses_and_keeps_its_uids_when_a_date_moves(app, reader, anonymous) -> None:
    world.first_crawl(app)
    link = _feed_link(reader, agenda_path(world.REG_KEY) + "?around=2026-10-12")
    first = _calendar(anonymous, link)
    uid, forecast = _forecast(first)
    assert forecast.decoded("DTSTART").isoformat() == "2026-10-19"  # all day: a date, no time
    assert forecast.decoded("DTEND").isoformat() == "2026-10-20"
    assert int(forecast["SEQUENCE"]) == 0 and "DTSTAMP" in forecast
    assert "Vote in committee — " in " ".join(str(e["SUMMARY"]) for e in first.values())
    assert not any(
        "(forecast)" in str(e["SUMMARY"]) and "Vote in plenary" in str(e["SUMMARY"])
        for e in first.values()
    ), "the EP's forecast vote came true on its day"

    world.crawl(app, {"oeil-reg": world.oeil("23/11/2026")})  # OEIL moved the sitting
    second = _calendar(anonymous, link)
    assert set(second) == set(first), "every step keeps its UID across the two crawls"
    moved = second[uid]
    assert moved.decoded("DTSTART").isoformat() == "2026-11-23"
    assert int(moved["SEQUENCE"]) == 1 > int(forecast["SEQUENCE"])

    world.crawl(app, {"oeil-reg": world.oeil(None)})  # the forecast is gone from OEIL
    third = _calendar(anonymous, link)
    assert uid not in third and set(third) == set(first) - {uid}


def test_tweede_kamer_steps_are_on_their_file_s_agenda(app, reader, anonymous) -> None:
    world.first_crawl(app)
    page = reader.get(agenda_path(world.TK_KEY), params={"around": "2024-10-01"})
    assert "Zaak gestart" in page.text and "2024-10-09" in page.text
    events = _calendar(anonymous, _feed_link(reader, agenda_path(world.TK_KEY)))
    assert {e.decoded("DTSTART").isoformat() for e in events.values()} == {"2024-10-09"}
    assert any("Zaak gestart" in str(e["SUMMARY"]) for e in events.values())


def _tk(events: dict[str, dict], title: str) -> tuple[str, dict]:
    [(uid, event)] = [(u, e) for u, e in events.items() if str(e["SUMMARY"]).startswith(title)]
    return uid, event


def test_tweede_kamer_activities_move_in_place_and_a_cancelled_one_leaves(
    app, reader, anonymous
) -> None:
    world.crawl(app, {"tk-zaak": world.tk_activities("v1")})
    page = reader.get(agenda_path(world.TK_KEY), params={"around": "2025-10-13"}).text
    assert "Plenair debat: Debat over de CSAM-verordening" in page and "2025-10-16" in page
    assert "Commissiedebat: Bescherming van kinderen online" in page
    assert "details/activiteit?id=2025A05102" in page
    assert "Thorbeckezaal" in page, "the hours and the room are on the page, not only in the feed"
    link = _feed_link(reader, agenda_path(world.TK_KEY))
    first = _calendar(anonymous, link)
    uid, debate = _tk(first, "Plenair debat: Debat over de CSAM-verordening (forecast)")
    assert debate.decoded("DTSTART").isoformat() == "2025-10-16" and int(debate["SEQUENCE"]) == 0
    assert "2025A05102" in str(debate["DESCRIPTION"])
    held_uid, _ = _tk(first, "Commissiedebat: JBZ-Raad —")  # held: no "(forecast)"
    gone, _ = _tk(first, "Commissiedebat: Bescherming van kinderen online")
    assert not any("Procedurevergadering" in str(e["SUMMARY"]) for e in first.values())

    world.crawl(app, {"tk-zaak": world.tk_activities("v2")})  # moved, and one cancelled
    second = _calendar(anonymous, link)
    assert set(second) == set(first) - {gone}, "UIDs stay; the cancelled debate is dropped"
    moved = second[uid]
    assert moved.decoded("DTSTART").isoformat() == "2025-10-30"
    assert int(moved["SEQUENCE"]) == 1 > int(debate["SEQUENCE"])
    assert int(second[held_uid]["SEQUENCE"]) == 0
    page = reader.get(agenda_path(world.TK_KEY), params={"around": "2025-10-13"}).text
    assert "Bescherming van kinderen online" not in page and "2025-10-30" in page


def test_an_ep_plenary_sitting_s_agenda_points_are_on_its_source_s_agenda(
    app, reader, anonymous
) -> None:
    world.crawl(app, {"ep-plenary": world.ep_meeting()})
    page = reader.get(agenda_path("SRC:ep-plenary"), params={"around": "2024-07-01"})
    assert "Election of the President of Parliament (first ballot)" in page.text
    events = _calendar(anonymous, _feed_link(reader, agenda_path("SRC:ep-plenary")))
    assert len(events) == len(world.ep_meeting().events), "each agenda point has its own UID"


def test_a_watch_has_an_agenda_and_a_feed(app, admin, anonymous) -> None:
    world.first_crawl(app)
    with session_scope(app.state.engine) as session:
        watch = repo.add_watch(session, watch=Watch(name="rules", references=["2024/2006(REG)"]))
        watch_id = watch.id
    assert watch_agenda_path(watch_id) in admin.get("/admin/watches").text
    page = admin.get(watch_agenda_path(watch_id), params={"around": "2026-10-12"})
    assert world.FORECAST in page.text and "2026-10-19" in page.text
    assert "Zaak gestart" not in page.text, "the TK motion is not on this watch"
    events = _calendar(anonymous, _feed_link(admin, watch_agenda_path(watch_id)))
    assert _forecast(events)[1].decoded("DTSTART").isoformat() == "2026-10-19"


def test_a_wrong_token_or_the_feed_token_gets_a_403(app, reader, anonymous) -> None:
    world.first_crawl(app)
    link = _feed_link(reader, agenda_path(world.REG_KEY))
    path, _, token = link.partition("?token=")
    user_id, _, mac = token.partition(".")
    for wrong in (f"{user_id}.{'0' * len(mac)}", "nonsense", f"999.{mac}", token_of(reader)):
        assert anonymous.get(path, params={"token": wrong}).status_code == 403
    assert anonymous.get(agenda_path(world.REG_KEY), params={"token": token}).status_code == 403
    assert (
        anonymous.get("/files/EU:2099/0001(COD)/agenda.ics", params={"token": token}).status_code
        == 404
    )


def test_the_file_page_links_its_agenda(app, reader) -> None:
    world.first_crawl(app)
    page = reader.get("/files/" + world.REG_KEY).text
    assert f'href="{agenda_path(world.REG_KEY)}"' in page
    assert reader.get(agenda_path(world.REG_KEY), params={"around": "not a day"}).status_code == 400


def test_rotating_the_feed_token_voids_the_calendar_link(app, reader, anonymous) -> None:
    world.first_crawl(app)
    old = _feed_link(reader, agenda_path(world.REG_KEY))
    assert anonymous.get(old).status_code == 200
    reader.post("/account/token", data={"csrf_token": csrf_token(reader, "/account")})
    new = _feed_link(reader, agenda_path(world.REG_KEY))
    assert new != old and anonymous.get(old).status_code == 403
    assert anonymous.get(new).status_code == 200
