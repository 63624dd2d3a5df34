"""The text differ: blocks added, removed, changed word by word, and moved."""

import json
import random
import re

from monitor.textdiff import COUNTED, NEW_SIDE, OLD_SIDE, compare, render, word_diff, word_pieces
from tests.helpers import FIXTURES
from web.diffview import record_text


def test_a_moved_paragraph_is_moved_not_added_and_removed() -> None:
    old = "# Summary\nThe Commission proposes detection orders.\nThe EU Centre coordinates.\nEncryption is debated."
    new = "# Summary\nThe Commission proposes detection orders.\nEncryption is debated.\nThe EU Centre coordinates."
    found = compare(old, new)
    assert found.summary == "1 paragraph moved under 'Summary'"
    # Two paragraphs swapped: one of them moved, either reading is right.
    assert render(found.rows) in (
        "@@ Summary\n> The EU Centre coordinates.",
        "@@ Summary\n> Encryption is debated.",
    )
    assert [r.op for r in found.changed] in (["moved_away", "moved"], ["moved", "moved_away"])


def test_an_edited_sentence_is_one_change_with_a_word_diff() -> None:
    found = compare("# Status\nAwaiting committee decision.", "# Status\nAwaiting committee vote.")
    assert found.summary == "1 paragraph changed under 'Status'"
    assert render(found.rows) == "@@ Status\n~ Awaiting committee [-decision.-]{+vote.+}"


# -- the summary always agrees with the rows: property-style, over real captured texts ----------

SUMMARY_PART = re.compile(
    r"^(\d+) (?:paragraph|heading)s? (added|removed|changed|moved)(?: under '.*')?$"
)


def _texts() -> list[str]:
    """Every captured record's text as the compare page reads it (tests/fixtures/*/*expected.json)."""
    paths = sorted(FIXTURES.glob("*/*expected.json"))
    records = [json.loads(path.read_text(encoding="utf-8")) for path in paths]
    return [record_text(r) for r in records] + [r["text"] for r in records if r["text"]]


def _edits(text: str, other: str, rng: random.Random) -> list[str]:
    """Plausible next versions of a text: lines dropped, added, moved, reworded, all at once."""
    lines, extra = text.splitlines(), other.splitlines() or ["A new paragraph."]
    cut = rng.randrange(len(lines) + 1)
    dropped = [line for line in lines if rng.random() > 0.2]
    added = [*lines[:cut], rng.choice(extra), *lines[cut:]]
    moved = list(lines)
    if len(moved) > 2:
        moved.insert(rng.randrange(len(moved)), moved.pop(rng.randrange(len(moved))))
    reworded = [_reword(line, rng) if rng.random() < 0.3 else line for line in lines]
    mixed = [_reword(line, rng) if rng.random() < 0.5 else line for line in dropped]
    mixed = [*mixed[cut:], *extra[:3], *mixed[:cut]]
    return ["\n".join(v) for v in (dropped, added, moved, reworded, mixed, [])]


def _reword(line: str, rng: random.Random) -> str:
    words = line.split(" ")
    words[rng.randrange(len(words))] = rng.choice(["amended", "deleted,", "Council", "2025"])
    return " ".join(words)


def _agrees(old: str, new: str) -> None:
    found = compare(old, new)
    said: dict[str, int] = dict.fromkeys(COUNTED, 0)
    for part in filter(None, found.summary.split("; ")):
        number, op = SUMMARY_PART.match(part).groups()
        said[op] += int(number)
    shown = {op: sum(row.op == op for row in found.rows) for op in COUNTED}
    assert said == shown == found.counts, (old, new, found.summary)
    assert shown["moved"] == sum(row.op == "moved_away" for row in found.rows)
    assert bool(found.summary) == bool(found.changed) == (old.splitlines() != new.splitlines())
    # The rows are the two texts: read down one side, you read that version.
    assert [r.old_text for r in found.rows if r.op in OLD_SIDE] == old.splitlines()
    assert [r.new_text for r in found.rows if r.op in NEW_SIDE] == new.splitlines()
    # A changed line is shown with its own word diff (render reuses the one compare made).
    changed = [r for r in found.rows if r.op == "changed"]
    shown_lines = [line for line in render(found.rows).splitlines() if line.startswith("~ ")]
    assert shown_lines == [f"~ {word_diff(r.old_text, r.new_text)}" for r in changed]


def test_the_summary_counts_exactly_the_rows_over_real_captured_texts() -> None:
    texts = _texts()
    assert len(texts) > 30, "the fixtures' records"
    rng = random.Random(14)
    cases = 0
    for index, text in enumerate(texts):
        other = texts[(index + 1) % len(texts)]
        for new in [other, *_edits(text, other, rng)]:
            _agrees(text, new)
            _agrees(new, text)
            cases += 2
    assert cases > 400


def test_the_case_from_the_issue_one_changed_paragraph_is_one_changed_row() -> None:
    # The old page said "1 paragraph changed" over a removed and an added row: its rows split
    # lines on spaces ("detection," is not "detection"), its summary on words.
    old, new = (
        "# Text\nScope: detection, scanning, encryption, reporting",
        "# Text\nScope: detection scanning encryption reporting",
    )
    _agrees(old, new)
    found = compare(old, new)
    assert found.summary == "1 paragraph changed under 'Text'"
    assert [r.op for r in found.rows] == ["same", "changed"]


def test_word_pieces_read_back_both_lines_whatever_they_share_at_their_ends() -> None:
    # The words both lines begin and end with are set aside before difflib runs: the pieces
    # must still be the two lines, and what they share the same on both sides.
    rng = random.Random(3)
    words = ["the", "Council", "shall", "amended,", "2025", "the", " "]
    for _ in range(2000):
        old = " ".join(rng.choice(words) for _ in range(rng.randrange(0, 12)))
        new = " ".join(rng.choice(words) for _ in range(rng.randrange(0, 12)))
        new = _reword(old, rng) if old and rng.random() < 0.5 else new
        left, right, inline = word_pieces(old, new)
        assert "".join(p.text for p in left) == old and "".join(p.text for p in right) == new
        assert "".join(p.text for p in inline if p.op != "added") == old
        assert "".join(p.text for p in inline if p.op != "removed") == new
        assert [p for p in left if p.op == "same"] == [p for p in right if p.op == "same"]
