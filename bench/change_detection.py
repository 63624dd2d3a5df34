"""Change detection, side by side with urlwatch, on the same seeded site of N pages.

For N = 200 and 1,000 (or the comma-separated sizes in BENCH_SIZES), each tool
starts from a fresh home and runs, one program per pass: a first pass, a pass
with nothing changed, a pass after a seeded 5 % of the pages were edited; then,
on the noisy variant of the site, a first pass and a pass where nothing really
changed (so every page it reports is a false positive). Per pass: wall time,
CPU, peak memory, pages per second, bytes the server sent, and whether the set
of changed pages reported is exactly right.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import write_result
from bench.lexwatch_tool import SETTINGS, Lexwatch
from bench.site import Site
from bench.table import text_table
from bench.tool import Observed, Tool
from bench.urlwatch_tool import VERSION, Urlwatch, ensure_installed

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "200,1000").split(","))
SEED = 2026
EDITED = 0.05
TOOLS: tuple[type[Lexwatch] | type[Urlwatch], ...] = (Lexwatch, Urlwatch)


def main() -> list[dict[str, Any]]:
    """Run every pass of both tools, print the table and the aims, write the result."""
    ensure_installed()
    load_before = os.getloadavg()
    rows = [row for n in SIZES for row in _size(n)]
    aims = judge(rows)
    print(text_table(rows), "\n", text_table(aims), sep="\n")
    write_result("change_detection", rows, aims=aims, **_conditions(load_before))
    return rows


def _conditions(load_before: tuple[float, float, float]) -> dict[str, Any]:
    """How the run was set up, and how busy the machine was (other load skews timings)."""
    return {
        "case_keys": ["tool", "n", "site", "pass"],
        "seed": SEED,
        "lexwatch_settings": SETTINGS,
        "urlwatch": f"urlwatch {VERSION}, default config, 10 worker threads (fixed in urlwatch)",
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }


def _size(n: int) -> list[dict[str, Any]]:
    return _on_site(n, noisy=False) + _on_site(n, noisy=True)


def _on_site(n: int, *, noisy: bool) -> list[dict[str, Any]]:
    site = Site(n, SEED, noisy=noisy)
    try:
        return [row for tool in TOOLS for row in _passes(tool, site)]
    finally:
        site.close()


def _passes(tool_class: type[Lexwatch] | type[Urlwatch], site: Site) -> list[dict[str, Any]]:
    """One tool from a fresh home over one site: first, unchanged, and (clean) 5 % edited."""
    site.reset()
    with tempfile.TemporaryDirectory(prefix=f"bench-{tool_class.name}-") as home:
        tool = tool_class(Path(home))
        tool.add(site.urls())
        rows = [_measure(tool, site, "first"), _measure(tool, site, "unchanged")]
        if not site.noisy:
            edited = frozenset(site.edit(EDITED))
            rows.append(_measure(tool, site, "5 % edited", edited))
    return rows


def _measure(
    tool: Tool, site: Site, label: str, expected: frozenset[str] = frozenset()
) -> dict[str, Any]:
    site.counters.reset()
    seen = tool.run_pass()
    row = _row(tool.name, site, label, seen, expected)
    sys.stderr.write(
        f"change_detection: {tool.name} N={row['n']} {row['site']} {label}: {row['wall_s']} s\n"
    )
    return row


def _row(
    tool: str, site: Site, label: str, seen: Observed, expected: frozenset[str]
) -> dict[str, Any]:
    """One line of the table: the cost of the pass, then what the tool reported."""
    n, usage, served = len(site.pages), seen.usage, site.counters
    false_pos, missed = len(seen.changed - expected), len(expected - seen.changed)
    all_new = label != "first" or seen.new == n  # a first pass must record every page
    return {
        "tool": tool,
        "n": n,
        "site": "noisy" if site.noisy else "clean",
        "pass": label,
        "wall_s": round(usage.wall, 2),
        "cpu_s": round(usage.cpu, 2),
        "cpu_ms_per_page": round(1000 * usage.cpu / n, 2),
        "peak_mb": round(usage.peak_mb, 1),
        "pages_per_s": round(n / usage.wall, 1),
        "mb_sent": round(served.bytes_sent / 1e6, 2),
        "requests": served.requests,
        "answered_304": served.not_modified,
        "reported": len(seen.changed),
        "expected": len(expected),
        "false_pos": false_pos,
        "missed": missed,
        "errors": seen.errors,
        "exact": false_pos == missed == seen.errors == 0 and all_new,
    }


# -- the aims of issue 9 -----------------------------------------------------------


def judge(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each aim, with both tools' numbers (at the largest N) and whether Lexwatch meets it."""
    return [_speed(rows), _cpu(rows), _noise(rows), _memory(rows)]


def _pick(rows: list[dict[str, Any]], tool: str, site: str, label: str) -> dict[str, Any]:
    wanted = (tool, max(SIZES), site, label)
    return next(r for r in rows if (r["tool"], r["n"], r["site"], r["pass"]) == wanted)


def _aim(aim: str, lexwatch: float, urlwatch: float, met: bool) -> dict[str, Any]:
    return {"aim": aim, "lexwatch": lexwatch, "urlwatch": urlwatch, "met": met}


def _speed(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ours, theirs = (
        _pick(rows, t, "clean", "5 % edited")["pages_per_s"] for t in ("lexwatch", "urlwatch")
    )
    return _aim(
        f"pages/s on the 5 % pass, N={max(SIZES)}: >= 2x urlwatch", ours, theirs, ours >= 2 * theirs
    )


def _cpu(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ours, theirs = (
        _pick(rows, t, "clean", "unchanged")["cpu_ms_per_page"] for t in ("lexwatch", "urlwatch")
    )
    return _aim(
        f"CPU ms per unchanged page, N={max(SIZES)}: <= urlwatch", ours, theirs, ours <= theirs
    )


def _noise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def false_pos(tool: str) -> int:
        return sum(r["false_pos"] for r in rows if r["tool"] == tool and r["site"] == "noisy")

    ours, theirs = false_pos("lexwatch"), false_pos("urlwatch")
    return _aim("false positives on the noisy site (all N): 0", ours, theirs, ours == 0)


def _memory(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def peak(tool: str) -> float:
        return max(r["peak_mb"] for r in rows if r["tool"] == tool)

    ours, theirs = peak("lexwatch"), peak("urlwatch")
    return _aim("peak memory of any pass, MB: < 150", ours, theirs, ours < 150)


if __name__ == "__main__":
    main()
