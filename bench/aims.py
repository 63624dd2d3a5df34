"""The aims of issue 17 as one table: every aim of every benchmark, met or NOT MET.

Each benchmark's result (bench/results/<name>.json) carries `aims`, a list of
`{"aim", "lexwatch", "peer", "met"}` (older results name the peer `urlwatch`).
`EXPECTED` says how many aims each benchmark is meant to judge: when its result
is missing, or its run failed, each of them is a NOT MET row saying so, and a
result with fewer aims than expected gets a NOT MET row for each one left out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

# Benchmark -> how many aims of issue 17 it judges.
EXPECTED = {"change_detection": 5, "search": 2, "workers": 3, "soak": 2, "growth": 2}
FAILED = "benchmark failed"


def aims_table(
    results: Iterable[dict[str, Any]], expected: dict[str, int], failed: Collection[str] = ()
) -> list[dict[str, Any]]:
    """One row per aim: benchmark, aim, lexwatch, peer, met ("met" or "NOT MET")."""
    judged = {r["name"]: r for r in results if r["name"] not in failed}
    names = [*expected, *(n for n, r in judged.items() if r.get("aims") and n not in expected)]
    return [row for name in names for row in _rows(name, judged.get(name), expected.get(name, 0))]


def _rows(name: str, result: dict[str, Any] | None, wanted: int) -> list[dict[str, Any]]:
    """The aims of one benchmark, then a NOT MET row for each expected one it lacks."""
    given = [_row(name, a) for a in (result or {}).get("aims", [])]
    reason = FAILED if result is None else "not in the benchmark's result"
    lacking = range(len(given) + 1, wanted + 1)
    return given + [_missing(name, f"aim {i} of {wanted}", reason) for i in lacking]


def _row(name: str, aim: dict[str, Any]) -> dict[str, Any]:
    peer = aim["peer"] if "peer" in aim else aim.get("urlwatch")
    return {
        "benchmark": name,
        "aim": aim.get("aim", ""),
        "lexwatch": aim.get("lexwatch"),
        "peer": peer,
        "met": _verdict(aim.get("met")),
    }


def _verdict(met: Any) -> str:
    """met / NOT MET; a figure the issue asks only to report (`met` None or "") is "reported"."""
    if met is None or met == "":
        return "reported"
    return "met" if met is True else "NOT MET"


def _missing(name: str, aim: str, reason: str) -> dict[str, Any]:
    return {"benchmark": name, "aim": aim, "lexwatch": reason, "peer": None, "met": "NOT MET"}


def expected_for(names: Collection[str] | None) -> dict[str, int]:
    """The aims expected from these benchmarks (all of them when none are named)."""
    return dict(EXPECTED) if not names else {n: k for n, k in EXPECTED.items() if n in names}
