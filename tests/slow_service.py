"""`lexwatch …` with the page parser made to take a minute for URLs naming "slow-parse".

Run as `python -m tests.slow_service run` by tests/test_shutdown.py: a SIGTERM while a
source is being parsed must still stop the service within 10 s. The parser writes the
file named by LEXWATCH_TEST_PARSING when it starts, so the test knows when to signal.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import cli
from crawlers.sites import page

_real_parse = page.parse


def _parse(responses, params):
    if any("slow-parse" in response.url for response in responses):
        Path(os.environ["LEXWATCH_TEST_PARSING"]).write_text("parsing", encoding="utf-8")
        time.sleep(60)  # a parse this slow is a bug; stopping must not wait for it
    return _real_parse(responses, params)


page.parse = _parse

if __name__ == "__main__":
    cli.main(sys.argv[1:])
