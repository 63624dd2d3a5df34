"""The registry of source kinds: slug -> site module.

The same slug names a kind's site module, its fixture folder and its test
module. Each module's docstring (first line), `URL_HELP` and `PARAMS` make up
the user documentation of that kind (`lexwatch kinds`, docs/KINDS.md).
"""

from __future__ import annotations

from types import ModuleType

from crawlers.sites import feed, json, page

SITES: dict[str, ModuleType] = {
    "page": page,
    "feed": feed,
    "json": json,
}


def summary(module: ModuleType) -> str:
    """The one-line description of a kind: the first line of its module docstring."""
    return (module.__doc__ or "").strip().splitlines()[0]
