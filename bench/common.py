"""What every benchmark shares: where results go, how the machine is described."""

from __future__ import annotations

import json
import os
import platform
import resource
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def machine() -> dict[str, Any]:
    """The machine a result was measured on."""
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            memory = meminfo.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def write_result(name: str, rows: list[dict[str, Any]], **extra: Any) -> Path:
    """Write one benchmark's rows (each a dict of metric -> value) to bench/results/<name>.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {
        "name": name,
        "measured_at": datetime.now(UTC).isoformat(),
        "machine": machine(),
        "rows": rows,
        **extra,
    }
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    return _status_mb("VmRSS:")


def peak_rss_mb() -> float:
    """The most resident memory this process itself has held so far, in MB.

    Not ru_maxrss: on Linux an exec'd child starts from the peak of the process
    that spawned it (bench/launch.py), so a driver started by the benchmark
    process reported the benchmark's generated site as its own memory. VmHWM is
    the high-water mark of this process's own address space.
    """
    return _status_mb("VmHWM:")


def _status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds() -> float:
    """User + system CPU this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def aim(text: str, lexwatch: Any, peer: Any, met: bool) -> dict[str, Any]:
    """One aim as every benchmark's result carries it (bench/run.py prints them all)."""
    return {"aim": text, "lexwatch": lexwatch, "peer": peer, "met": met}
