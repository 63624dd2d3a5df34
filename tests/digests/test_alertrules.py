"""The pure rules of alerts: quiet hours across midnight, the back-off, masked channel URLs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from digests.alertrules import RETRY_DELAYS, check_channel, is_quiet, next_try, quiet_span
from vocab.channels import mask, secrets_of
from vocab.errors import ConfigError
from vocab.redact import redact

TZ = "Europe/Brussels"


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 3, hour, minute, tzinfo=ZoneInfo(TZ)).astimezone(UTC)


def test_quiet_hours_run_across_midnight_and_end_on_the_hour() -> None:
    assert [
        is_quiet(_at(h, m), "22-07", TZ) for h, m in [(21, 59), (22, 0), (3, 0), (6, 59), (7, 0)]
    ] == [False, True, True, True, False]
    assert [is_quiet(_at(h), "12-14", TZ) for h in (11, 12, 13, 14)] == [False, True, True, False]
    assert not is_quiet(_at(3), "", TZ)


@pytest.mark.parametrize("spec", ["22", "22-22", "25-07", "late", "22-07-09"])
def test_quiet_hours_that_are_no_span_are_refused_in_one_line(spec: str) -> None:
    with pytest.raises(ConfigError, match="22-07") as refused:
        quiet_span(spec)
    assert refused.value.field == "quiet_hours" and "\n" not in str(refused.value)


def test_a_failed_send_is_tried_after_each_delay_then_given_up() -> None:
    now = datetime(2026, 12, 3, tzinfo=UTC)
    tries = [next_try(n, now) for n in range(1, len(RETRY_DELAYS) + 2)]
    assert tries[:-1] == [now + d for d in RETRY_DELAYS] and tries[-1] is None
    assert tuple(sorted(RETRY_DELAYS)) == RETRY_DELAYS and RETRY_DELAYS[-1] == timedelta(hours=4)


def test_a_channel_is_shown_masked_and_its_secrets_can_be_removed_from_any_text() -> None:
    slack = "slack://T1234ABCD/B5678EFGH/abcdefghijklmnopqrstuvwx"
    assert mask(slack).startswith("slack://… #") and "T1234" not in mask(slack)
    mail = "mailto://ann:pa55word-x@smtp.example.org:587?to=desk@ngo.example"
    assert mask(mail).startswith("mailto://smtp.example.org:587/… #") and "pa55" not in mask(mail)
    said = f"Failed to send to {slack}: token abcdefghijklmnopqrstuvwx refused"
    assert "abcdefghijklmnopqrstuvwx" not in redact(said, secrets_of(slack))
    assert mask(slack) != mask(slack + "x")  # two channels of one kind are told apart


def test_an_unknown_channel_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigError) as refused:
        check_channel("nosuchservice://secret-token-123456")
    assert "secret-token-123456" not in str(refused.value) and refused.value.field == "alerts"
    assert check_channel(" json://127.0.0.1:9/hook ") == "json://127.0.0.1:9/hook"
