"""The digest period: the last complete week, Monday 07:00 to Monday 07:00 local time, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from digests.send import period_for

BRUSSELS = ZoneInfo("Europe/Brussels")


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        (_local(2025, 10, 13, 7, 0), _local(2025, 10, 6, 7), _local(2025, 10, 13, 7)),  # on the dot
        (
            _local(2025, 10, 13, 6, 59),
            _local(2025, 9, 29, 7),
            _local(2025, 10, 6, 7),
        ),  # just before
        (_local(2025, 10, 15, 12, 0), _local(2025, 10, 6, 7), _local(2025, 10, 13, 7)),  # Wednesday
        (_local(2025, 10, 19, 23, 59), _local(2025, 10, 6, 7), _local(2025, 10, 13, 7)),  # Sunday
    ],
)
def test_the_last_complete_week(now: datetime, start: datetime, end: datetime) -> None:
    assert period_for(now, "Europe/Brussels") == (start.astimezone(UTC), end.astimezone(UTC))


def test_the_result_is_utc_and_a_naive_looking_utc_now_works() -> None:
    start, end = period_for(datetime(2025, 10, 13, 6, 0, tzinfo=UTC), BRUSSELS)  # 08:00 local
    assert (start, end) == (
        datetime(2025, 10, 6, 5, tzinfo=UTC),
        datetime(2025, 10, 13, 5, tzinfo=UTC),
    )
    assert start.tzinfo is UTC


def test_a_week_across_the_clock_change_is_still_monday_to_monday_local() -> None:
    start, end = period_for(_local(2025, 10, 27, 9, 0), "Europe/Brussels")  # CEST -> CET on 26 Oct
    assert start == datetime(2025, 10, 20, 5, tzinfo=UTC)  # 07:00 CEST
    assert end == datetime(2025, 10, 27, 6, tzinfo=UTC)  # 07:00 CET
    assert end - start == timedelta(hours=169)


def test_consecutive_periods_meet_without_gap_or_overlap() -> None:
    now = _local(2025, 1, 6, 8, 0)
    previous_end = None
    for week in range(60):
        start, end = period_for(now + timedelta(weeks=week), "Europe/Brussels")
        assert previous_end in (None, start)
        previous_end = end


def test_another_timezone() -> None:
    start, end = period_for(datetime(2025, 10, 13, 12, 0, tzinfo=UTC), "America/New_York")
    assert start == datetime(2025, 10, 6, 11, tzinfo=UTC)  # 07:00 EDT
    assert end == datetime(2025, 10, 13, 11, tzinfo=UTC)
