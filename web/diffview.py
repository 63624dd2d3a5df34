"""Two versions side by side or inline, word by word, for a person to read.

A version is shown as readable lines (title, stage, identifiers, events,
documents, items, fields, then its text), so that a record without text (an API
answer) compares as well as a page. Lines are aligned as monitor.textdiff
aligns blocks; a changed line is compared word by word; a line removed in one
place and added in another is shown as moved, not as a deletion and an addition.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from monitor import textdiff

CONTEXT = 3  # unchanged lines kept around each change


@dataclass(frozen=True)
class Piece:
    """A run of words: 'same', 'added' or 'removed'."""

    text: str
    op: str


@dataclass(frozen=True)
class Row:
    """One aligned line: same, added, removed, changed, moved, or skip (unchanged lines hidden)."""

    op: str
    old: tuple[Piece, ...] = ()
    new: tuple[Piece, ...] = ()
    inline: tuple[Piece, ...] = ()
    hidden: int = 0


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


def compare(old: str, new: str, *, context: int | None = CONTEXT) -> list[Row]:
    """Aligned rows from `old` to `new`; unchanged runs beyond `context` lines are folded."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [_same(line) for line in a[i1:i2]]
        else:
            rows += _hunk(a[i1:i2], b[j1:j2])
    rows = _moves(rows)
    return rows if context is None else _fold(rows, context)


def _same(line: str) -> Row:
    piece = (Piece(line, "same"),)
    return Row("same", piece, piece, piece)


def _hunk(gone: list[str], came: list[str]) -> list[Row]:
    rows: list[Row] = []
    for index in range(max(len(gone), len(came))):
        before = gone[index] if index < len(gone) else None
        after = came[index] if index < len(came) else None
        if before is not None and after is not None and _similar(before, after):
            rows.append(words(before, after))
            continue
        if before is not None:
            rows.append(_one("removed", before))
        if after is not None:
            rows.append(_one("added", after))
    return rows


def _one(op: str, line: str) -> Row:
    piece = (Piece(line, op),)
    return Row(op, piece if op == "removed" else (), piece if op == "added" else (), piece)


def _similar(a: str, b: str) -> bool:
    ratio = SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()
    return ratio >= textdiff.SIMILAR


def words(old: str, new: str) -> Row:
    """One changed line, word by word: the old side, the new side, and both inline."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    left: list[Piece] = []
    right: list[Piece] = []
    inline: list[Piece] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        gone, came = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            for side in (left, right, inline):
                side.append(Piece(gone, "same"))
            continue
        for side, piece in ((left, Piece(gone, "removed")), (right, Piece(came, "added"))):
            if piece.text:
                side.append(piece)
                inline.append(piece)
    return Row("changed", tuple(left), tuple(right), tuple(inline))


def _moves(rows: list[Row]) -> list[Row]:
    """A line removed here and added there (same words) is one move."""
    added = {_plain(r.new) for r in rows if r.op == "added" and _plain(r.new).strip()}
    removed = {_plain(r.old) for r in rows if r.op == "removed" and _plain(r.old).strip()}
    moved = added & removed
    out = []
    for row in rows:
        text = _plain(row.old or row.new)
        if row.op in ("added", "removed") and text in moved:
            piece = (Piece(text, "moved"),)
            row = Row(
                "moved",
                piece if row.op == "removed" else (),
                piece if row.op == "added" else (),
                piece,
            )
        out.append(row)
    return out


def _plain(pieces: tuple[Piece, ...]) -> str:
    return "".join(p.text for p in pieces)


def _fold(rows: list[Row], context: int) -> list[Row]:
    """Hide unchanged lines further than `context` from any change."""
    near = {
        i + d for i, r in enumerate(rows) if r.op != "same" for d in range(-context, context + 1)
    }
    out: list[Row] = []
    for index, row in enumerate(rows):
        if row.op != "same" or index in near:
            out.append(row)
        elif out and out[-1].op == "skip":
            out[-1] = Row("skip", hidden=out[-1].hidden + 1)
        else:
            out.append(Row("skip", hidden=1))
    return out


@dataclass(frozen=True)
class Comparison:
    """What the compare page shows: a one-line summary, counts, and the rows."""

    summary: str
    counts: dict[str, int]
    rows: list[Row]


def comparison(old: Mapping[str, Any], new: Mapping[str, Any], *, full: bool = False) -> Comparison:
    """Two records compared; an empty `old` shows everything as added."""
    a, b = (record_text(old) if old else ""), record_text(new)
    rows = compare(a, b, context=None if full else CONTEXT)
    counts = {op: sum(r.op == op for r in rows) for op in ("added", "removed", "changed", "moved")}
    words = textdiff.summarise(textdiff.block_changes(a, b))
    return Comparison(words or "No difference.", counts, rows)
