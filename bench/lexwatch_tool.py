"""Lexwatch under test: the `lexwatch` command of the project's virtualenv, one process per pass.

Settings are the defaults except three, set for a local benchmark:
- LEXWATCH_AUTOTHROTTLE=false: AutoThrottle starts at a 1 s delay and adapts to
  the latency of a real remote site; against 127.0.0.1 it would measure the
  throttle, not the tool.
- LEXWATCH_CONCURRENT_PER_DOMAIN=10: urlwatch fetches with a fixed pool of 10
  threads (worker.MAX_WORKERS, not configurable), so both tools keep at most 10
  requests to the one host in flight.
- LEXWATCH_ALLOW_PRIVATE_TARGETS=1: the site is on the loopback address.
- LEXWATCH_SEED_DEFAULTS=false: a fresh database would otherwise start with the
  shipped default sources (real EU sites, unreachable offline); the benchmark
  watches its N pages and nothing else.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bench import measure
from bench.tool import Observed, checked, clean_env

ROOT = Path(__file__).resolve().parent.parent
LEXWATCH = ROOT / ".venv" / "bin" / "lexwatch"
CONCURRENCY = 10
SETTINGS = {
    "LEXWATCH_AUTOTHROTTLE": "false",
    "LEXWATCH_CONCURRENT_PER_DOMAIN": str(CONCURRENCY),
    "LEXWATCH_ALLOW_PRIVATE_TARGETS": "1",
    "LEXWATCH_SEED_DEFAULTS": "false",
}
FAILED = {"error", "parse_error", "broken"}


class Lexwatch:
    """A fresh Lexwatch home (data folder, SQLite database) under `home`."""

    name = "lexwatch"

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = clean_env(home, LEXWATCH_DATA_DIR=str(home / "data"), **SETTINGS)

    def _run(self, *args: str) -> measure.Usage:
        return measure.run([str(LEXWATCH), *args], env=self.env, cwd=self.home)

    def add(self, urls: dict[str, str]) -> None:
        """Every page as a `page` source without a selector, through `sources import`."""
        sources = [{"name": name, "kind": "page", "url": url} for name, url in urls.items()]
        path = self.home / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")
        checked(self._run("sources", "import", str(path)), "lexwatch sources import")

    def run_pass(self) -> Observed:
        """One `lexwatch crawl`, measured; what changed is asked afterwards (not measured)."""
        since = datetime.now(UTC).isoformat()
        # exit status 1: some sources failed; the reports say which, and they are counted
        usage = checked(self._run("crawl", "--format", "json"), "lexwatch crawl", codes=(0, 1))
        reports = json.loads(usage.out)
        new = sum(r["status"] == "ok" for r in reports)
        errors = sum(r["status"] in FAILED for r in reports)
        return Observed(usage, new, self._changed_since(since), errors)

    def _changed_since(self, since: str) -> frozenset[str]:
        usage = checked(self._run("changes", "--since", since, "--format", "json"), "changes")
        return frozenset(change["source"] for change in json.loads(usage.out))
