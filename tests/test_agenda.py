"""monitor.agenda on the real 2024/2006(REG) records of OEIL and the EP API: one step reported
by two sources is one entry, and SEQUENCE counts every move of a forecast's date."""

from __future__ import annotations

from dataclasses import replace
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


def test_a_tweede_kamer_activity_is_known_by_its_id_planned_moved_or_held() -> None:
    # The TK answers are built to the OData $metadata (no Activiteit was captured).
    def tk(version: str, hours: int) -> Sighting:
        return Sighting(
            world.TK_KEY, "tk-zaak", world.tk_activities(version), T0 + timedelta(hours=hours)
        )

    before = {e.title: e for e in entries([tk("v1", 0)])}
    after = {e.title: e for e in entries([tk("v1", 0), tk("v2", 1)])}
    debate = "Plenair debat: Debat over de CSAM-verordening"
    assert (after[debate].uid, after[debate].date) == (before[debate].uid, "2025-10-30")
    assert (before[debate].sequence, after[debate].sequence) == (0, 1)
    assert set(before) - set(after) == {"Commissiedebat: Bescherming van kinderen online"}
    held = before["Commissiedebat: JBZ-Raad"]
    assert held.uid == after[held.title].uid and not held.forecast


def test_a_planned_activity_once_held_keeps_its_uid_and_is_no_forecast() -> None:
    planned = world.tk_activities("v1")
    held = replace(planned, events=tuple(replace(e, forecast=False) for e in planned.events))
    seen = [
        Sighting(world.TK_KEY, "tk-zaak", r, T0 + timedelta(hours=h))
        for h, r in enumerate((planned, held))
    ]
    [before] = [e for e in entries(seen[:1]) if e.title == "Stemmingen"]
    [after] = [e for e in entries(seen) if e.title == "Stemmingen"]
    assert (after.uid, after.sequence, before.forecast, after.forecast) == (
        before.uid,
        0,
        True,
        False,
    )
