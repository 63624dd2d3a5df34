"""What is fetched: a source as a site module sees it, requests and responses, and what a
crawl hands to the store (untouched captures, per-source bookkeeping)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import charset_normalizer
from w3lib.encoding import html_to_unicode

from vocab.errors import Blocked


@dataclass(frozen=True)
class Target:
    """A source as a site module sees it: where, with which parameters and keys."""

    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    """One HTTP request a site module asks for."""

    url: str
    headers: tuple[tuple[str, str], ...] = ()
    role: str = "main"


@dataclass(frozen=True)
class Response:
    """One HTTP response as fetched (or read from a file): headers lower-cased."""

    url: str
    body: bytes
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    role: str = "main"

    def text(self) -> str:
        """The body decoded, bad bytes replaced: the Content-Type header's charset, else the
        body's own declaration (BOM, `<meta charset>`, `<meta http-equiv>`, `<?xml encoding>`),
        else a detected one. Legacy pages (windows-1250, ISO-8859-2) declare theirs in a meta
        tag only: reading them as UTF-8 stored replacement characters."""
        content_type = self.headers.get("content-type", "")
        return html_to_unicode(content_type, self.body, auto_detect_fun=detect_encoding)[1]


def detect_encoding(body: bytes) -> str:
    """The encoding of an undeclared body: UTF-8 when it decodes as such, else a detector's guess."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:65536]).best()
    return best.encoding if best is not None else "cp1252"


@dataclass(frozen=True)
class Capture:
    """One HTTP answer as fetched: nothing parsed, nothing dropped."""

    source_id: int
    url: str
    role: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime


@dataclass(frozen=True)
class Known:
    """What Lexwatch already holds of one URL: its latest snapshot's validators and body."""

    snapshot_id: int
    etag: str
    last_modified: str
    sha256: str
    content_type: str
    parsed: bool


@dataclass(frozen=True)
class Plan:
    """One source to crawl: its kind, its target, and what is known of its URLs already."""

    source_id: int
    name: str
    kind: str
    target: Target
    validators: dict[str, Known] = field(default_factory=dict)
    has_version: bool = False
    # `lexwatch capture`: every answer kept as it came (any status), no link followed, nothing stored.
    raw: bool = False


@dataclass
class Fetched:
    """The stored body a URL of a source has after this crawl."""

    url: str
    role: str
    sha256: str
    content_type: str
    new: bool
    parsed: bool = False
    # The HTTP status the body came with: a parser tells a 202 challenge from a 204 by it.
    status: int = 200


@dataclass
class Outcome:
    """What happened to one source during one crawl, filled by the spider and the pipeline."""

    plan: Plan
    fetched: list[Fetched] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Bugs of Lexwatch met while crawling (a site module's `follow` raised): the run is broken.
    faults: list[str] = field(default_factory=list)
    skipped: str = ""
    # A bot challenge that stayed one (crawlers/challenge.py): the source is `blocked`, for this.
    blocked: Blocked | None = None
    # URL asked -> where a permanent redirect (301, 308) led; URL -> an HTTP error status (4xx, 5xx).
    moved: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    answers: list[Capture] = field(default_factory=list)  # a raw plan's answers
    bytes_received: int = 0
    requested: dict[str, None] = field(default_factory=dict)
    bodies: dict[str, bytes] = field(default_factory=dict)  # a dry run keeps bodies here
    # Unchanged URLs: (snapshot id, seen at, etag, last-modified), written once per pass.
    seen: list[tuple[int, datetime, str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when a URL brought a body not seen last time, or one never parsed (a crash between)."""
        return any(f.new or not f.parsed for f in self.fetched)

    @property
    def unchanged(self) -> int:
        """How many URLs answered 304 or the same bytes as last time."""
        return sum(not f.new for f in self.fetched)
