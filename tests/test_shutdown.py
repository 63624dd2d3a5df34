"""SIGTERM stops `lexwatch run` within 10 s, even while a source is being parsed.

Parsing runs in a worker thread. Threads of asyncio's default executor are joined
when the interpreter exits, so a stop waited for the parse to end (34 s was seen).
The parse now runs in a daemon thread: the run it belonged to stays 'running' and
is marked interrupted by the next start, whose crawl of the source starts over.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.test_scheduler import PAGE, _add, _runs, wait_for


def test_sigterm_while_a_source_is_parsed_stops_within_ten_seconds(site, lexwatch, home: Path):
    site.serve("/slow-parse.html", PAGE.format(status="Awaiting committee decision"))
    _add(lexwatch, site, "slow-parse", "1h")
    parsing = home / "parsing"
    log = (home / "service.log").open("w", encoding="utf-8")
    env = os.environ | {
        "LEXWATCH_TEST_PARSING": str(parsing),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(Path(__file__).parent.parent),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.slow_service", "run"],
        cwd=home,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(parsing.exists, timeout=60, what="the slow parse to start")
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert time.monotonic() - started < 10
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
    assert [run.status for run in _runs("slow-parse")] == ["running"]  # the next start redoes it
