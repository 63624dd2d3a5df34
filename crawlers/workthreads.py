"""Long-lived daemon threads for the loop's blocking work (recording, alerts).

A job is handed to an idle thread if there is one, else to a new one, so jobs
never wait behind one another. A thread that finished its job waits for the
next one instead of ending: the service records a batch every moment, and
with a fresh thread per batch a 1,000-page first pass of the service peaked
at 152 MB of its own, with kept threads at 143 MB (likely freed memory left in
the C allocator's per-thread arenas; not proven). A thread idle for
IDLE_S seconds ends. Daemon threads: at exit, a job still running is abandoned
(see crawlers/reactor.py, in_daemon_thread). A forked child starts with none.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from typing import Any

Job = tuple[Callable[[], Any], Callable[[Any], None]]  # the work, and who is told its result
IDLE_S = 60.0  # a thread waiting longer than this for a job ends
_lock = threading.Lock()
_idle: list[queue.SimpleQueue[Job]] = []  # the inboxes of threads waiting for a job


def _forget_in_child() -> None:
    """A forked child (an RQ work horse) has none of its parent's threads."""
    global _lock
    _lock = threading.Lock()
    _idle.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def submit(work: Callable[[], Any], tell: Callable[[Any], None]) -> None:
    """Run `work` on an idle daemon thread, or on a new one if none is idle, then `tell` its result.

    The thread is idle again before `tell` runs: a caller told of one result
    that hands over its next job at once finds the same thread waiting.
    """
    with _lock:
        inbox = _idle.pop() if _idle else None
    if inbox is None:
        inbox = queue.SimpleQueue()
        threading.Thread(target=_serve, args=(inbox,), name="lexwatch-work", daemon=True).start()
    inbox.put((work, tell))


def idle_threads() -> int:
    """How many threads wait for a job now."""
    with _lock:
        return len(_idle)


def _serve(inbox: queue.SimpleQueue[Job]) -> None:
    """Run jobs from `inbox` until none came for IDLE_S seconds."""
    job: Job | None = inbox.get()
    while job is not None:
        _run(job, inbox)
        job = None  # an idle thread holds nothing of its last job (its arguments, its result)
        job = _next(inbox)


def _run(job: Job, inbox: queue.SimpleQueue[Job]) -> None:
    work, tell = job
    result = work()  # never raises: in_daemon_thread hands every outcome to its caller
    with _lock:
        _idle.append(inbox)
    tell(result)


def _next(inbox: queue.SimpleQueue[Job]) -> Job | None:
    """The next job, or None if none came in time and no one has taken this thread meanwhile."""
    try:
        return inbox.get(timeout=IDLE_S)
    except queue.Empty:
        with _lock:
            if inbox in _idle:
                _idle.remove(inbox)
                return None
        return inbox.get()  # taken just as the time ran out: its job is on the way
