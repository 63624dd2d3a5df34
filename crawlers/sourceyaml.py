"""Sources in YAML: the entries `sources import` reads, and the file `sources export` writes.

An entry keeps only the fields it gives, so that an import can leave the others
as stored (see crawlers.sourceimport). An entry that cannot be read (an unknown
key, a list where one value belongs) is kept with its problem, so that an
import names every bad entry at once instead of the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from crawlers.sourcespec import SourceSpec, describe_every, procedure_specs
from db.models import Source
from vocab.errors import ConfigError

TOP_KEYS = ("sources", "procedures")
TEXT_KEYS = ("name", "kind", "url", "jurisdiction", "every", "cron")
ENTRY_KEYS = (*TEXT_KEYS, "params", "enabled")
_SCALARS = (str, int, float, dt.date)


@dataclass(frozen=True)
class Entry:
    """One source as the file gives it: where it is, the fields it gives, what is wrong with it."""

    label: str  # "entry 3 ('council-press')", "procedure 1 ('2022/0155(COD)')"
    given: Mapping[str, Any] = field(default_factory=dict)
    problem: str = ""


def read_entries(text: str) -> list[Entry]:
    """The `sources:` entries, then the sources each `procedures:` reference stands for."""
    data = _load(text)
    entries = [_entry(n, raw) for n, raw in enumerate(_listed(data, "sources"), 1)]
    for n, reference in enumerate(_listed(data, "procedures"), 1):
        entries += _procedure_entries(n, reference)
    return entries


def specs_from_yaml(text: str) -> list[SourceSpec]:
    """Every entry as a spec of a new source (the shipped defaults); the first problem raised."""
    entries = read_entries(text)
    for entry in entries:
        if entry.problem:
            raise ConfigError(f"{entry.label}: {entry.problem}")
    return [SourceSpec(**{"url": "", **entry.given}) for entry in entries]


def _load(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"the file is not valid YAML ({exc.__class__.__name__}): check its indentation"
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(
            "the file must hold a mapping with a 'sources:' list (see README, 'Sources in YAML')"
        )
    unknown = [str(key) for key in data if key not in TOP_KEYS]
    if unknown:
        raise ConfigError(
            f"the file has an unknown key '{unknown[0]}': use sources: and procedures:"
        )
    return data


def _listed(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ConfigError(f"'{key}:' must be a list, one entry per line starting with '- '")
    return value


def _entry(number: int, raw: Any) -> Entry:
    where = f"entry {number}"
    if not isinstance(raw, dict):
        return Entry(where, problem="write it as a mapping: {name: …, kind: …, url: …}")
    name = raw.get("name")
    label = f"{where} ('{name}')" if isinstance(name, _SCALARS) and str(name).strip() else where
    unknown = [str(key) for key in raw if key not in ENTRY_KEYS]
    if unknown:
        return Entry(
            label, problem=f"unknown key '{unknown[0]}': an entry takes {', '.join(ENTRY_KEYS)}"
        )
    try:
        return Entry(label, {str(key): _value(str(key), value) for key, value in raw.items()})
    except ConfigError as exc:
        return Entry(label, problem=f"{exc.field}: {exc}")


def _value(key: str, value: Any) -> Any:
    """A field's value as a spec holds it: text, a mapping of text for params, a bool for enabled."""
    if key == "enabled":
        if not isinstance(value, bool):
            raise ConfigError("write true or false", field=key)
        return value
    if key == "params":
        if value is not None and not isinstance(value, dict):
            raise ConfigError("write a mapping of name: value, e.g. {selector: '#main'}", field=key)
        return {str(k): _text(f"params.{k}", v) for k, v in (value or {}).items()}
    return _text(key, value).strip()


def _text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, _SCALARS) or isinstance(value, bool):
        raise ConfigError("write one value, not a list or a mapping", field=key)
    return str(value)


def _procedure_entries(number: int, reference: Any) -> list[Entry]:
    label = f"procedure {number} ('{reference}')"
    try:
        specs = procedure_specs(str(reference))
    except ConfigError as exc:
        return [Entry(label, problem=str(exc))]
    return [Entry(f"{label}, {spec.kind}", _given(spec)) for spec in specs]


def _given(spec: SourceSpec) -> dict[str, Any]:
    """A procedure's source gives its identity; its schedule and state stay as stored."""
    return {
        "name": spec.name,
        "kind": spec.kind,
        "url": spec.url,
        "jurisdiction": spec.jurisdiction,
        "params": dict(spec.params),
    }


def to_yaml(sources: Iterable[Source]) -> str:
    """Sources as the YAML that `sources import` reads back: every field, so it round-trips."""
    entries = [export_entry(s) for s in sources]
    return yaml.safe_dump({"sources": entries}, sort_keys=False, allow_unicode=True)


def export_entry(source: Source) -> dict[str, Any]:
    """One source with every field an entry has (the schedule as `every` or as `cron`)."""
    schedule = (
        {"cron": source.cron} if source.cron else {"every": describe_every(source.every_seconds)}
    )
    return {
        "name": source.name,
        "kind": source.kind,
        "url": source.url,
        "jurisdiction": source.jurisdiction,
        **schedule,
        "params": dict(source.params),
        "enabled": source.enabled,
    }
