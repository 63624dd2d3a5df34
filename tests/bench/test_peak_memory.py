"""A benchmark's peak memory is its own process's, not that of the process that started it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.common import rss_mb

ROOT = Path(__file__).resolve().parents[2]
CHILD = "from bench.common import peak_rss_mb; print(peak_rss_mb())"


def test_a_child_started_by_a_large_process_does_not_report_its_parent_s_memory():
    held = bytearray(200 * 2**20)  # a large parent, as the benchmark holding its site is
    held[::4096] = b"\1" * len(range(0, len(held), 4096))  # every page resident
    child = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True)
    assert float(child.stdout) < rss_mb() - 150  # ru_maxrss would report the parent's 200 MB
    del held
