"""The workers aims of issue 17, judged on one run of bench/workers.py.

Each aim names both figures of the same run: the queue's and its peer (the
in-process crawl, or one worker), so that the machine's load colours both.
"""

from __future__ import annotations

from typing import Any

CPU_RATIO = 1.2  # the queue's CPU per page against `lexwatch crawl`'s, at most
SCALE = 1.6  # two workers' pages/s against one worker's, at least


def judge(rows: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """CPU per page and scaling on both passes, and the politeness kept across workers."""
    aims = [_cpu(rows, name) for name in ("first", "again")]
    for hosts in sorted({r.get("hosts", 1) for r in rows}):
        if _has(rows, 1, hosts) and _has(rows, 2, hosts):
            aims += [_scale(rows, name, hosts) for name in ("first", "again")]
    return [*aims, _polite(rows, limit)]


def _has(rows: list[dict[str, Any]], workers: int, hosts: int = 1) -> bool:
    return any(
        r["mode"] == "queue" and r["workers"] == workers and r.get("hosts", 1) == hosts
        for r in rows
    )


def _pick(rows: list[dict[str, Any]], workers: int, name: str, hosts: int = 1) -> dict[str, Any]:
    mode = "queue" if workers else "one process, no queue"
    case = (mode, workers, name, hosts)
    return next(r for r in rows if (r["mode"], r["workers"], r["pass"], r.get("hosts", 1)) == case)


def _aim(aim: str, lexwatch: float, peer: float, met: bool) -> dict[str, Any]:
    return {"aim": aim, "lexwatch": lexwatch, "peer": peer, "met": met}


def _cpu(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    workers = 1 if _has(rows, 1) else min(r["workers"] for r in rows if r["workers"])
    queue = _pick(rows, workers, name)["cpu_ms_per_page"]
    here = _pick(rows, 0, name)["cpu_ms_per_page"]
    aim = f"queue CPU/page ({workers} worker, {name} pass) <= {CPU_RATIO}x in-process"
    return _aim(aim, queue, here, queue <= CPU_RATIO * here)


def _scale(rows: list[dict[str, Any]], name: str, hosts: int) -> dict[str, Any]:
    two, one = (_pick(rows, n, name, hosts)["pages_per_s"] for n in (2, 1))
    site = "one host" if hosts == 1 else f"pages on {hosts} hosts"
    aim = f"2 workers >= {SCALE}x one worker's pages/s ({name} pass, {site})"
    return _aim(aim, two, one, two >= SCALE * one)


def _polite(rows: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    most = max(r["max_in_flight_per_host"] for r in rows if r["mode"] == "queue")
    aim = "max requests in flight to one host, across workers <= the per-host limit"
    return _aim(aim, most, limit, most <= limit)
