"""Rows as plain dicts: the shapes the CLI's JSON output and the web API share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from crawlers.sourcespec import describe_every
from db import repo
from db.models import Change, Dossier, Source
from monitor.health import effective_health
from monitor.schedule import next_run
from monitor.timeline import Step, merge, reports
from vocab.errors import NotFound
from vocab.redact import redact


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def source_dict(source: Source) -> dict[str, Any]:
    """A source as the CLI and the API show it."""
    return {
        "id": source.id,
        "name": source.name,
        "kind": source.kind,
        "url": redact(source.url),  # an admin may have typed a key into it
        "params": dict(source.params),
        "jurisdiction": source.jurisdiction,
        "schedule": source.cron or f"every {describe_every(source.every_seconds)}",
        "enabled": source.enabled,
    }


def change_dict(change: Change, source_name: str, dossier_key: str | None) -> dict[str, Any]:
    """A change as `lexwatch changes --format json` prints it."""
    return {
        "id": change.id,
        "source": source_name,
        "dossier": dossier_key,
        "kind": change.kind,
        "significance": change.significance,
        "summary": change.summary,
        "detected_at": _iso(change.detected_at),
        "diff": change.diff,
    }


def status_rows(session: Session, *, now: datetime, timezone: str) -> list[dict[str, Any]]:
    """Every source with its health, last run, last success, last change and next run.

    The next run is the scheduler's own (monitor.schedule), a cron read in `timezone`.
    """
    return [
        source_dict(s)
        | {
            "health": effective_health(s, now),
            "health_reason": s.health_reason,
            "health_since": _iso(s.health_since),
            "last_run_at": _iso(s.last_run_at),
            "last_success_at": _iso(s.last_success_at),
            "last_change_at": _iso(s.last_change_at),
            "next_run_at": _iso(next_run(s, now, timezone)),
            "changes": repo.count_changes(session, source_id=s.id),
        }
        for s in repo.list_sources(session)
    ]


def choose_sources(session: Session, names: Sequence[str]) -> list[Source]:
    """The sources named (by name or id), or every enabled one when none is named."""
    if not names:
        return repo.list_sources(session, enabled_only=True)
    return [named_source(session, name) for name in names]


def named_source(session: Session, name_or_id: str) -> Source:
    """A source by name, or by id when none has that name; NotFound says how to list them."""
    source = repo.source_by_name(session, name=name_or_id)
    if source is None and name_or_id.isdigit():
        source = repo.get_source(session, source_id=int(name_or_id))
    if source is None:
        raise NotFound(f"no source named '{name_or_id}': see `lexwatch sources list`")
    return source


def step_dict(step: Step) -> dict[str, Any]:
    """A merged timeline step."""
    return {
        "date": step.date,
        "title": step.title,
        "step": step.step,
        "forecast": step.forecast,
        "sources": list(step.sources),
        "references": list(step.references),
        "url": step.url,
        "first_seen_at": _iso(step.first_seen_at),
        "file": step.file,
    }


def dossier_dict(session: Session, dossier: Dossier) -> dict[str, Any]:
    """One file: identifiers, stage, merged timeline from every source, linked files, documents."""
    return {
        "key": dossier.key,
        "title": dossier.title,
        "jurisdiction": dossier.jurisdiction,
        "stage": dossier.stage,
        "identifiers": [
            {"scheme": s, "value": v}
            for s, v in repo.identifiers_of(session, dossier_id=dossier.id)
        ],
        "timeline": [
            step_dict(s) for s in merge(reports(repo.timeline(session, dossier_id=dossier.id)))
        ],
        "links": [
            {
                "key": other.key,
                "title": other.title,
                "relation": link.relation,
                "via": link.via,
                "direction": "out" if link.from_id == dossier.id else "in",
            }
            for link, other in repo.links_of(session, dossier_id=dossier.id)
        ],
    }
