"""The Changes page's list: a filter read from the query string, the rows it selects, and the
same rows as CSV or Atom entries.

The watch filter means what a digest means by it: the changes digests.select
finds relevant to that watch (its files, its terms in any language, its
jurisdictions and least significance). Terms are matched in Python, so the
rows that pass the other filters (in SQL) are read newest first in batches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlmodel import Session

from db import repo
from db.models import Watch
from db.repo.changes import LEVELS, ChangeFilter, ChangeRow
from digests import select
from digests.files import facts_of
from monitor.link import display_name, reference
from vocab.links import file_url
from web.params import clean_text

PER_PAGE = 50
BATCH = 500  # rows read at a time while a watch's terms are matched
SCAN_LIMIT = 20_000  # newest rows a watch filter reads before it stops looking
CSV_COLUMNS = (
    "detected_at",
    "significance",
    "kind",
    "summary",
    "file",
    "reference",
    "source",
    "jurisdiction",
    "url",
    "diff",
)


def change_filter(params: Mapping[str, str], *, per_page: int = PER_PAGE) -> ChangeFilter:
    """A ChangeFilter from ?watch=…&file=…&source=…&jurisdiction=…&significance=…&from=…&to=…&page=…"""
    clean = {name: clean_text(value)[:300] for name, value in params.items()}
    page = clean.get("page", "")
    return ChangeFilter(
        watch=clean.get("watch", ""),
        file=clean.get("file", ""),
        source=clean.get("source", ""),
        jurisdiction=clean.get("jurisdiction", ""),
        significance=clean.get("significance", "") if clean.get("significance") in LEVELS else "",
        date_from=_date(clean.get("from", "")),
        date_to=_date(clean.get("to", "")),
        page=min(int(page), 10_000) if page.isdigit() and int(page) > 0 else 1,
        per_page=per_page,
    )


def _date(text: str) -> str:
    """YYYY-MM-DD, else nothing (a date the browser's date field sends)."""
    try:
        return date.fromisoformat(text).isoformat() if len(text) == 10 else ""
    except ValueError:
        return ""


@dataclass(frozen=True)
class Found:
    """One page of rows, whether an older page follows, and why it may be short."""

    rows: list[ChangeRow]
    more: bool
    unknown_watch: bool = False
    scan_stopped: bool = False


def find(session: Session, wanted: ChangeFilter) -> Found:
    """The rows of the page the filter asks for, newest first."""
    offset, limit = (wanted.page - 1) * wanted.per_page, wanted.per_page
    if not wanted.watch:
        rows = repo.change_rows(session, wanted=wanted, offset=offset, limit=limit + 1)
        return Found(rows[:limit], len(rows) > limit)
    found = repo.watches_named(session, names=[wanted.watch])
    if not found:
        return Found([], False, unknown_watch=True)
    kept, stopped = _watched(session, wanted, found[0], offset + limit + 1)
    return Found(kept[offset : offset + limit], len(kept) > offset + limit, scan_stopped=stopped)


def _watched(
    session: Session, wanted: ChangeFilter, watch: Watch, enough: int
) -> tuple[list, bool]:
    """Rows relevant to the watch, newest first, until `enough` are found or the rows run out."""
    kept: list[ChangeRow] = []
    scanned = 0
    while len(kept) < enough and scanned < SCAN_LIMIT:
        batch = repo.change_rows(session, wanted=wanted, offset=scanned, limit=BATCH)
        if not batch:
            return kept, False
        scanned += len(batch)
        relevant = _relevant(session, batch, watch)
        kept += [row for row in batch if row.change.id in relevant]
    return kept, len(kept) < enough


def _relevant(session: Session, rows: Sequence[ChangeRow], watch: Watch) -> frozenset[int]:
    """The ids of the changes the watch would put in a digest, judged as digests judge them."""
    changes = [row.change for row in rows]
    versions = repo.versions_by_id(session, ids=[c.version_id for c in changes])
    sources = {s.id: s for s in repo.list_sources(session)}
    facts = facts_of(session, {c.dossier_id for c in changes if c.dossier_id})
    found = [
        select.candidate(c, sources[c.source_id], versions[c.version_id], facts.get(c.dossier_id))
        for c in changes
    ]
    return select.matched(found, watch, select.compiled(watch))


def export(session: Session, wanted: ChangeFilter, limit: int) -> list[ChangeRow]:
    """The first `limit` rows of a filter, every page at once (CSV, Atom)."""
    return find(session, replace(wanted, page=1, per_page=limit)).rows


def csv_row(row: ChangeRow, base_url: str) -> dict[str, Any]:
    """A change as a row of the CSV export: names a reader knows, and the link to it."""
    change = row.change
    return {
        "detected_at": change.detected_at.isoformat(),
        "significance": change.significance,
        "kind": change.kind,
        "summary": change.summary,
        "file": display_name(row.file_key, row.file_title),
        "reference": reference(row.file_key),
        "source": row.source,
        "jurisdiction": row.jurisdiction,
        "url": f"{file_url(base_url, row.file_key)}#change-{change.id}" if row.file_key else "",
        "diff": change.diff,
    }


def choices(session: Session) -> dict[str, list]:
    """What each filter offers."""
    return {
        "watches": [w.name for w in repo.list_watches(session)],
        "files": repo.changed_files(session),
        "sources": [s.name for s in repo.list_sources(session)],
        "jurisdictions": repo.change_jurisdictions(session),
    }
