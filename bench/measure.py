"""Run one program as a child process and measure it: wall time, CPU and peak memory.

The program is started by bench/launch.py, a tiny separate process that waits
for it with os.wait4: that gives the rusage of exactly that program, and a peak
memory that is the program's own (see launch.py for why the launcher is needed).
Output goes to files, not pipes: a tool that prints a long report must never
block on a full pipe while it is being timed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = Path(__file__).resolve().parent / "launch.py"


@dataclass(frozen=True)
class Usage:
    """What one run of a program cost."""

    code: int
    wall: float  # seconds, from start to exit of the program itself
    cpu: float  # user + system seconds
    peak_mb: float  # maximum resident set size
    out: str
    err: str


def run(argv: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 900) -> Usage:
    """Run `argv` to the end and measure it; its stdout and stderr come back as text."""
    out_path, err_path = cwd / "stdout.txt", cwd / "stderr.txt"
    launcher = [sys.executable, "-I", "-S", str(LAUNCHER), str(out_path), str(err_path)]
    done = subprocess.run(
        [*launcher, str(timeout), *argv], env=env, cwd=cwd, capture_output=True, check=True
    )
    cost = json.loads(done.stdout)
    return Usage(
        code=cost["code"],
        wall=cost["wall"],
        cpu=cost["cpu"],
        peak_mb=cost["peak_kb"] / 1024,  # Linux reports kilobytes
        out=out_path.read_text(encoding="utf-8", errors="replace"),
        err=err_path.read_text(encoding="utf-8", errors="replace"),
    )
