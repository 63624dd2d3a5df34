"""One place for schedule logic: `status` shows the next run the scheduler's own trigger gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from db.models import Source
from digests.send import period_for
from monitor import schedule
from scheduler import daemon as scheduler
from vocab.settings import get_settings

BRUSSELS = ZoneInfo("Europe/Brussels")


def _cron_source() -> Source:
    return Source(id=1, name="daily", kind="page", url="https://e.org/", cron="0 6 * * *")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 1, 10, 12, 0, tzinfo=UTC), datetime(2026, 1, 11, 5, 0, tzinfo=UTC)),  # CET
        (datetime(2026, 7, 10, 12, 0, tzinfo=UTC), datetime(2026, 7, 11, 4, 0, tzinfo=UTC)),  # CEST
    ],
)
def test_a_cron_source_runs_at_its_local_time(now: datetime, expected: datetime) -> None:
    assert schedule.next_run(_cron_source(), now, "Europe/Brussels") == expected
    fire = schedule.source_trigger(_cron_source(), "Europe/Brussels", now).get_next_fire_time(
        None, now
    )
    assert expected <= fire <= expected + timedelta(seconds=schedule.CRON_JITTER)


def test_an_interval_source_is_due_one_interval_after_its_last_run() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    source = Source(name="s", kind="page", url="https://e.org/", every_seconds=3600)
    assert schedule.next_run(source, now, "UTC") == now  # never run: due now
    source.last_run_at = now - timedelta(minutes=20)
    due = now + timedelta(minutes=40)
    assert schedule.next_run(source, now, "UTC") == due
    fire = schedule.source_trigger(source, "UTC", now).get_next_fire_time(None, now)
    assert due <= fire <= due + timedelta(seconds=360)  # jitter: 10 % of the interval
    source.enabled = False
    assert schedule.next_run(source, now, "UTC") is None


def test_the_digest_goes_out_on_monday_at_seven_local_time() -> None:
    wednesday = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    fire = schedule.digest_trigger("Europe/Brussels").get_next_fire_time(None, wednesday)
    assert fire == datetime(2026, 3, 9, 7, 0, tzinfo=BRUSSELS)
    last = schedule.last_digest_time(wednesday, "Europe/Brussels")
    assert last == datetime(2026, 3, 2, 7, 0, tzinfo=BRUSSELS)
    assert period_for(wednesday, "Europe/Brussels")[1] == last
    assert schedule.moment_weeks_before(last, -1) == fire


def test_status_shows_the_next_run_the_scheduler_uses(lexwatch, monkeypatch) -> None:
    monkeypatch.setenv("LEXWATCH_TIMEZONE", "Europe/Brussels")
    get_settings.cache_clear()
    added = lexwatch(
        "sources",
        "add",
        "--kind",
        "page",
        "--url",
        "https://e.org/",
        "--name",
        "daily",
        "--cron",
        "0 6 * * *",
    )
    assert added.code == 0, added.err
    [row] = lexwatch("status", "--format", "json").json()
    next_run = datetime.fromisoformat(row["next_run_at"])
    local = next_run.astimezone(BRUSSELS)
    assert (local.hour, local.minute) == (6, 0)
    assert next_run.astimezone(UTC).hour in (4, 5)

    source = _cron_source()
    [job] = [j for j in scheduler.job_table([source], get_settings()) if j.id == "source:1"]
    fire = job.trigger.get_next_fire_time(None, next_run - timedelta(minutes=1))
    assert next_run <= fire <= next_run + timedelta(seconds=schedule.CRON_JITTER)
