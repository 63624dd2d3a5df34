"""Helpers shared by tests: real captures from tests/fixtures, read as Responses."""

from __future__ import annotations

import json
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.run import Report, outcome
from vocab.fetch import Response

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


def code_packages() -> tuple[str, ...]:
    """Lexwatch's own packages: the roots of the import-linter layers (pyproject.toml)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return tuple(config["tool"]["importlinter"]["root_packages"])


def capture(slug: str, name: str, url: str, *, headers: dict[str, str] | None = None) -> Response:
    """A captured body from tests/fixtures/<slug>/<name>, as if fetched from `url`."""
    body = (FIXTURES / slug / name).read_bytes()
    return Response(url=url, body=body, headers=headers or {})


def expected(slug: str, name: str) -> Any:
    """The expected JSON written by hand for a capture: tests/fixtures/<slug>/<name>."""
    return json.loads((FIXTURES / slug / name).read_text(encoding="utf-8"))


def crawl_exit_status(reports: list[dict[str, Any]]) -> int:
    """The exit status `lexwatch crawl` owes these reports: 1 when a source failed, else 0."""
    return int(any(outcome(Report(**report)) == "failed" for report in reports))


def wait_for(check: Callable[[], bool], timeout: float = 30, what: str = "condition") -> None:
    """Poll `check` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
