"""Does a text, a record or a file speak of what a Watch follows? Pure matching.

Terms: case and diacritics are folded; two words are the same when they are
equal or when any one of the stemmers (English, Dutch, German, French) gives
both the same stem, so no language has to be detected and a Dutch motion
matches a Dutch word form. A term of several words matches those words in a
row. A one-word term of COMPOUND_MIN letters or more also matches inside a
longer word, because Dutch and German write compounds as one word
("onlinekindermisbruik"). A term that is an alias of a topic (vocab.topics),
or `topic:<slug>`, stands for every alias of that topic.

References: anything vocab.identifiers recognises (procedure references, COM
numbers, CELEX…) is compared as canonical identifiers, so `KOM(2022) 209 endg.`
matches `COM(2022) 209`; a reference written as a dossier key (`NL:kst-32317-891`)
also matches that key; anything else matches an identifier of equal value.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from monitor.link import NOT_OWN
from vocab.identifiers import find_identifiers
from vocab.records import Record
from vocab.topics import expand_topics
from vocab.words import COMPOUND_MIN, words

LANGUAGES = ("english", "dutch", "german", "french")
_STEMMERS = {language: snowballstemmer.stemmer(language) for language in LANGUAGES}
_STEM_LOCK = threading.Lock()  # a snowball stemmer keeps state while it works
_KEY = re.compile(r"^[A-Z]{2,3}:\S")


@lru_cache(maxsize=200_000)
def stems(word: str) -> tuple[str, ...]:
    """The word itself, then its stem in each language of LANGUAGES."""
    with _STEM_LOCK:
        return (word, *(_STEMMERS[language].stemWord(word) for language in LANGUAGES))


def _same(left: tuple[str, ...], right: tuple[str, ...]) -> bool:
    return any(a == b for a, b in zip(left, right, strict=True))


@dataclass(frozen=True)
class Term:
    """A term as written, its words' stems, and the word that may hide in a compound."""

    label: str
    words: tuple[tuple[str, ...], ...]
    compound: str = ""


def term(label: str) -> Term:
    """A term ready to match."""
    folded = words(label)
    compound = folded[0] if len(folded) == 1 and len(folded[0]) >= COMPOUND_MIN else ""
    return Term(label, tuple(stems(word) for word in folded), compound)


@dataclass(frozen=True)
class Reference:
    """A reference as written, the dossier key it names, its canonical identifiers."""

    label: str
    key: str = ""
    identifiers: frozenset[tuple[str, str]] = frozenset()


def reference(label: str) -> Reference:
    """A reference ready to match; shared numbers (a Kamerstuk dossier) never match alone."""
    label = label.strip()
    found = find_identifiers(label)
    own = {(scheme, value) for scheme, value in found if scheme not in NOT_OWN} or found
    return Reference(label, label if _KEY.match(label) else "", frozenset(own))


@dataclass(frozen=True)
class Matcher:
    """A watch compiled for matching: terms with their topics expanded, references, jurisdictions."""

    terms: tuple[Term, ...]
    references: tuple[Reference, ...]
    jurisdictions: frozenset[str] = frozenset()


def compile_watch(
    terms: Iterable[str], references: Iterable[str], jurisdictions: Iterable[str] = ()
) -> Matcher:
    """A Matcher for a watch's fields; a term that reads as a reference becomes one."""
    terms = [t for t in terms if t.strip()]
    as_references = [t for t in terms if find_identifiers(t)]
    plain = [t for t in terms if t not in as_references]
    return Matcher(
        tuple(term(label) for label in expand_topics(plain)),
        tuple(reference(r) for r in [*references, *as_references] if r.strip()),
        frozenset(j.strip().upper() for j in jurisdictions if j.strip()),
    )


@dataclass(frozen=True, eq=False)
class TextIndex:
    """A text prepared for matching many terms: its words' stems and where each stem occurs."""

    tokens: tuple[tuple[str, ...], ...]
    where: dict[tuple[int, str], tuple[int, ...]]
    distinct: frozenset[str]


def index(text: str) -> TextIndex:
    """Index a text once; match it against any number of watches."""
    tokens = tuple(stems(word) for word in words(text))
    where: dict[tuple[int, str], list[int]] = {}
    for position, token in enumerate(tokens):
        for slot, stem in enumerate(token):
            where.setdefault((slot, stem), []).append(position)
    frozen = {k: tuple(v) for k, v in where.items()}
    return TextIndex(tokens, frozen, frozenset(token[0] for token in tokens))


def term_in(found: Term, text: TextIndex) -> bool:
    """True when the term occurs in the text: as a phrase of stems, or inside a compound."""
    if not found.words:
        return False
    first, rest = found.words[0], found.words[1:]
    starts = {p for slot, stem in enumerate(first) for p in text.where.get((slot, stem), ())}
    for start in starts:
        following = text.tokens[start + 1 : start + 1 + len(rest)]
        if len(following) == len(rest) and all(map(_same, following, rest)):
            return True
    return bool(found.compound) and any(found.compound in word for word in text.distinct)


@dataclass(frozen=True)
class Subject:
    """What a watch is matched against: keys, identifiers, indexed text, jurisdiction."""

    keys: frozenset[str]
    identifiers: frozenset[tuple[str, str]]
    text: TextIndex
    jurisdiction: str = ""


def subject(
    *,
    keys: Iterable[str] = (),
    identifiers: Iterable[tuple[str, str]] = (),
    text: str = "",
    jurisdiction: str = "",
) -> Subject:
    """A Subject; identifiers cited anywhere in the text count as its identifiers."""
    cited = find_identifiers(text)
    return Subject(
        frozenset(k for k in keys if k),
        frozenset(identifiers) | cited,
        index(text),
        jurisdiction.upper(),
    )


@dataclass(frozen=True)
class Match:
    """Why a watch matched: the terms and references found (both empty: no match)."""

    terms: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        """True when anything matched."""
        return bool(self.terms or self.references)


def explain(matcher: Matcher, found: Subject) -> Match:
    """Every term and reference of the watch that this subject matches."""
    if not in_jurisdiction(matcher, found):
        return Match()
    refs = tuple(r.label for r in matcher.references if reference_in(r, found))
    return Match(tuple(t.label for t in matcher.terms if term_in(t, found.text)), refs)


def matches(matcher: Matcher, found: Subject) -> bool:
    """True when the watch matches; stops at the first reason."""
    if not in_jurisdiction(matcher, found):
        return False
    return any(reference_in(r, found) for r in matcher.references) or any(
        term_in(t, found.text) for t in matcher.terms
    )


def in_jurisdiction(matcher: Matcher, found: Subject) -> bool:
    """True when the watch takes every jurisdiction or the subject's is one of them.

    A subject of unknown jurisdiction (a keyless page tried with `watches test`)
    passes: nothing says it is outside. Stored files always have one.
    """
    if not matcher.jurisdictions or not found.jurisdiction:
        return True
    return found.jurisdiction in matcher.jurisdictions


def reference_in(ref: Reference, found: Subject) -> bool:
    """True when the subject is the file the reference names, or cites it."""
    if ref.key and ref.key in found.keys:
        return True
    if ref.identifiers:
        return bool(ref.identifiers & found.identifiers)
    return any(value == ref.label for _scheme, value in found.identifiers)


def record_text(record: Record) -> str:
    """Everything readable in a record: title, stage, text, events, documents, items, fields."""
    parts = [record.title, record.stage, record.text]
    parts += [f"{e.title} {e.reference} {e.details}" for e in record.events]
    parts += [f"{d.title} {d.reference}" for d in record.documents]
    parts += [f"{i.title} {i.summary}" for i in record.items]
    parts += [value for _name, value in record.fields]
    return "\n".join(part for part in parts if part)


def record_subject(record: Record, jurisdiction: str = "") -> Subject:
    """A parsed record as a Subject (what `lexwatch watches test` matches)."""
    return subject(
        keys=[record.key],
        identifiers=record.identifiers,
        text=record_text(record),
        jurisdiction=jurisdiction,
    )
