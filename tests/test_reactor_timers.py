"""Timers that a crawl's requests set and cancel do not stay in the reactor (crawlers/reactor.py)."""

from __future__ import annotations

import asyncio
import gc
import weakref

from crawlers import reactor


async def _cancelled_timers(count: int) -> list[weakref.ref]:
    from twisted.internet import reactor as twisted

    calls = [twisted.callLater(600, print) for _ in range(count)]
    for call in calls:
        call.cancel()
    return [weakref.ref(call) for call in calls]


async def _forgotten(count: int, forget: bool) -> int:
    refs = await _cancelled_timers(count)
    if forget:
        reactor.forget_cancelled_timers()
    await asyncio.sleep(0.05)  # the reactor's next turn
    gc.collect()
    return sum(1 for ref in refs if ref() is None)


def test_cancelled_timers_are_forgotten_when_asked() -> None:
    assert reactor.run_coroutine(_forgotten(200, forget=True), timeout=30) == 200
