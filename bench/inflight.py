"""How many requests a local site serves at once, per host: the politeness a crawl kept.

`watch(site)` swaps the site server's request handler for one that counts the
GETs in progress per Host header and remembers the most seen at any moment,
whichever process or worker sent them. A GET counts from its arrival until its
answer starts: the client surely still waits for it then, so a busy machine
that is slow to finish a handler's thread never counts a request twice.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class InFlight:
    """Requests being answered now, and the most at once since the last reset, per host."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: Counter[str] = Counter()
        self.most: Counter[str] = Counter()

    def enter(self, host: str) -> None:
        with self.lock:
            self.now[host] += 1
            self.most[host] = max(self.most[host], self.now[host])

    def leave(self, host: str) -> None:
        with self.lock:
            self.now[host] -= 1

    def peak(self) -> int:
        """The most requests to one host in flight at once."""
        with self.lock:
            return max(self.most.values(), default=0)

    def reset(self) -> None:
        with self.lock:
            self.most = Counter(self.now)


def watch(site: Any) -> InFlight:
    """Count the requests `site` (bench.site.Site) answers at once, from now on."""
    counts = InFlight()
    base = site.server.RequestHandlerClass

    class Counted(base):  # type: ignore[misc,valid-type]
        host = ""  # counted from the request's arrival until its answer starts

        def do_GET(self) -> None:
            self.host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            counts.enter(self.host)
            try:
                super().do_GET()
            finally:
                self._answered()

        def send_response(self, *args: Any, **kwargs: Any) -> None:
            self._answered()
            super().send_response(*args, **kwargs)

        def _answered(self) -> None:
            if self.host:
                counts.leave(self.host)
                self.host = ""

    site.server.RequestHandlerClass = Counted
    return counts
