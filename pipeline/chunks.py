"""A big pass in chunks: one chunk is fetched while the chunk before it is recorded.

Fetching every source of a pass at once and recording everything at the end kept
all of the pass's crawls (and the crawler's requests for them) alive together: the
process grew with the number of sources (238–265 MB at 10,000). A pass is cut in
chunks of sources, each fetched as one crawl; a chunk is recorded in a daemon
thread while the next one fetches, so at most two chunks' crawls are alive and
the fetching does not wait for the recording. Chunks never fetch at the same time
as each other, so per-host politeness is that of one crawl.

A chunk's runs are started just before its fetch, while no recording writes, and a
whole chunk whose fetch raised is recorded as failed, source by source: the other
chunks' results stand.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from vocab.fetch import Outcome, Plan
from vocab.redact import redact

log = logging.getLogger("lexwatch.run")
# Sources per chunk: enough that a chunk keeps the crawler's download slots busy
# (8 per host, 16 in all) for many seconds, few enough that two chunks' crawls
# and the crawler's queued requests stay a small part of the 150 MB the
# service may take.
CHUNK = 250
# The first chunk's fetch overlaps no recording and the last chunk's recording no
# fetch. A pass in one chunk (a worker's job of 200 sources was one) fetched
# everything, then recorded everything, with the crawler idle meanwhile. So a pass of
# fewer than PARTS chunks of CHUNK is cut in PARTS chunks, of at least FEWEST: every
# chunk waits for its slowest source before the next one starts, so a small pass over
# many hosts (`lexwatch crawl` of the default sources) stays one chunk.
PARTS = 4
FEWEST = 50
T = TypeVar("T")


def chunk_size(count: int, most: int = CHUNK) -> int:
    """Sources per chunk for a pass of `count`: at most `most`, else a PARTS-th of the
    pass, but never fewer than FEWEST (a pass of at most FEWEST is one chunk)."""
    return max(min(most, -(-count // PARTS)), min(FEWEST, most))


@dataclass(frozen=True)
class Begun:
    """A chunk's sources as started: their runs (source id -> run id), plans, and when."""

    run_ids: dict[int, int]
    plans: list[Plan]
    started: float


async def in_chunks(
    items: Sequence[T],
    size: int,
    begin: Callable[[Sequence[T]], Begun],
    fetch: Callable[[list[Plan]], Awaitable[dict[int, Outcome]]],
    record: Callable[[Begun, dict[int, Outcome]], Awaitable[list]],
) -> list:
    """Begin, fetch and record `items` `size` at a time; record's results, chunk after chunk.

    `record` is awaited as a task (it runs in a thread) while the next chunk fetches.
    """
    parts = [items[at : at + size] for at in range(0, len(items), size)]
    results: list = []
    recording: asyncio.Future | None = None
    begun = begin(parts[0])
    for number in range(len(parts)):
        outcomes = await fetch_whole(fetch, begun.plans)
        if recording is not None:
            results += await recording
        ended, begun = begun, begin(parts[number + 1]) if number + 1 < len(parts) else None
        recording = asyncio.ensure_future(record(ended, outcomes))
        del outcomes
    return results + await recording if recording is not None else results


async def fetch_whole(
    fetch: Callable[[list[Plan]], Awaitable[dict[int, Outcome]]], plans: list[Plan]
) -> dict[int, Outcome]:
    """The chunk's outcomes; if its fetch raised, each plan's with that error on it."""
    try:
        return await fetch(plans)
    except Exception as exc:  # a cancellation or a stop (BaseException) goes on up
        log.error("fetching a chunk of %d sources failed", len(plans), exc_info=exc)
        error = redact(f"the crawl of this source's chunk failed: {type(exc).__name__}: {exc}")
        return {plan.source_id: Outcome(plan, errors=[error]) for plan in plans}
