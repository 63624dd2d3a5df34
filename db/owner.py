"""Which process runs a crawl, and whether it is still alive.

A crawl run is 'running' while its process works on it. A process that starts
(the scheduler, a worker's job) marks the runs left 'running' by a *dead*
process as interrupted and crawls those sources again; a run of another live
process (`lexwatch crawl` next to `lexwatch run`, a second worker) is left alone.
Each run records its owner as `host:pid:token`; the token is drawn once per
process, so a restarted container whose scheduler is pid 1 again does not take
its predecessor's runs for its own.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import timedelta
from pathlib import Path

_TOKEN = secrets.token_hex(6)


def remote_grace(crawl_time_limit: float) -> timedelta:
    """When a run of another machine's process counts as abandoned: twice a crawl's limit."""
    return timedelta(seconds=2 * crawl_time_limit)


def this_process() -> str:
    """The owner name of this process."""
    return f"{socket.gethostname()}:{os.getpid()}:{_TOKEN}"


def is_dead(owner: str) -> bool | None:
    """True when the owner is a process of this host that is gone; None when it cannot be told."""
    host, _, rest = owner.partition(":")
    pid_text, _, token = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return None  # another machine (or a run from before owners were recorded)
    pid = int(pid_text)
    if pid == os.getpid():
        return token != _TOKEN  # our pid, but an earlier process's token
    return not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A killed child its parent has not reaped yet is dead, though its pid still answers."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
