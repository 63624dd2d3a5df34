"""Where crawls run: one long-lived Twisted asyncio reactor, in a background thread.

Scrapy's reactor cannot be restarted, so every crawl of a process (a CLI command,
the scheduler, a test) shares one reactor started once. `run_coroutine` submits
work to its loop from any thread and waits for the result; the scheduler, which
lives on that loop, awaits crawls directly.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
_lock = threading.Lock()
_thread: threading.Thread | None = None


def install() -> asyncio.AbstractEventLoop:
    """Install the asyncio reactor (once per process) and return its event loop."""
    from scrapy.utils.reactor import install_reactor

    if "twisted.internet.reactor" not in sys.modules:
        install_reactor(REACTOR)
    from twisted.internet import reactor

    return reactor._asyncioEventloop  # type: ignore[attr-defined]


def loop_in_background() -> asyncio.AbstractEventLoop:
    """The reactor's loop, running in a daemon thread started on first use."""
    global _thread
    with _lock:
        loop = install()
        if _thread is None or not _thread.is_alive():
            from twisted.internet import reactor

            _thread = threading.Thread(
                target=reactor.run, kwargs={"installSignalHandlers": False}, daemon=True
            )
            _thread.start()
        return loop


def run_coroutine(coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
    """Run `coro` on the reactor's loop and wait for its result."""
    loop = loop_in_background()
    return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)
