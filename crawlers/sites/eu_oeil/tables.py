"""OEIL's tables in both layouts (`<table>`s, the old page's `div.ep-table` blocks) and the
text and links of their cells."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bs4 import Tag

from crawlers.sites.eu_oeil.address import OEIL
from crawlers.sites.readers.html_text import absolute_url, text

# The old layout's buttons link by script: `onclick="location.href='…'"`.
_ONCLICK_LINK = re.compile(r"location\.href\s*=\s*'([^']+)'")


def tables_of(container: Tag) -> list[Tag]:
    """`<table>`s in the newer layouts, `div.ep-table` blocks in the old one."""
    return container.find_all("table") or container.find_all("div", class_="ep-table")


def head_names(table: Tag) -> list[str]:
    """A table's column headings; [] for a headless one."""
    if table.name == "table":
        return [text(th) for th in table.select("thead th")]
    heading = table.find("div", class_="ep-table-heading-row")
    return [text(cell) for cell in cells_of(heading)] if heading else []


def data_rows(table: Tag) -> list[Tag]:
    """A table's rows but its heading row."""
    if table.name == "table":
        return [tr for tr in table.find_all("tr") if tr.find_parent("thead") is None]
    rows = table.find_all("div", class_="ep-table-row")
    return [row for row in rows if "ep-table-heading-row" not in row.get("class", [])]


def cells_of(row: Tag) -> list[Tag]:
    """A row's own cells, in order."""
    if row.name == "tr":
        return row.find_all(["th", "td"], recursive=False)
    return row.find_all("div", class_="ep-table-cell", recursive=False)


def rows_by_head(container: Tag, columns: Sequence[str]) -> list[dict[str, Tag]]:
    """Each data row as {column heading: cell}; `columns` name headless tables' cells."""
    rows = []
    for table in tables_of(container):
        heads = head_names(table) or columns
        rows += [dict(zip(heads, cells_of(row), strict=False)) for row in data_rows(table)]
    return rows


def text_lines(tag: Tag) -> list[str]:
    """A tag's text pieces, each cleaned, empty ones dropped."""
    return [line for piece in tag.get_text("\n").split("\n") if (line := " ".join(piece.split()))]


def join_once(values: Iterable[str]) -> str:
    """Values joined by '; ', each once, in order."""
    return "; ".join(dict.fromkeys(value for value in values if value))


def joined_lines(cell: Tag | None) -> str:
    """A cell's lines joined by '; ', each once."""
    return join_once(text_lines(cell)) if cell is not None else ""


def cell_link(cell: Tag | None) -> str:
    """The first link of a cell, absolute; the old layout's buttons link by onclick."""
    if cell is None:
        return ""
    for link in cell.find_all("a", href=True):
        if not link["href"].startswith(("#", "javascript:")):
            return absolute_url(f"{OEIL}/", link["href"])
    button = cell.find("button", onclick=_ONCLICK_LINK)
    match = _ONCLICK_LINK.search(str(button.get("onclick", ""))) if button else None
    return absolute_url(f"{OEIL}/", match[1]) if match else ""
