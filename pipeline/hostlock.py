"""Politeness across workers: at most one `lexwatch worker` fetches from a host at a time.

Each worker's crawler already keeps its own per-host limit
(LEXWATCH_CONCURRENT_PER_DOMAIN); two workers fetching one host at once would
double it. So a worker takes the host's lock in Redis before it fetches a batch
of that host's sources and gives it back as soon as the answers are in: the
parse and the store that follow (most of a job's CPU) need no lock, so another
worker fetches the host's next batch meanwhile.

The lock is a lease: `SET key token NX PX lease`, renewed every third of the
lease while fetching and deleted at the end, both only if the token is still
ours. A worker killed mid-fetch stops renewing, and the host is free again
within one lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("lexwatch.worker")
PREFIX = "lexwatch:host:"
LEASE = 20.0  # seconds a lock outlives its last renewal
POLL = 0.05  # seconds between tries while another worker holds the host
RENEW = """if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"""
RELEASE = """if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1]) else return 0 end"""


@contextlib.asynccontextmanager
async def holding(redis_url: str, host: str, lease: float = LEASE) -> AsyncIterator[None]:
    """Fetch from `host` inside this block only: the lock is ours, renewed until the block ends."""
    client = Redis.from_url(redis_url)
    key, token = PREFIX + host, uuid.uuid4().hex
    try:
        while not await client.set(key, token, nx=True, px=int(lease * 1000)):
            await asyncio.sleep(POLL)
        renewing = asyncio.ensure_future(_renew(client, key, token, lease))
        try:
            yield
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)
            with contextlib.suppress(RedisError):  # unreleased, it lapses within a lease
                await client.eval(RELEASE, 1, key, token)
    finally:
        await client.aclose()


async def _renew(client: Redis, key: str, token: str, lease: float) -> None:
    while True:
        await asyncio.sleep(lease / 3)
        if not await client.eval(RENEW, 1, key, token, int(lease * 1000)):
            log.warning("the lock on %s lapsed while fetching (a stall over %g s)", key, lease)
            return
