"""monitor.agenda on the real 2024/2006(REG) records of OEIL and the EP API: one step reported
by two sources is one entry, and SEQUENCE counts every move of a forecast's date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.agenda import Sighting, entries
from tests.web import agenda_world as world

T0 = datetime(2026, 9, 1, tzinfo=UTC)


def _seen(source: str, record, hours: int) -> Sighting:
    return Sighting(world.REG_KEY, source, record, T0 + timedelta(hours=hours))


def test_a_step_two_sources_report_is_one_entry_with_both() -> None:
    agenda = entries([_seen("oeil-reg", world.oeil(), 0), _seen("ep-reg", world.ep_api(), 1)])
    [vote] = [e for e in agenda if e.step == "committee_vote"]
    assert (vote.date, set(vote.sources)) == ("2024-04-03", {"oeil-reg", "ep-reg"})
    assert len({e.uid for e in agenda}) == len(agenda)


def test_every_move_of_a_date_raises_the_sequence_and_the_uid_stays() -> None:
    days = ("19/10/2026", "23/11/2026", "19/10/2026")
    history = [_seen("oeil-reg", world.oeil(day), hour) for hour, day in enumerate(days)]
    [first] = [e for e in entries(history[:1]) if e.forecast]
    [last] = [e for e in entries(history) if e.forecast]
    assert (last.uid, last.date, last.sequence) == (first.uid, "2026-10-19", 2)
    assert last.changed_at == T0 + timedelta(hours=2)


def test_an_unchanged_crawl_changes_nothing() -> None:
    once = entries([_seen("oeil-reg", world.oeil(), 0)])
    twice = entries([_seen("oeil-reg", world.oeil(), 0), _seen("oeil-reg", world.oeil(), 5)])
    assert once == twice
    assert all(e.sequence == 0 for e in twice)
