"""What a search that found nothing offers instead. Pure: the caller gives the candidates.

Three kinds of suggestion, each a search or a file the person can open:
- names of topics (vocab.topics) close to what was typed: a typo
  ("chatkontrole"), a part of a name ("misbruik"), or, when the search was
  exact, the other names of the topic typed;
- indexed words close to a typed word (the index's list of long words);
- files whose titles (or keys) have words close to the typed ones.
Words are folded as watches fold them (vocab.words.words).
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher, get_close_matches

from vocab.topics import TOPICS, topic_of
from vocab.words import words

CLOSE = 0.8  # difflib ratio from which two words read as the same word mistyped
PART = 5  # a typed word this long is also looked for inside longer words
SHORTEST = 4  # shorter typed words ("the", "of") say nothing about a title


def typed_words(typed: str) -> list[str]:
    """The typed words worth comparing: long enough, or numbers (2022, 0155)."""
    return [w for w in dict.fromkeys(words(typed)) if len(w) >= SHORTEST or w.isdigit()]


def topic_names(typed: str, *, exact: bool = False) -> list[str]:
    """Names of topics close to the typed words, closest first; the typed topic's own when exact.

    Without `exact` the typed topic's names were all searched already: none of them is offered.
    """
    own, same = topic_of(typed), set(words(typed))
    scored = []
    for slug, topic in TOPICS.items():
        if slug == own and not exact:
            continue
        for order, alias in enumerate(topic.all_aliases()):
            score = 1.0 if slug == own else _closeness(typed, alias)
            if score >= CLOSE and set(words(alias)) != same:
                scored.append((-score, order, alias))
    return [alias for *_, alias in sorted(scored)]


def closest_first(typed: str, found: list[str]) -> list[str]:
    """Words searched besides the typed ones, those closest to what was typed first."""
    return sorted(found, key=lambda word: -_closeness(typed, word))


def _closeness(typed: str, alias: str) -> float:
    """How close the typed text is to a name: as a whole, or by its closest word."""
    whole = SequenceMatcher(None, " ".join(words(typed)), " ".join(words(alias))).ratio()
    pairs = [_word_closeness(t, a) for t in typed_words(typed) for a in words(alias)]
    return max([whole, *pairs])


def _word_closeness(typed: str, word: str) -> float:
    if len(typed) >= PART and typed in word:
        return 1.0
    return SequenceMatcher(None, typed, word).ratio()


def close_words(typed: str, candidates: Iterable[str], *, limit: int = 5) -> list[str]:
    """Candidate words close to a typed word (not the typed word itself)."""
    pool = list(dict.fromkeys(candidates))
    found: list[str] = []
    for word in typed_words(typed):
        found += [c for c in get_close_matches(word, pool, n=3, cutoff=CLOSE) if c != word]
    return list(dict.fromkeys(found))[:limit]


def close_files(
    typed: str, files: Iterable[tuple[str, str]], *, limit: int = 5
) -> list[tuple[str, str]]:
    """(key, title) of files whose title or key has most of the typed words, or close ones."""
    wanted = typed_words(typed)
    files = list(files)
    if not wanted:
        return []
    near = _near_words(wanted, {w for key, title in files for w in words(f"{key} {title}")})
    scored = []
    for key, title in files:
        own = set(words(f"{key} {title}"))
        hits = sum(1 for w in wanted if near[w] & own)
        if hits * 2 >= len(wanted):
            scored.append((-hits, title or key, key))
    return [(key, title) for _, title, key in sorted(scored)[:limit]]


def _near_words(wanted: list[str], vocabulary: set[str]) -> dict[str, set[str]]:
    """For each typed word, the words of the vocabulary close to it or containing it."""
    pool = sorted(vocabulary)
    return {
        w: set(get_close_matches(w, pool, n=20, cutoff=CLOSE))
        | {v for v in pool if len(w) >= PART and w in v}
        for w in wanted
    }
