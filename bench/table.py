"""Rows of results (dicts) as an aligned text table or a Markdown table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Every key of every row, in order of first appearance."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def cell(value: Any) -> str:
    """A value as it reads in a table: floats without noise, booleans as yes / no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}" if value else "0"
    return "" if value is None else str(value)


def text_table(rows: Sequence[dict[str, Any]]) -> str:
    """An aligned plain-text table (numbers right-aligned)."""
    names = columns(rows)
    grid = [names] + [[cell(row.get(name)) for name in names] for row in rows]
    widths = [max(len(line[i]) for line in grid) for i in range(len(names))]
    numeric = [all(is_number(row.get(name)) for row in rows) for name in names]
    lines = [_line(line, widths, numeric) for line in grid]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(rows: Sequence[dict[str, Any]]) -> str:
    """A Markdown table, as the README shows it."""
    names = columns(rows)
    numeric = [all(is_number(row.get(name)) for row in rows) for name in names]
    head = "| " + " | ".join(names) + " |"
    rule = "| " + " | ".join("---:" if n else "---" for n in numeric) + " |"
    body = ["| " + " | ".join(cell(row.get(name)) for name in names) + " |" for row in rows]
    return "\n".join([head, rule, *body])


def _line(values: list[str], widths: list[int], numeric: list[bool]) -> str:
    parts = [
        v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)
    ]
    return "  ".join(parts).rstrip()


def is_number(value: Any) -> bool:
    """True for numbers (and empty cells), false for booleans and text."""
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))
