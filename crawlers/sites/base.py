"""What every site module shares: the plain data a parser takes and returns.

A site module is pure. It says which requests to make for a source (`requests`),
which further requests a response leads to (`follow`, optional), and turns the
responses of one source into one `Record` (`parse`). It never touches the
network or the database; the spider and the pipeline do.

Contract of a site module `crawlers/sites/<slug>.py`:

- module docstring: its first line is the one-line description shown in the docs;
- `URL_HELP: str`: which URL (or identifiers) to give a source of this kind;
- `PARAMS: dict[str, str]`: the `--param` names it understands, each documented;
- `HOSTS: tuple[str, ...]` (site-specific kinds): the hosts a source's URL may name;
  a kind without it (page, feed, json) reads any site;
- `EXPRESSIONS: dict[str, Callable[[str], None]]` (optional): the parameters that are
  selectors or paths, each with the check (`crawlers.sites.expressions`) that compiles
  it as the parser will, so a bad one is refused when the source is saved;
- `requests(target: Target) -> list[Request]`;
- `follow(response: Response, target: Target) -> list[Request]` (optional);
- `parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record`,
  raising `errors.ParseError` when a response lacks what it needs. A parser that
  judges a body against the source's last good record (a feed cut short) takes
  a keyword argument `previous: Record | None` as well, and is given it.
- `official_page(record: Record) -> tuple[str, str] | None` (optional): the page a
  person opens on the official site for what the record is about, as (site name, URL),
  built from the record's identifiers; None when the record names no such page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import charset_normalizer
from w3lib.encoding import html_to_unicode


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
class Event:
    """A step of a legislative file, or a forecast of one (`forecast=True`).

    `date` is ISO `YYYY-MM-DD` (or None when the source gives none); `kind` is the
    source's own activity code or label class (e.g. `PLENARY_VOTE`); `source` says
    which institution or site reported it.
    """

    date: str | None
    title: str
    kind: str = ""
    reference: str = ""
    url: str = ""
    source: str = ""
    forecast: bool = False
    details: str = ""


@dataclass(frozen=True)
class Document:
    """A document of a file: its title, reference (A9-0364/2023, ST 14862/22…), date, link."""

    title: str
    reference: str = ""
    date: str | None = None
    url: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Item:
    """An entry of a feed or a list (a press release, an initiative, a motion in a query)."""

    id: str
    title: str
    link: str = ""
    published: str | None = None
    summary: str = ""
    updated: str | None = None


@dataclass(frozen=True)
class Record:
    """What one source says about one thing at one moment.

    `key` names the legislative file when the source knows it (`EU:2022/0155(COD)`,
    `NL:kst-32317-891`, `UK:bill-3137`, `US:118-s-1207`), else it is empty.
    `identifiers` are (scheme, canonical value) pairs, see `monitor.identifiers`.
    `text` is readable text, one block per line, headings as lines starting with '#'.
    `fields` are other named facts (rapporteur, committee, a JSON API's leaves).
    """

    kind: str
    key: str = ""
    title: str = ""
    stage: str = ""
    url: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()
    events: tuple[Event, ...] = ()
    documents: tuple[Document, ...] = ()
    items: tuple[Item, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    text: str = ""


def identifier_pairs(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Identifiers as a record keeps them: unique, sorted, empty values dropped."""
    return tuple(sorted({(scheme, value) for scheme, value in pairs if value}))


def first_identifier(record: Record, scheme: str) -> str:
    """The first value of one scheme among a record's identifiers, else ''."""
    return next((value for s, value in record.identifiers if s == scheme), "")


def record_to_json(record: Record) -> dict[str, Any]:
    """The record as plain JSON: identifiers and fields become objects."""
    data = asdict(record)
    data["identifiers"] = _group(record.identifiers)
    data["fields"] = dict(record.fields)
    return data


def record_from_json(data: Mapping[str, Any]) -> Record:
    """Inverse of `record_to_json`."""
    idents = [(s, v) for s, values in data.get("identifiers", {}).items() for v in values]
    return Record(
        kind=data["kind"],
        key=data.get("key", ""),
        title=data.get("title", ""),
        stage=data.get("stage", ""),
        url=data.get("url", ""),
        identifiers=identifier_pairs(idents),
        events=tuple(_build(Event, e) for e in data.get("events", ())),
        documents=tuple(_build(Document, d) for d in data.get("documents", ())),
        items=tuple(_build(Item, i) for i in data.get("items", ())),
        fields=tuple(data.get("fields", {}).items()),
        text=data.get("text", ""),
    )


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for scheme, value in pairs:
        grouped.setdefault(scheme, []).append(value)
    return grouped


def _build(cls: type, data: Mapping[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})
