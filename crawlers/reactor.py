"""Where crawls run: one long-lived Twisted asyncio reactor, in a background thread.

Scrapy's reactor cannot be restarted, so every crawl of a process (a CLI command,
the scheduler, a test) shares one reactor started once. `run_coroutine` submits
work to its loop from any thread and waits for the result; the scheduler, which
lives on that loop, awaits crawls directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from crawlers import workthreads

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


async def in_daemon_thread(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in a daemon thread, awaited from the loop.

    asyncio.to_thread uses the loop's default executor, whose threads the
    interpreter joins at exit: a SIGTERM during a long parse then waited for the
    parse to end (34 s was seen). A daemon thread is abandoned at exit instead;
    its transaction is never committed, and the run it belonged to stays
    'running' until the next start marks it interrupted and crawls it again.
    The threads are kept for the next call (crawlers/workthreads.py).
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def work() -> tuple[Any, BaseException | None]:
        try:
            return function(*args), None
        except BaseException as exc:  # handed to the awaiting coroutine, which decides
            return None, exc

    workthreads.submit(work, lambda ended: _send(loop, future, *ended))
    return await future


def _send(loop: asyncio.AbstractEventLoop, future: asyncio.Future, result: Any, exc: Any) -> None:
    # A closed loop: the process is stopping and nobody waits any more.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(settle, future, result, exc)


def settle(future: asyncio.Future, result: Any, exc: BaseException | None) -> None:
    """Give `future` its result or exception, unless it was cancelled meanwhile."""
    if future.done():
        return  # cancelled meanwhile (the service is stopping): nobody waits for it
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)


def forget_cancelled_timers() -> None:
    """Have Twisted drop the timed calls cancelled since it last ran one; on the reactor's loop.

    Every request sets two timers that are cancelled when it ends (Scrapy's
    download timeout, Twisted's idle pooled connection), and the reactor drops
    cancelled timers only when it runs its timed calls, which a fast pass never
    makes it do until the first timer is due: a pass of 10,000 304s kept 20,000
    of them (about 9 MB). A timed call due now makes it run them, and drop those.
    """
    from twisted.internet import reactor

    reactor.callLater(0, _nothing)


def _nothing() -> None:
    pass
