"""Two versions side by side or inline, word by word, for a person to read.

A version is shown as readable lines (title, stage, identifiers, events,
documents, items, fields, then its text), so that a record without text (an API
answer) compares as well as a page. The rows, the summary and the counts are
monitor.textdiff's, from one call: the page only folds long unchanged runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from monitor import textdiff
from monitor.textdiff import Row

CONTEXT = 3  # unchanged lines kept around each change


def record_text(record: Mapping[str, Any]) -> str:
    """A version's record as readable lines, headings starting with '#'."""
    lines = [f"# {record.get('title') or '(no title)'}"]
    if record.get("stage"):
        lines += ["## Stage", str(record["stage"])]
    lines += _section("Identifiers", _identifier_lines(record.get("identifiers") or {}))
    lines += _section("Events", [_event_line(e) for e in record.get("events") or []])
    lines += _section("Documents", [_document_line(d) for d in record.get("documents") or []])
    lines += _section("Items", [_item_line(i) for i in record.get("items") or []])
    fields = record.get("fields") or {}
    lines += _section("Fields", [f"{k}: {v}" for k, v in sorted(fields.items())])
    text = str(record.get("text") or "")
    return "\n".join(lines + (["## Text", text] if text else []))


def _section(name: str, lines: list[str]) -> list[str]:
    return [f"## {name}", *lines] if lines else []


def _identifier_lines(identifiers: Mapping[str, Any]) -> list[str]:
    out = []
    for scheme, values in sorted(identifiers.items()):
        for value in values if isinstance(values, list) else [values]:
            out.append(f"{scheme}: {value}")
    return out


def _event_line(event: Mapping[str, Any]) -> str:
    mark = " (forecast)" if event.get("forecast") else ""
    return " ".join(p for p in (event.get("date") or "", event.get("title") or "") if p) + mark


def _document_line(doc: Mapping[str, Any]) -> str:
    parts = (doc.get("date") or "", doc.get("reference") or "", doc.get("title") or "")
    return " ".join(p for p in parts if p)


def _item_line(item: Mapping[str, Any]) -> str:
    return " ".join(p for p in (item.get("published") or "", item.get("title") or "") if p)


@dataclass(frozen=True)
class Skip:
    """Unchanged lines folded away between changes."""

    hidden: int
    op: str = "skip"


def fold(rows: Sequence[Row], context: int) -> list[Row | Skip]:
    """Hide unchanged rows further than `context` from any change (the changes stay as they are)."""
    near = {
        i + d for i, r in enumerate(rows) if r.op != "same" for d in range(-context, context + 1)
    }
    out: list[Row | Skip] = []
    for index, row in enumerate(rows):
        if row.op != "same" or index in near:
            out.append(row)
        elif out and isinstance(out[-1], Skip):
            out[-1] = Skip(out[-1].hidden + 1)
        else:
            out.append(Skip(1))
    return out


@dataclass(frozen=True)
class Comparison:
    """What the compare page shows: the differ's summary and counts, and its rows (folded)."""

    summary: str
    counts: dict[str, int]
    rows: list[Row | Skip]


def comparison(old: Mapping[str, Any], new: Mapping[str, Any], *, full: bool = False) -> Comparison:
    """Two records compared; an empty `old` shows everything as added."""
    found = textdiff.compare(record_text(old) if old else "", record_text(new))
    rows = list(found.rows) if full else fold(found.rows, CONTEXT)
    return Comparison(found.summary or "No difference.", found.counts, rows)
