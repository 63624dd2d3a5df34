"""What a person types into the search box, made into a query the database cannot misread.

Any input is valid: a stray quote, `AND`, `*`, `NEAR(` or `col:` never reaches the
full-text engine as syntax (FTS5 raises on a syntax error). Every word or
"quoted phrase" becomes one quoted term; `word*` searches a prefix; `OR` between
terms means either; everything else is required, as in a web search engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TERMS = 32  # a pasted paragraph is searched by its first words, not rejected
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORDY = re.compile(r"\w")


@dataclass(frozen=True)
class Term:
    """One word or phrase; `prefix` for `word*`."""

    text: str
    prefix: bool = False


Group = tuple[Term, ...]  # terms joined by OR; the groups are all required


def parse(text: str) -> list[Group]:
    """The groups of a query: `a "b c" OR d*` -> [(a,), (b c, d*)]."""
    groups: list[list[Term]] = []
    joined = False
    for phrase, word in _TOKEN.findall(text or ""):
        if word == "OR":
            joined = bool(groups)
            continue
        term = _term(phrase, word)
        if term is None:
            continue
        if joined:
            groups[-1].append(term)
        else:
            groups.append([term])
        joined = False
    return [tuple(group) for group in groups[:MAX_TERMS]]


def _term(phrase: str, word: str) -> Term | None:
    if word in ("AND", "NOT"):
        return None  # every term is required anyway; NOT alone would have no left side
    prefix = bool(word) and word.endswith("*")
    text = " ".join((phrase or word.rstrip("*")).split())
    if not _WORDY.search(text):
        return None  # only punctuation: the tokenizer would drop it, leaving an empty term
    return Term(text, prefix and not phrase)


def fts5(groups: list[Group]) -> str:
    """An FTS5 MATCH expression: each term a quoted string, so nothing in it is syntax."""
    return " AND ".join(_fts5_group(group) for group in groups)


def _fts5_group(group: Group) -> str:
    terms = [_quoted(t.text) + ("*" if t.prefix else "") for t in group]
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def websearch_terms(groups: list[Group]) -> list[list[str]]:
    """Each term as text for PostgreSQL's websearch_to_tsquery (a phrase stays quoted)."""
    return [[_quoted(t.text) if " " in t.text else t.text for t in group] for group in groups]
