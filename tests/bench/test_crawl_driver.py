"""bench/crawl_driver.py: one `lexwatch crawl` pass in a process of its own, measured without
start-up, as bench/workers.py reads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import internet
from tests.internet import Server

ROOT = Path(__file__).resolve().parents[2]
PAGE = "<html><head><title>Procedure</title></head><body><h1>2022/0155(COD)</h1></body></html>"


@pytest.fixture
def server() -> Iterator[Server]:
    yield from internet.running_server()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_pass_is_crawled_and_its_cpu_measured(home, lexwatch, server) -> None:
    server.serve("/a", PAGE)
    assert lexwatch("sources", "add", "--kind", "page", "--url", server.url("/a")).code == 0
    answers = [_driven() for _ in range(2)]
    first, again = answers
    assert first["statuses"] == ["ok"] and again["statuses"] == ["not_modified"]
    assert all(0 < answer["cpu"] < 30 and 0 < answer["wall"] < 30 for answer in answers)


def _driven() -> dict:
    command = [sys.executable, "-m", "bench.crawl_driver"]
    done = subprocess.run(
        command, env=dict(os.environ), cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
