"""Volatile text: a pattern is skipped only when it cannot match; the text comes out as before."""

from __future__ import annotations

import pytest

from monitor.normalise import CLUES, Folded, clean_text, may_match


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Page generated at 2026-01-02T12:34:56Z\nBody", "Body"),
        ("Vote at 9:05:33 PM today", "Vote at today"),
        ("Visitors: 1,234 and Views 55\nreview 3 stays", "and\nreview 3 stays"),
        ("Status: adopted 26/04/2019", "Status: adopted 26/04/2019"),
        ("link ?PHPSESSID=xyz1 here", "link ? here"),
    ],
)
def test_volatile_text_is_dropped_and_the_rest_kept(text: str, expected: str) -> None:
    assert clean_text(text) == expected


@pytest.mark.parametrize("odd", ["\u0131", "\u0130", "\u017f", "\u212a"])
def test_a_letter_that_folds_oddly_runs_every_pattern(odd: str) -> None:
    assert Folded(f"plain {odd} text").lowered is None
    assert may_match("plain text", CLUES["session id"]) is False
    assert may_match(f"plain {odd} text", CLUES["session id"]) is True


def test_clues_are_found_whatever_the_case_and_letters_around() -> None:
    assert may_match("Körner: LAST UPDATED 3 May", CLUES["generated / updated stamp"])
    assert may_match("ö VIEWS 3", CLUES["visitor counter"])
    assert may_match("a review of hits-free text", CLUES["visitor counter"])
    assert not may_match("a review, nothing else", CLUES["visitor counter"])
