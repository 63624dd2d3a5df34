"""Lexwatch as a service under test: one long-lived process that crawls each pass on command.

`lexwatch run` never starts per pass: its crawler stays open and each source is
crawled when it comes due. This tool measures that steady state. Its driver
(bench/service_driver.py) starts once in the project's virtualenv, with the same
settings and home as the `lexwatch` tool (bench/lexwatch_tool.py), and crawls
every source through the scheduler's own path when told "pass". The cost of a
pass is the driver's: wall time from the command to the last crawl recorded,
and the CPU of its whole process (every thread) in that time. Start-up is paid
once, before the first pass, and not counted. Which pages changed is asked with
`lexwatch changes` afterwards, as for the CLI tool.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bench.lexwatch_tool import FAILED, ROOT, Lexwatch
from bench.measure import Usage
from bench.tool import Observed

PYTHON = ROOT / ".venv" / "bin" / "python"


class LexwatchService(Lexwatch):
    """A fresh Lexwatch home, crawled by one long-lived driver process started at the first pass."""

    name = "lexwatch-service"

    def __init__(self, home: Path) -> None:
        super().__init__(home)
        self.driver: subprocess.Popen | None = None
        self.log: IO[bytes] | None = None

    def _start(self) -> subprocess.Popen:
        """The driver, ready to crawl (its crawler open); its log lines go to a file."""
        self.log = open(self.home / "driver.log", "wb")  # noqa: SIM115 (closed in close())
        driver = subprocess.Popen(
            [str(PYTHON), "-m", "bench.service_driver"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=self.env,
            cwd=ROOT,
        )
        self.driver = driver
        self._answer()  # {"ready": true}
        return driver

    def _answer(self) -> dict[str, Any]:
        assert self.driver is not None and self.driver.stdout is not None
        line = self.driver.stdout.readline()
        if not line:
            log = (self.home / "driver.log").read_text(encoding="utf-8", errors="replace")
            raise RuntimeError(f"the service driver stopped: {log[-2000:]}")
        return json.loads(line)

    def run_pass(self) -> Observed:
        """One pass through the long-lived service, measured by the driver itself."""
        driver = self.driver or self._start()
        since = datetime.now(UTC).isoformat()
        assert driver.stdin is not None
        driver.stdin.write(b"pass\n")
        driver.stdin.flush()
        cost = self._answer()
        usage = Usage(0, cost["wall"], cost["cpu"], cost["peak_mb"], "", "")
        statuses = cost["statuses"]
        new = sum(status == "ok" for status in statuses)
        errors = sum(status in FAILED for status in statuses)
        return Observed(usage, new, self._changed_since(since), errors)

    def close(self) -> None:
        """Stop the driver (an empty line), and wait for it."""
        if self.driver is not None:
            self.driver.communicate(b"\n", timeout=60)
            self.driver = None
        if self.log is not None:
            self.log.close()
            self.log = None
