"""The per-address sliding window (web.limits): how long to wait, and idle addresses forgotten."""

from __future__ import annotations

from web import limits
from web.limits import AddressLimiter


def test_the_wait_is_until_the_oldest_request_leaves_the_window() -> None:
    limiter = AddressLimiter(2, 60)
    assert [limiter.wait("a", now) for now in (0.0, 10.0)] == [0.0, 0.0]
    assert limiter.wait("a", 15.0) == 45.0 and limiter.wait("b", 15.0) == 0.0
    assert limiter.wait("a", 60.0) == 0.0, "the first request has left the window"
    assert not limiter.allow("a", 61.0), "a refused request was not counted, the others were"


def test_idle_addresses_are_forgotten_when_too_many_are_remembered(monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_ADDRESSES", 3)
    limiter = AddressLimiter(1, 60)
    for number, now in ((1, 0.0), (2, 0.0), (3, 50.0)):
        limiter.wait(f"10.0.0.{number}", now)
    limiter.wait("10.0.0.4", 70.0)
    assert sorted(limiter._seen) == ["10.0.0.3", "10.0.0.4"]
