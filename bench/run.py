"""`make bench`: run every benchmark in bench/, then print one table of bench/results/*.json.

A benchmark is a module of bench/ with a top-level `main()` that writes its rows
with bench.common.write_result. Each runs in a process of its own, so that one
benchmark's reactor, threads or memory never colour the next one's numbers, and
a benchmark that fails does not stop the others.

    python -m bench.run                     # every benchmark, then the table
    python -m bench.run change_detection    # just these
    python -m bench.run --report            # only the table, from the last results
    python -m bench.run --report --markdown # the same as Markdown (for the README)

First comes one table of the aims of issue 17 (bench/aims.py): every aim of every
benchmark with Lexwatch's figure, the peer's from the same run, met or NOT MET; a
benchmark that failed in this run counts as failed even if an older result of
it is on disk.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.aims import aims_table, expected_for
from bench.common import RESULTS, machine
from bench.table import cell, is_number, markdown_table, text_table

BENCH = Path(__file__).resolve().parent
ORDER = ("change_detection", "search", "digests", "soak", "workers", "growth")  # known first
# Sizes that a run of every benchmark sets (none now): the workers' one runs at full size
# (400 pages), since at 100 a 304 pass lasts 0.2 s and measured the queue's fixed delays,
# not its workers; the soak runs its 500 passes, since its aims are judged on 500.
COMBINED_SIZES: dict[str, dict[str, str]] = {}


def discover() -> list[str]:
    """The benchmark modules present: those that define a top-level main()."""
    found = [p.stem for p in BENCH.glob("*.py") if p.stem != "run" and _has_main(p)]
    return sorted(
        found, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name)
    )


def _has_main(path: Path) -> bool:
    """Read, not imported: importing every module of bench/ could start work."""
    return re.search(r"^def main\(", path.read_text(encoding="utf-8"), re.MULTILINE) is not None


def run_one(name: str, sizes: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one benchmark in its own process; how long it took and whether it succeeded."""
    sys.stderr.write(f"bench: running {name}\n")
    started = time.monotonic()
    code = f"from bench.{name} import main; main()"
    # Its own table goes to stderr with its progress: stdout is for the combined table.
    env = (sizes or {}) | dict(os.environ)  # sizes set by the caller win
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=BENCH.parent, stdout=sys.stderr, env=env
    )
    seconds = round(time.monotonic() - started, 1)
    return {"benchmark": name, "ok": done.returncode == 0, "seconds": seconds}


def load(names: list[str] | None) -> list[dict[str, Any]]:
    """The stored results, one dict per benchmark (all of them, or the ones named)."""
    paths = sorted(RESULTS.glob("*.json"))
    results = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    return [r for r in results if names is None or r.get("name") in names]


def combined(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every row of every benchmark as one line: benchmark, case, measurements.

    Benchmarks measure different things, so their columns differ: a line names
    its case (the row's `case_keys` if the result lists them, else its text
    fields) and lists the rest as `name value`.
    """
    return [_line(r["name"], row, r.get("case_keys")) for r in results for row in r.get("rows", [])]


def _line(name: str, row: dict[str, Any], case_keys: list[str] | None) -> dict[str, str]:
    keys = case_keys or [k for k, v in row.items() if not is_number(v) and not isinstance(v, bool)]
    case = " ".join(
        f"{k}={cell(row[k])}" if is_number(row[k]) else cell(row[k]) for k in keys if k in row
    )
    rest = ", ".join(f"{k} {cell(v)}" for k, v in row.items() if k not in keys)
    return {"benchmark": name, "case": case, "measurements": rest}


def report(
    results: list[dict[str, Any]],
    *,
    markdown: bool = False,
    expected: dict[str, int] | None = None,
    failed: frozenset[str] = frozenset(),
) -> str:
    """The aims of issue 17, the combined table, each benchmark's own table, the machine."""
    table = markdown_table if markdown else text_table
    aims = aims_table(results, expected or {}, failed)
    parts = [_titled("Aims of issue 17", table(aims), markdown)] if aims else []
    parts += [table(combined(results))] if results else ["(no results in bench/results/)"]
    parts += [
        _titled(r["own_table"], table(r["rows"]), markdown) for r in results if r.get("own_table")
    ]
    return "\n\n".join([*parts, describe_machines(results)])


def _titled(title: str, table: str, markdown: bool) -> str:
    return f"### {title}\n\n{table}" if markdown else f"{title}:\n\n{table}"


def fresh(results: list[dict[str, Any]], runs: list[dict[str, Any]], started: datetime) -> list:
    """The results to show after a run: none of a benchmark that failed or left an old one."""
    ran = {r["benchmark"]: r["ok"] for r in runs}
    return [
        r
        for r in results
        if r["name"] not in ran
        or (ran[r["name"]] and datetime.fromisoformat(r["measured_at"]) >= started)
    ]


def describe_machines(results: list[dict[str, Any]]) -> str:
    """Which machine the numbers come from, and when each benchmark measured them."""
    machines = {json.dumps(r["machine"], sort_keys=True) for r in results} or {
        json.dumps(machine(), sort_keys=True)
    }
    lines = [_machine_line(json.loads(m)) for m in sorted(machines)]
    lines += [f"{r['name']}: measured at {r['measured_at'][:19]} UTC" for r in results]
    return "\n".join(lines)


def _machine_line(m: dict[str, Any]) -> str:
    return f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} memory, Python {m['python']}, {m['system']}"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks asked for (default: all present), then print the tables."""
    args = _arguments(argv)
    names = args.names or None
    sizes = {} if names else COMBINED_SIZES  # a benchmark named alone runs at full size
    started = datetime.now(UTC)
    runs = [] if args.report else [run_one(name, sizes.get(name)) for name in (names or discover())]
    failed = frozenset(r["benchmark"] for r in runs if not r["ok"])
    results = fresh(load(names), runs, started)
    print(report(results, markdown=args.markdown, expected=expected_for(names), failed=failed))
    if runs:
        print("\n" + text_table(runs) + f"\n\ntotal: {sum(r['seconds'] for r in runs):.0f} s")
    return 0 if all(r["ok"] for r in runs) else 1


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: every one present)")
    parser.add_argument("--report", action="store_true", help="print the last results, run nothing")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
