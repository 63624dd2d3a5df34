"""Text differs: block by block (with the heading each block sits under) and word by word.

Text is one block per line, headings as lines starting with '#'. Pure functions
with one shape: two strings in, plain data out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

SIMILAR = 0.5  # below this, a replaced block reads as one removed and one added


@dataclass(frozen=True)
class BlockChange:
    """One block added, removed or changed, and the heading it stands under."""

    op: str
    heading: str
    old: str = ""
    new: str = ""


def block_changes(old: str, new: str) -> list[BlockChange]:
    """The blocks that differ between two texts, in reading order."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    changes: list[BlockChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            changes += _hunk(old_lines, new_lines, (i1, i2), (j1, j2))
    return _moves(changes)


def _moves(changes: list[BlockChange]) -> list[BlockChange]:
    """A block removed in one place and added unchanged in another was moved, not rewritten."""
    removed = [c.old for c in changes if c.op == "removed"]
    out = []
    for change in changes:
        if change.op == "added" and change.new in removed:
            removed.remove(change.new)
            out.append(BlockChange("moved", change.heading, change.new, change.new))
        elif change.op != "removed" or change.old in removed:
            out.append(change)
    return out


def _hunk(old: list[str], new: list[str], olds: tuple, news: tuple) -> list[BlockChange]:
    gone, came = old[olds[0] : olds[1]], new[news[0] : news[1]]
    heading_old, heading_new = _heading(old, olds[0]), _heading(new, news[0])
    out: list[BlockChange] = []
    for index in range(max(len(gone), len(came))):
        before = gone[index] if index < len(gone) else None
        after = came[index] if index < len(came) else None
        out += _pair(before, after, heading_old, heading_new)
    return out


def _pair(before: str | None, after: str | None, h_old: str, h_new: str) -> list[BlockChange]:
    if before is not None and after is not None and _similar(before, after):
        return [BlockChange("changed", h_new, before, after)]
    pair = []
    if before is not None:
        pair.append(BlockChange("removed", h_old, old=before))
    if after is not None:
        pair.append(BlockChange("added", h_new, new=after))
    return pair


def _similar(a: str, b: str) -> bool:
    words = re.compile(r"\w+")  # punctuation stuck to a word does not make it another word
    return (
        SequenceMatcher(None, words.findall(a), words.findall(b), autojunk=False).ratio() >= SIMILAR
    )


def _heading(lines: list[str], position: int) -> str:
    for line in reversed(lines[:position]):
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return ""


def word_diff(old: str, new: str) -> str:
    """`old` turned into `new`, removals as [-…-] and additions as {+…+}."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append(f"[-{''.join(a[i1:i2])}-]")
        if j2 > j1:
            out.append(f"{{+{''.join(b[j1:j2])}+}}")
    return "".join(out)


def summarise(changes: list[BlockChange]) -> str:
    """One line: '2 paragraphs added under 'Key events'; 1 paragraph changed'."""
    counts = Counter((c.op, c.heading, _noun(c)) for c in changes)
    parts = [
        f"{n} {noun}{'s' if n > 1 else ''} {op}" + (f" under '{heading}'" if heading else "")
        for (op, heading, noun), n in counts.items()
    ]
    return "; ".join(parts)


def _noun(change: BlockChange) -> str:
    return "heading" if (change.new or change.old).startswith("#") else "paragraph"


def render(changes: list[BlockChange]) -> str:
    """A readable diff: '+ added', '- removed', '> moved here', '~ changed with [-old-]{+new+}'."""
    lines: list[str] = []
    heading = None
    for change in changes:
        if change.heading != heading and change.heading:
            lines.append(f"@@ {change.heading}")
        heading = change.heading
        lines.append(_line(change))
    return "\n".join(lines)


def _line(change: BlockChange) -> str:
    if change.op == "moved":
        return f"> {change.new}"
    if change.op == "added":
        return f"+ {change.new}"
    if change.op == "removed":
        return f"- {change.old}"
    return f"~ {word_diff(change.old, change.new)}"
