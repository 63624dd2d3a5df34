"""The plain data a digest is made of: what compose takes and what it returns.

Everything here is frozen and holds no database rows, so composing a digest is
a pure function that tests (and the web app's preview) can call with any data.
Text in these objects came from scraped pages: it is untrusted until the
templates escape it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FileRef:
    """A legislative file as a digest names it."""

    key: str
    title: str
    stage: str = ""
    jurisdiction: str = ""
    cites: tuple[tuple[str, str], ...] = ()  # (key, title) of the files it cites: its story


@dataclass(frozen=True)
class ChangeView:
    """One change as a digest shows it."""

    id: int
    file: FileRef
    kind: str
    significance: str
    summary: str
    diff: str
    detected_at: datetime
    source: str
    source_url: str = ""


@dataclass(frozen=True)
class EventView:
    """A forecast step of a file (an indicative plenary date, a scheduled vote)."""

    file: FileRef
    date: str
    title: str
    source: str
    url: str = ""


@dataclass(frozen=True)
class Trouble:
    """A source of the reader's files that Lexwatch could not read in the digest's period.

    Only what a reader needs, never an error message (those name settings and
    exceptions: they are for the admin's health board). `problem` is how it
    failed (`unreachable`, `unreadable`, `failed`) or `not_checked` (no attempt
    in the whole period); `failed_at` are the failed attempts after its last
    good reading in the period; `last_checked` is its last attempt before a
    period without any (None: never attempted).
    """

    source: str
    problem: str
    failed_at: tuple[datetime, ...] = ()
    last_checked: datetime | None = None


@dataclass(frozen=True)
class Recipient:
    """Who a digest is for."""

    email: str
    name: str
    token: str


@dataclass(frozen=True)
class DigestInput:
    """Everything one digest says: the period [start, end) in UTC and what happened in it."""

    reader: Recipient
    start: datetime
    end: datetime
    changes: tuple[ChangeView, ...]
    upcoming: tuple[EventView, ...]
    troubles: tuple[Trouble, ...]
    watches: tuple[str, ...]
    base_url: str
    timezone: str
    language: str = "en"  # the reader's: the fixed text and dates (vocab.languages.LANGUAGES)


@dataclass(frozen=True)
class DigestEmail:
    """A composed digest: subject, plain text, HTML and the extra headers it needs."""

    subject: str
    text: str
    html: str
    headers: tuple[tuple[str, str], ...]
