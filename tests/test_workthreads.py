"""Blocking work of the loop runs on kept daemon threads (crawlers/workthreads.py)."""

from __future__ import annotations

import asyncio
import os
import queue
import threading

import pytest

from crawlers import workthreads
from crawlers.reactor import in_daemon_thread


def _thread() -> tuple[int, bool]:
    current = threading.current_thread()
    return current.ident or 0, current.daemon


def test_calls_one_after_another_reuse_one_daemon_thread():
    async def twice() -> list[tuple[int, bool]]:
        return [await in_daemon_thread(_thread), await in_daemon_thread(_thread)]

    first, second = asyncio.run(twice())
    assert first == second and first[1]  # the same thread, a daemon one
    assert first[0] != threading.get_ident()


def test_calls_at_the_same_time_never_wait_for_one_another():
    both = threading.Barrier(2, timeout=10)  # passes only if both calls run at once

    def meet() -> int:
        both.wait()
        return threading.get_ident()

    async def together() -> list[int]:
        return list(await asyncio.gather(in_daemon_thread(meet), in_daemon_thread(meet)))

    first, second = asyncio.run(together())
    assert first != second


def test_an_error_reaches_the_caller_and_the_thread_is_kept():
    def fail() -> None:
        raise ValueError("bad input")

    async def failing() -> None:
        await in_daemon_thread(fail)

    with pytest.raises(ValueError, match="bad input"):
        asyncio.run(failing())
    assert workthreads.idle_threads() >= 1


def test_a_thread_idle_too_long_ends_and_is_no_longer_handed_work(monkeypatch):
    monkeypatch.setattr(workthreads, "IDLE_S", 0.01)
    inbox: queue.SimpleQueue = queue.SimpleQueue()
    told: list[int] = []
    inbox.put((lambda: 42, told.append))
    workthreads._serve(inbox)  # here, not in a thread: it returns once idle too long
    assert told == [42]
    assert inbox not in workthreads._idle


async def _in_thread() -> None:
    await in_daemon_thread(_nothing)


def _nothing() -> None:
    return None


def test_a_forked_child_hands_work_to_threads_of_its_own():
    asyncio.run(_in_thread())
    assert workthreads.idle_threads() >= 1
    pid = os.fork()
    if pid == 0:  # the child: its parent's idle threads are not there
        os._exit(0 if workthreads.idle_threads() == 0 and asyncio.run(_done()) else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


async def _done() -> bool:
    await asyncio.wait_for(in_daemon_thread(_nothing), 10)
    return True
