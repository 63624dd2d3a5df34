"""What a person types into the search box, made into a query the database cannot misread.

Any input is valid: a stray quote, `AND`, `*`, `NEAR(` or `col:` never reaches the
full-text engine as syntax (FTS5 raises on a syntax error). Every word or
"quoted phrase" becomes one quoted term; `word*` searches a prefix; `OR` between
terms means either; everything else is required, as in a web search engine.

Unless the search is exact, a query then searches what a watch would match
(vocab.words, the same folding): words that name a topic (vocab.topics)
stand for every name of that topic in every language, and a long word also
searches the indexed words it hides in ("kindermisbruik" in
"onlinekindermisbruik"). The full-text engines match whole words only, so the
caller looks the compounds up in the index's word list (`long_words` says
which) and `with_compounds` adds them as alternatives.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from vocab.topics import expand_topics, topic_of
from vocab.words import COMPOUND_MIN, fold, words

MAX_TERMS = 32  # a pasted paragraph is searched by its first words, not rejected
MAX_ALTERNATIVES = 120  # per group: a topic's names and their compounds stay one bounded OR
LONGEST_ALIAS = 12  # words; no topic name is longer
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


# -- what a watch would match: topics and compounds ------------------------------------


def _plain(group: Group) -> bool:
    return len(group) == 1 and not group[0].prefix


def with_topics(groups: list[Group]) -> list[Group]:
    """Groups where a run of words (or a term) naming a topic also searches its other names."""
    out: list[Group] = []
    i = 0
    while i < len(groups):
        size = _topic_run(groups, i)
        if size:
            phrase = " ".join(g[0].text for g in groups[i : i + size])
            out.append(_alternatives([Term(a) for a in expand_topics([phrase])]))
            i += size
            continue
        out.append(_alternatives([t for term in groups[i] for t in _named(term)]))
        i += 1
    return out


def _topic_run(groups: list[Group], start: int) -> int:
    """How many plain groups from `start` read together as a topic's name (longest first)."""
    end = start
    while end < len(groups) and end - start < LONGEST_ALIAS and _plain(groups[end]):
        end += 1
    for stop in range(end, start, -1):
        if topic_of(" ".join(g[0].text for g in groups[start:stop])):
            return stop - start
    return 0


def _named(term: Term) -> list[Term]:
    """A term, and the other names of its topic when it names one."""
    if term.prefix or not topic_of(term.text):
        return [term]
    return [Term(alias) for alias in expand_topics([term.text])]


def _alternatives(terms: Iterable[Term]) -> Group:
    """Terms as one group, each once (compared as the index folds them), at most MAX_ALTERNATIVES."""
    seen: dict[tuple[tuple[str, ...], bool], Term] = {}
    for term in terms:
        seen.setdefault((tuple(words(term.text)), term.prefix), term)
    return tuple(list(seen.values())[:MAX_ALTERNATIVES])


def long_words(groups: list[Group]) -> list[str]:
    """The folded one-word terms long enough to be looked for inside compounds, as watches do."""
    found = (_long_word(term) for group in groups for term in group)
    return list(dict.fromkeys(word for word in found if word))


def _long_word(term: Term) -> str:
    folded = words(term.text)
    single = len(folded) == 1 and not term.prefix
    return folded[0] if single and len(folded[0]) >= COMPOUND_MIN else ""


def with_compounds(groups: list[Group], compounds: Mapping[str, Sequence[str]]) -> list[Group]:
    """Each long word's group also searches the indexed words that contain it."""
    out = []
    for group in groups:
        extra = [Term(w) for term in group for w in compounds.get(_long_word(term), ())]
        out.append(_alternatives([*group, *extra]))
    return out


def added(before: list[Group], after: list[Group]) -> list[str]:
    """What the expanded query searches besides what was typed, in order, each once."""
    typed = [tuple(words(t.text)) for group in before for t in group]
    run = tuple(word for term in typed for word in term)
    extra = (
        t.text
        for group in after
        for t in group
        if tuple(words(t.text)) not in typed and not _within(tuple(words(t.text)), run)
    )
    return list(dict.fromkeys(extra))


def _within(part: tuple[str, ...], run: tuple[str, ...]) -> bool:
    """True when `part` is a run of consecutive words of `run` (a typed phrase, unquoted)."""
    size = len(part)
    return any(run[i : i + size] == part for i in range(len(run) - size + 1))


def index_words(text: str) -> set[str]:
    """The long words of a text as the indexes store them: lower case, diacritics removed.

    Lower case rather than casefold (vocab.words.fold): FTS5 keeps a 'ß', so a
    word listed as the index holds it is found when searched.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return {word for word in _INDEX_WORD.findall(plain) if len(word) >= COMPOUND_MIN}


_INDEX_WORD = re.compile(r"[^\W_]+")


# -- snippets: where a snippet is centred, what in it is marked -------------------------

Piece = tuple[str, bool]  # a snippet's text, and whether it is a match


def key_words(groups: list[Group]) -> list[Group]:
    """One group of every term's longest word: what a snippet is centred on.

    PostgreSQL's ts_headline picks fragments by any word of a phrase; "van" or "de"
    of a Dutch topic name would make the fragment, not the name.
    """
    return [
        _alternatives(
            Term(max(words(t.text) or [t.text], key=len), t.prefix)
            for group in groups
            for t in group
        )
    ]


def marked(text: str, groups: list[Group]) -> tuple[Piece, ...]:
    """The text in pieces with every occurrence of a term marked (words folded, `word*` a prefix)."""
    tokens = [(m.start(), m.end(), fold(m.group())) for m in _INDEX_WORD.finditer(text)]
    terms = [(tuple(words(t.text)), t.prefix) for group in groups for t in group]
    spans = [span for k in range(len(tokens)) for span in _occurrences(tokens, k, terms)]
    return _pieces(text, _merged(sorted(spans)))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping ones joined ("CSAM" inside "CSAM-verordening")."""
    out: list[tuple[int, int]] = []
    for start, stop in spans:
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(stop, out[-1][1]))
        else:
            out.append((start, stop))
    return out


def _pieces(text: str, spans: list[tuple[int, int]]) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    end = 0
    for start, stop in spans:
        pieces += [(text[end:start], False)] if start > end else []
        pieces.append((text[start:stop], True))
        end = stop
    return tuple(pieces + ([(text[end:], False)] if end < len(text) else []))


def _occurrences(tokens: list[tuple[int, int, str]], k: int, terms) -> list[tuple[int, int]]:
    """(start, end) in the text of each term that occurs from token k on."""
    found = []
    for term, prefix in terms:
        run = [word for _, _, word in tokens[k : k + len(term)]]
        if term and len(run) == len(term) and _same_words(run, list(term), prefix):
            found.append((tokens[k][0], tokens[k + len(term) - 1][1]))
    return found


def _same_words(run: list[str], term: list[str], prefix: bool) -> bool:
    if prefix:
        return run[:-1] == term[:-1] and run[-1].startswith(term[-1])
    return run == term
