"""bench.site's Site served from a process of its own, driven through a pipe.

A benchmark that measures its own process's memory or CPU (the soak, the growth
table) must not count the site: at 10,000 pages the served bodies alone take
hundreds of MB. `RemoteSite` starts a spawned child that builds the Site and
answers a few commands (urls, edit, reset, close); the child imports bench.site
only, never Lexwatch.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

STARTUP_S = 600  # building 10,000 pages takes a while on a busy machine


def _serve(conn: Connection, count: int, seed: int) -> None:
    """The child: build the Site, then answer commands until `close`."""
    from bench.site import Site

    site = Site(count, seed)
    conn.send("ready")
    while True:
        command, argument = conn.recv()
        if command == "close":
            site.close()
            conn.send(None)
            return
        conn.send(_answer(site, command, argument))


def _answer(site: Any, command: str, argument: Any) -> Any:
    if command == "urls":
        return site.urls()
    if command == "edit":
        return site.edit(argument)
    if command == "reset":
        return site.reset()
    raise ValueError(f"unknown site command: {command}")


class RemoteSite:
    """The same calls as bench.site.Site (urls, edit, reset, close), answered by a child."""

    def __init__(self, count: int, seed: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, count, seed), daemon=True)
        self._process.start()
        if not self._conn.poll(STARTUP_S) or self._conn.recv() != "ready":
            self._process.kill()
            raise RuntimeError(f"the benchmark site of {count} pages did not start")

    def _call(self, command: str, argument: Any = None) -> Any:
        self._conn.send((command, argument))
        return self._conn.recv()

    def urls(self) -> dict[str, str]:
        return self._call("urls")

    def edit(self, fraction: float) -> dict[str, str]:
        return self._call("edit", fraction)

    def reset(self) -> None:
        self._call("reset")

    def close(self) -> None:
        self._call("close")
        self._process.join(timeout=10)
