"""What a search that found nothing offers: searches that find something, and close files."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from sqlmodel import Session, col, select

from db import searchquery, searchsuggest
from db.models import Dossier
from db.repo.searchmatch import Match, any_match, expanded
from db.repo.searchwords import words_starting

__all__ = [
    "Suggestions",
]


@dataclass(frozen=True)
class Suggestions:
    """What a search that found nothing offers: searches that find something, close files."""

    words: tuple[str, ...] = ()
    files: tuple[tuple[str, str], ...] = ()  # (key, title)


SUGGESTED_FILES = 5000  # the most recently updated files are compared with what was typed
SUGGESTED_WORDS = 8


def suggest(session: Session, *, text: str, exact: bool) -> Suggestions:
    """Topic names and indexed words that find something, and files with close titles.

    An exact search is offered exact searches (the names that occur as typed); any other
    search is offered searches that are expanded in their turn.
    """
    typed = text
    names = searchsuggest.topic_names(typed, exact=exact)
    starts = sorted({w[:2] for w in searchsuggest.typed_words(typed) if len(w) >= 2})
    listed = words_starting(session, prefixes=starts)
    finds = _Finds(session, exact)
    candidates = dict.fromkeys(names + searchsuggest.close_words(typed, listed))
    words = list(islice((w for w in candidates if finds(w)), SUGGESTED_WORDS))
    files = searchsuggest.close_files(typed, _file_titles(session))
    return Suggestions(tuple(words), tuple(files))


class _Finds:
    """Whether a search for some words has at least one index row (each query counted once)."""

    def __init__(self, session: Session, exact: bool) -> None:
        self.session, self.exact = session, exact
        self.known: dict[tuple[frozenset[searchquery.Term], ...], bool] = {}

    def __call__(self, words: str) -> bool:
        typed = searchquery.parse(words)
        terms = typed if self.exact else expanded(self.session, typed)
        key = tuple(frozenset(group) for group in terms)  # a topic's names: one search
        if key not in self.known:
            where = Match.build(self.session, terms) if terms else None
            self.known[key] = where is not None and any_match(self.session, where)
        return self.known[key]


def _file_titles(session: Session) -> list[tuple[str, str]]:
    query = select(Dossier.key, Dossier.title).order_by(col(Dossier.updated_at).desc())
    return [(key, title or "") for key, title in session.exec(query.limit(SUGGESTED_FILES))]
