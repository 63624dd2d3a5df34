"""The records every layer speaks: what one source says about one legislative file.

A site module returns a `Record`; the pipeline stores it as JSON (`record_to_json`);
the differ, the linker, the digest and the web app read it back (`record_from_json`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Event:
    """A step of a legislative file, or a forecast of one (`forecast=True`).

    `date` is ISO `YYYY-MM-DD` (or None when the source gives none); `kind` is the
    source's own activity code or label class (e.g. `PLENARY_VOTE`); `source` says
    which institution or site reported it. `step_id` is the source's own lasting id of
    the step when it gives one (a Tweede Kamer Activiteit): the step is known by it when
    its date or status changes; left out of the JSON when empty.
    """

    date: str | None
    title: str
    kind: str = ""
    reference: str = ""
    url: str = ""
    source: str = ""
    forecast: bool = False
    details: str = ""
    step_id: str = ""


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
    `identifiers` are (scheme, canonical value) pairs, see `vocab.identifiers`.
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
    data["events"] = [_without_empty_step_id(event) for event in data["events"]]
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


def _without_empty_step_id(event: dict[str, Any]) -> dict[str, Any]:
    # Events without an id of their own keep the JSON (and fingerprint) they always had.
    return event if event["step_id"] else {k: v for k, v in event.items() if k != "step_id"}


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for scheme, value in pairs:
        grouped.setdefault(scheme, []).append(value)
    return grouped


def _build(cls: type, data: Mapping[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})
