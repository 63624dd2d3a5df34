"""Requests per client address in a sliding window, kept in memory by one process.

Sign-in attempts (web.auth) and visitors' searches and API calls (web.visitors)
are counted with it. Each process counts on its own: behind several app
processes an address gets each process's allowance.
"""

from __future__ import annotations

import threading
import time
from collections import deque

MAX_ADDRESSES = 10_000  # addresses remembered before the idle ones are forgotten


class AddressLimiter:
    """At most `attempts` requests per address within `window` seconds."""

    def __init__(self, attempts: int, window: float) -> None:
        self.attempts, self.window = attempts, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str, now: float | None = None) -> bool:
        """Count one attempt; False when the address has used up its window."""
        return self.wait(address, now) == 0

    def wait(self, address: str, now: float | None = None) -> float:
        """Count one request and answer 0, or answer the seconds until the address may try
        again (that refused request is not counted)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._recent(address, now)
            if len(seen) >= self.attempts:
                return seen[0] + self.window - now
            seen.append(now)
            return 0.0

    def _recent(self, address: str, now: float) -> deque[float]:
        if address not in self._seen and len(self._seen) >= MAX_ADDRESSES:
            self._forget_idle(now)
        seen = self._seen.setdefault(address, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen

    def _forget_idle(self, now: float) -> None:
        idle = [a for a, seen in self._seen.items() if not seen or seen[-1] <= now - self.window]
        for address in idle:
            del self._seen[address]
