"""Politeness across workers: the requests in flight to one host, all workers together, stay within its limit.

Each worker's crawler keeps its own per-host limit (LEXWATCH_CONCURRENT_PER_DOMAIN);
two workers fetching one host with the whole limit each would double it. So the
limit is a pool of permits in Redis, one per request in flight: a worker takes
a share of the host's permits before it fetches a batch of that host's sources,
fetches with no more requests in flight than it holds (crawlers/downloader.py),
and gives them back as soon as the answers are in. A host whose sources went
into one job is fetched by one worker with the whole limit; a host split into
two jobs for two workers is fetched by both at once, each with half of it (on a
pass of 304s the fetch is most of a job's CPU, and one worker at a time left the
other core idle). A worker that finds no permit free waits for one.

The holders of a host's permits are one Redis hash (token -> "permits:expiry"),
changed only by the Lua scripts below, on Redis's own clock: a share is a lease,
renewed every third of the lease while fetching and deleted at the end. A
worker killed mid-fetch stops renewing, and its permits are free again within
one lease.
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
PREFIX = "lexwatch:host-permits:"
LEASE = 20.0  # seconds a share outlives its last renewal
POLL = 0.05  # seconds between tries while the host's permits are all taken
_NOW = "local t = redis.call('time') local now = t[1] * 1000 + math.floor(t[2] / 1000) "
# KEYS[1] the host's holders; ARGV: token, permits wanted, the host's limit, lease in ms.
TAKE = (
    _NOW
    + """local held = 0
local holders = redis.call('hgetall', KEYS[1])
for i = 1, #holders, 2 do
  local permits, expiry = string.match(holders[i + 1], '(%d+):(%d+)')
  if tonumber(expiry) <= now then redis.call('hdel', KEYS[1], holders[i])
  else held = held + tonumber(permits) end
end
local grant = math.min(tonumber(ARGV[2]), tonumber(ARGV[3]) - held)
if grant < 1 then return 0 end
redis.call('hset', KEYS[1], ARGV[1], grant .. ':' .. (now + tonumber(ARGV[4])))
redis.call('pexpire', KEYS[1], ARGV[4])
return grant"""
)
RENEW = (
    _NOW
    + """local share = redis.call('hget', KEYS[1], ARGV[1])
if not share then return 0 end
local permits = string.match(share, '(%d+):')
redis.call('hset', KEYS[1], ARGV[1], permits .. ':' .. (now + tonumber(ARGV[2])))
redis.call('pexpire', KEYS[1], ARGV[2])
return 1"""
)


@contextlib.asynccontextmanager
async def holding(
    redis_url: str, host: str, *, limit: int, want: int, lease: float = LEASE
) -> AsyncIterator[int]:
    """Fetch from `host` inside this block only, with at most the permits it yields in flight.

    At most `want` of the host's `limit`, at least one; renewed until the block ends.
    """
    client = Redis.from_url(redis_url)
    key, token, ms = PREFIX + host, uuid.uuid4().hex, int(lease * 1000)
    try:
        permits = await _take(client, key, (token, max(1, min(want, limit)), limit, ms))
        renewing = asyncio.ensure_future(_renew(client, key, token, lease))
        try:
            yield permits
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)
            with contextlib.suppress(RedisError):  # unreleased, it lapses within a lease
                await client.hdel(key, token)
    finally:
        await client.aclose()


async def _take(client: Redis, key: str, args: tuple[str, int, int, int]) -> int:
    """The permits granted (token, wanted, limit, lease in ms), once at least one is free."""
    while not (permits := int(await client.eval(TAKE, 1, key, *args))):
        await asyncio.sleep(POLL)
    return permits


async def _renew(client: Redis, key: str, token: str, lease: float) -> None:
    while True:
        await asyncio.sleep(lease / 3)
        if not await client.eval(RENEW, 1, key, token, int(lease * 1000)):
            log.warning("the share of %s lapsed while fetching (a stall over %g s)", key, lease)
            return
