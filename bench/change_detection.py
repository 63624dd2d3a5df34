"""Change detection, side by side with urlwatch, on the same seeded site of N pages.

For N = 200 and 1,000 (BENCH_SIZES, comma-separated), each tool starts from a
fresh home and runs, one program per pass (`lexwatch-service`: one long-lived
process for all its passes, bench/service_tool.py): a first pass, a pass with
nothing changed, EDIT_PASSES passes after a seeded 5 % of the pages were edited,
then put back, in turn (the row is the median pass by wall time); then, on
the noisy variant of the site, a first pass and a pass where nothing really
changed (so every page it reports is a false positive). Per pass: wall time,
CPU, peak memory, pages per second, bytes the server sent, and whether the set
of changed pages reported is exactly right.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import write_result
from bench.lexwatch_tool import SETTINGS, Lexwatch
from bench.service_tool import LexwatchService
from bench.site import Site
from bench.table import text_table
from bench.tool import Observed, Tool
from bench.urlwatch_tool import VERSION, Urlwatch, ensure_installed

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "200,1000").split(","))
SEED = 2026
EDITED = 0.05
# A 5 % pass lasts 1.5-3 s, and the machine's speed drifts between one tool's turn and the next.
EDIT_PASSES = int(os.environ.get("BENCH_EDIT_PASSES", "5"))
TOOLS: tuple[type[Lexwatch] | type[Urlwatch], ...] = (Lexwatch, LexwatchService, Urlwatch)
# `lexwatch crawl` on the 5 % pass of N = 1,000 before issue 17 (its table): it may not get slower.
ISSUE_17_CLI_PAGES_PER_S = 94.9


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
        "lexwatch_service": "one long-lived process, every source queued as the scheduler does",
        "urlwatch": f"urlwatch {VERSION}, default config, 10 worker threads (fixed in urlwatch)",
        "edited_passes": EDIT_PASSES,
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
        try:
            rows = [_measure(tool, site, "first"), _measure(tool, site, "unchanged")]
            if not site.noisy:
                rows.append(_edited(tool, site))
        finally:
            getattr(tool, "close", lambda: None)()  # the service's driver stops here
    return rows


def _edited(tool: Tool, site: Site) -> dict[str, Any]:
    """EDIT_PASSES passes of the same 5 % of pages, edited and put back in turn: the median pass.

    The row is that one pass by wall time, every figure from it; it is exact only if
    every pass was (each must report exactly the edited pages, back and forth).
    """
    rows: list[dict[str, Any]] = []
    for n in range(EDIT_PASSES):
        # urlwatch keeps the time of each copy to the second and reads back the latest: of
        # two stored within one second it may take the older, and its ETag (a real monitor
        # never checks one page twice in a second).
        time.sleep(1.0)
        moved = site.put_back(EDITED) if n % 2 else site.edit(EDITED)  # the same pages each time
        rows.append(_measure(tool, site, "5 % edited", frozenset(moved)))
    rows.sort(key=lambda row: row["wall_s"])
    return rows[len(rows) // 2] | {"exact": all(row["exact"] for row in rows)}


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


# -- the aims of issue 17 ----------------------------------------------------------


def judge(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each aim, with Lexwatch's and urlwatch's numbers (at the largest N), and whether it is met."""
    return [_first(rows), _noise(rows), _service(rows), _cli(rows), _memory(rows)]


def _pick(rows: list[dict[str, Any]], tool: str, site: str, label: str) -> dict[str, Any]:
    wanted = (tool, max(SIZES), site, label)
    return next(r for r in rows if (r["tool"], r["n"], r["site"], r["pass"]) == wanted)


def _aim(aim: str, lexwatch: float, urlwatch: float, met: bool) -> dict[str, Any]:
    return {"aim": aim, "lexwatch": lexwatch, "urlwatch": urlwatch, "met": met}


def _both(rows: list[dict[str, Any]], tool: str, site: str, label: str, key: str) -> tuple:
    return _pick(rows, tool, site, label)[key], _pick(rows, "urlwatch", site, label)[key]


def _compared(rows: list[dict[str, Any]], aim: str, case: tuple[str, ...], ok: Any) -> dict:
    """An aim judged by `ok(ours, urlwatch's)` on one measurement of one case (tool, site, pass, key)."""
    ours, theirs = _both(rows, *case)
    return _aim(f"{aim}, N={max(SIZES)}", ours, theirs, ok(ours, theirs))


def _first(rows: list[dict[str, Any]]) -> dict[str, Any]:
    case = ("lexwatch", "clean", "first", "cpu_ms_per_page")
    aim = "(a) CPU ms per page, first pass: <= 2x urlwatch"
    return _compared(rows, aim, case, lambda ours, theirs: ours <= 2 * theirs)


def _noise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    false_pos = sum(
        r["false_pos"] for r in rows if r["tool"] != "urlwatch" and r["site"] == "noisy"
    )
    case = ("lexwatch", "noisy", "unchanged", "cpu_ms_per_page")
    aim = (
        f"(b) CPU ms per page, noisy site: <= 2x urlwatch, 0 false changes (Lexwatch: {false_pos})"
    )
    return _compared(rows, aim, case, lambda ours, theirs: ours <= 2 * theirs and false_pos == 0)


def _service(rows: list[dict[str, Any]]) -> dict[str, Any]:
    case = ("lexwatch-service", "clean", "5 % edited", "pages_per_s")
    aim = "(c) service pages/s on the 5 % pass: >= 2x urlwatch"
    return _compared(rows, aim, case, lambda ours, theirs: ours >= 2 * theirs)


def _cli(rows: list[dict[str, Any]]) -> dict[str, Any]:
    case = ("lexwatch", "clean", "5 % edited", "pages_per_s")
    aim = f"(d) `lexwatch crawl` pages/s on the 5 % pass: >= {ISSUE_17_CLI_PAGES_PER_S} (before)"
    return _compared(rows, aim, case, lambda ours, _theirs: ours >= ISSUE_17_CLI_PAGES_PER_S)


def _memory(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def peak(tools: tuple[str, ...]) -> float:
        return max(r["peak_mb"] for r in rows if r["tool"] in tools)

    ours, theirs = peak(("lexwatch", "lexwatch-service")), peak(("urlwatch",))
    return _aim("peak memory of any pass, MB: < 150", ours, theirs, ours < 150)


if __name__ == "__main__":
    main()
