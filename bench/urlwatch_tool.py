"""urlwatch under test: a separate program in its own virtualenv (bench/.venv-urlwatch).

It runs with its default configuration (written by urlwatch itself on first
use), no filters, and its stdout reporter; which pages changed is read from the
summary lines of that report ("01. CHANGED: page-0007"). Its concurrency is a
fixed pool of 10 threads.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from bench import measure
from bench.tool import Observed, checked, clean_env

VENV = Path(__file__).resolve().parent / ".venv-urlwatch"
URLWATCH = VENV / "bin" / "urlwatch"
VERSION = "2.29"
SUMMARY = re.compile(r"^\d+\. (NEW|CHANGED|ERROR|UNCHANGED): (.+)$", re.MULTILINE)


def ensure_installed() -> None:
    """Install urlwatch into its own virtualenv once (it is never imported here)."""
    if URLWATCH.exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, f"urlwatch=={VERSION}"], check=True)


class Urlwatch:
    """A fresh urlwatch job list, config and cache under `home`."""

    name = "urlwatch"

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = clean_env(home)
        self.files = {"urls": "urls.yaml", "config": "urlwatch.yaml", "cache": "cache.db"}

    def _run(self, *args: str) -> measure.Usage:
        paths = [
            arg for key, name in self.files.items() for arg in (f"--{key}", str(self.home / name))
        ]
        argv = [str(URLWATCH), *paths, "--hooks", str(self.home / "hooks.py"), *args]
        return measure.run(argv, env=self.env, cwd=self.home)

    def add(self, urls: dict[str, str]) -> None:
        """One job per page; `--list` makes urlwatch write its default config."""
        jobs = [{"name": name, "url": url} for name, url in urls.items()]
        text = yaml.safe_dump_all(jobs, sort_keys=False)
        (self.home / self.files["urls"]).write_text(text, encoding="utf-8")
        checked(self._run("--list"), "urlwatch --list")

    def run_pass(self) -> Observed:
        """One `urlwatch` run over every job, measured; its report says what changed."""
        usage = checked(self._run(), "urlwatch")
        verbs = [(verb, name) for verb, name in SUMMARY.findall(usage.out)]
        changed = frozenset(name for verb, name in verbs if verb == "CHANGED")
        new = sum(verb == "NEW" for verb, _ in verbs)
        return Observed(usage, new, changed, sum(verb == "ERROR" for verb, _ in verbs))
