"""What a `sources import` does, decided before anything is saved.

Entries are matched to stored sources by name only. A field an entry leaves out
keeps its stored value (the schedule is one field: `every` or `cron` given
replaces both). Every entry goes through the same checks as `sources add`; if
any entry is refused, the whole import is (EntriesRefused names each one), so a
file is imported entirely or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crawlers.sourcespec import SourceSpec, describe_every, to_source
from crawlers.sourceyaml import Entry
from db.models import Source
from vocab.errors import ConfigError, EntriesRefused

# The fields an import may change; the name is what matches an entry to a source.
COMPARED = ("kind", "url", "params", "jurisdiction", "every_seconds", "cron", "enabled")


@dataclass(frozen=True)
class Planned:
    """What the import does to one source: add it, update it (and how), or nothing."""

    action: str  # "add", "update" or "unchanged"
    source: Source  # the checked source as it will be
    old: Source | None = None
    changes: tuple[tuple[str, str, str], ...] = ()  # (field, before, after), as people read them


def plan_import(
    entries: Sequence[Entry],
    stored: Mapping[str, Source],
    *,
    default_every: str,
    allow_private: bool | None = None,
) -> list[Planned]:
    """Each entry's plan; EntriesRefused (one line per bad entry) when any is refused."""
    planned, problems, seen = [], [], {}
    for entry in entries:
        try:
            planned.append(_plan(entry, stored, seen, default_every, allow_private))
        except ConfigError as exc:
            problems.append(f"{entry.label}: {_field_label(exc.field)}{exc}")
    if problems:
        refused = f"nothing imported: {len(problems)} of {len(entries)} entries refused"
        raise EntriesRefused([*problems, refused])
    return planned


def _plan(
    entry: Entry,
    stored: Mapping[str, Source],
    seen: dict[str, str],
    default_every: str,
    allow_private: bool | None,
) -> Planned:
    if entry.problem:
        raise ConfigError(entry.problem)
    old = stored.get(str(entry.given.get("name", "")))
    spec = merged_spec(entry.given, old)
    if old is not None and spec.url == old.url:
        allow_private = True  # its address was checked when saved, and is at every fetch
    source = to_source(spec, default_every=default_every, allow_private=allow_private)
    _check_unique(entry, source.name, stored, seen)
    return _compared(source, old)


def merged_spec(given: Mapping[str, Any], old: Source | None) -> SourceSpec:
    """The entry's fields over the stored source's; a new source needs at least a kind."""
    base = spec_fields(old) if old is not None else {"url": ""}
    if "every" in given or "cron" in given:
        base = {k: v for k, v in base.items() if k not in ("every", "cron")}
    fields = {**base, **given}
    if "kind" not in fields:
        raise ConfigError(
            "a new source needs a kind: page, feed, json or a site's kind", field="kind"
        )
    return SourceSpec(**fields)


def spec_fields(source: Source) -> dict[str, Any]:
    """A stored source as the fields of a spec."""
    return {
        "name": source.name,
        "kind": source.kind,
        "url": source.url,
        "jurisdiction": source.jurisdiction,
        "every": describe_every(source.every_seconds),
        "cron": source.cron or "",
        "params": dict(source.params),
        "enabled": source.enabled,
    }


def _check_unique(
    entry: Entry, name: str, stored: Mapping[str, Source], seen: dict[str, str]
) -> None:
    if not entry.given.get("name") and name in stored:
        raise ConfigError(
            f"its generated name '{name}' is the name of a stored source: add a name: to update "
            "that source, or another name to add a new one"
        )
    if name in seen:
        raise ConfigError(f"the name '{name}' is given to {seen[name]} too: names must be unique")
    seen[name] = entry.label.split(" (")[0]


def _compared(source: Source, old: Source | None) -> Planned:
    if old is None:
        return Planned("add", source)
    if all(getattr(old, f) == getattr(source, f) for f in COMPARED):
        return Planned("unchanged", source, old)
    before, after = shown(old), shown(source)
    changes = tuple((f, before[f], after[f]) for f in before if before[f] != after[f])
    return Planned("update", source, old, changes)


def shown(source: Source) -> dict[str, str]:
    """The compared fields as people read them (the schedule as one)."""
    params = ", ".join(f"{k}={v}" for k, v in sorted(source.params.items()))
    schedule = (
        f"cron {source.cron}" if source.cron else f"every {describe_every(source.every_seconds)}"
    )
    return {
        "kind": source.kind,
        "url": source.url or "(built from params)",
        "params": params or "none",
        "jurisdiction": source.jurisdiction or "none",
        "schedule": schedule,
        "enabled": "yes" if source.enabled else "no",
    }


def _field_label(field: str) -> str:
    """How a YAML entry names a field: as its key (the schedule is `every`/`cron`)."""
    return f"{'every/cron' if field == 'schedule' else field}: " if field else ""


def summary(planned: Sequence[Planned]) -> str:
    """`2 added, 1 updated, 24 unchanged`."""
    count = {
        action: sum(p.action == action for p in planned)
        for action in ("add", "update", "unchanged")
    }
    return f"{count['add']} added, {count['update']} updated, {count['unchanged']} unchanged"


def report_lines(planned: Sequence[Planned], *, dry_run: bool) -> list[str]:
    """One line per source added or updated (with what changes), then the summary."""
    add, update = ("would add", "would update") if dry_run else ("added", "updated")
    lines = []
    for plan in planned:
        if plan.action == "add":
            lines.append(f"{add} '{plan.source.name}' ({plan.source.kind})")
        elif plan.action == "update":
            moved = "; ".join(f"{f}: {old} → {new}" for f, old, new in plan.changes)
            lines.append(f"{update} '{plan.source.name}': {moved}")
    ending = f"dry run, nothing saved: would be {summary(planned)}" if dry_run else summary(planned)
    return [*lines, ending]
