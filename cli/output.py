"""What commands print: JSON for scripts, tables that never cut a cell, times as people read them."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

out = Console(soft_wrap=True)  # lines stay whole in pipes and logs


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


FormatOpt = Annotated[
    Format, typer.Option("--format", help="text for people, json for scripts (markdown: kinds)")
]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def busy(text: str, format: Format) -> AbstractContextManager[object]:
    """A spinner with `text` while a person waits on the terminal; nothing for scripts."""
    return out.status(text, spinner="dots") if format == Format.text else nullcontext()


def say(line: str) -> None:
    """One line as it is: no markup, no highlighting."""
    out.print(line, markup=False, highlight=False)


def when(value: str | datetime | None, timezone: str) -> str:
    """A stored UTC time as a person reads it: to the minute, in LEXWATCH_TIMEZONE."""
    from zoneinfo import ZoneInfo

    if not value:
        return "-"
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return f"{moment.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M}"


# -- tables: whole cells, in a terminal and in a pipe ------------------------------


def print_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print a table that never cuts a cell: plain columns in a pipe, wrapped on a terminal."""
    cells = [[" ".join(str(cell).split()) for cell in row] for row in rows]
    if sys.stdout.isatty():
        out.print(wrapped_table(columns, cells, out.width))
    else:
        sys.stdout.write(plain_table(columns, cells))


def plain_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns without box drawing, for pipes, files and scripts (`cut`, `awk`)."""
    lines = [list(columns), *(list(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        + "\n"
        for line in lines
    )


WHOLE = 10  # characters a word keeps on one line when the terminal has room: a date, 2026-12-04


def wrapped_table(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> Table:
    """A rich table whose cells wrap (a long word folds) instead of ending in an ellipsis.

    Short words (dates, kinds) stay whole when every column's fits in `width`;
    otherwise rich would crop the table's right edge, so then everything may fold.
    """
    least = [
        min(WHOLE, max(len(word) for cell in cells for word in [*cell.split(), ""]))
        for cells in zip(columns, *rows, strict=True)
    ]
    fits = sum(least) + 3 * len(columns) + 1 <= width  # a space each side of a cell, a rule
    table = Table(
        *(
            Column(name, overflow="fold", min_width=n if fits else None)
            for name, n in zip(columns, least, strict=True)
        ),
        box=box.SIMPLE_HEAD,
    )
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # Text: a '[' in a name is not markup
    return table
