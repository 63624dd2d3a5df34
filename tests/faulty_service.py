"""`lexwatch …` with the json parser made to raise for URLs naming "boom" (fault injection).

Run as `python -m tests.faulty_service run` by tests/test_run_isolation.py: the
service must record that source as broken and keep crawling every other one.
"""

from __future__ import annotations

import sys

import cli
from crawlers.sites import json as json_kind

_real_parse = json_kind.parse


def _parse(responses, params):
    if any("boom" in response.url for response in responses):
        raise RuntimeError("injected fault: the answer had no 'data'")
    return _real_parse(responses, params)


json_kind.parse = _parse

if __name__ == "__main__":
    cli.main(sys.argv[1:])
