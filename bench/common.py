"""What every benchmark shares: where results go, how the machine is described."""

from __future__ import annotations

import json
import os
import platform
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
