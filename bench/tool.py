"""What a tool under test reports after one pass, and the shape every tool runner has."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bench.measure import Usage


@dataclass(frozen=True)
class Observed:
    """One pass of one tool: its cost, and which pages it said were new, changed or failing."""

    usage: Usage
    new: int
    changed: frozenset[str]
    errors: int


class Tool(Protocol):
    """A change detector run as a separate program: `add` the pages once, then `run_pass`."""

    name: str

    def add(self, urls: dict[str, str]) -> None: ...

    def run_pass(self) -> Observed: ...


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a tool: no LEXWATCH_* leaking in, its config and cache under `home`.

    PYTHONDONTWRITEBYTECODE is dropped: on an ordinary install Python caches
    compiled modules, and without that cache every pass of a tool would pay for
    compiling its own modules again (urlwatch's were compiled by pip).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEXWATCH_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env |= {"HOME": str(home), "XDG_CONFIG_HOME": str(home), "XDG_CACHE_HOME": str(home)}
    return env | extra


def checked(usage: Usage, what: str, codes: tuple[int, ...] = (0,)) -> Usage:
    """The usage of a run that must succeed (exit with one of `codes`); else stop the benchmark."""
    if usage.code not in codes:
        raise RuntimeError(f"{what} exited with {usage.code}: {usage.err[-2000:]}")
    return usage
