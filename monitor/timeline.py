"""One file's timeline from every source: the same step reported twice becomes one entry.

Sources word steps differently (OEIL "Vote in committee", the EP API
`COMMITTEE_ADOPTING_REPORT`). `STEPS` maps both to one canonical step; two
reports of one step on one day merge, keeping every source that reported it and
the earliest time Lexwatch saw it. A forecast is dropped once the step it
announced has happened on that day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from db.models import EventRow

# Canonical step -> pattern over "<code> <title>"; first match wins, so specific before general.
STEPS: dict[str, str] = {
    "proposal": r"legislative proposal published|adoption by commission|commission proposal",
    "referral": r"committee referral|\bREFERRAL\b",
    "draft_report": r"draft report",
    "amendments": r"amendments tabled|COMMITTEE_TABLING_AMENDMENT",
    "opinion": r"committee opinion|COMMITTEE_ADOPTING_OPINION",
    "committee_vote": r"vote in committee|COMMITTEE_ADOPTING_REPORT",
    "report_tabled": r"report tabled for plenary|TABLING_PLENARY",
    "mandate": r"interinstitutional negotiations|INTERINSTITUTIONAL_NEGOTIATIONS",
    "trilogue": r"\bINTERINSTITUTIONAL_NEGOTIATION\b|trilogue",
    "provisional_agreement": r"provisional agreement",
    "plenary_debate": r"debate in parliament|PLENARY_DEBATE|debate in plenary",
    "vote_results": r"results of vote|PLENARY_VOTE_RESULTS",
    "plenary_decision": r"decision by parliament|\bPLENARY_VOTE\b|vote in plenary",
    "council_adoption": r"act adopted by council|adopted by the council|council decision",
    "signature": r"final act signed|\bSIGNATURE\b",
    "publication": r"official journal|PUBLICATION_OFFICIAL_JOURNAL",
}


@dataclass(frozen=True)
class SourceStep:
    """One source's report of a step, as stored."""

    date: str | None
    title: str
    kind: str
    reference: str
    url: str
    source: str
    forecast: bool
    first_seen_at: datetime
    file: str = ""


def reports(rows: Iterable[tuple[EventRow, str, str]]) -> list[SourceStep]:
    """Stored events, with their source's name and linked file's key (db.repo.timeline), as Reports."""
    return [
        SourceStep(
            e.date, e.title, e.kind, e.reference, e.url, source, e.forecast, e.first_seen_at, file
        )
        for e, source, file in rows
    ]


@dataclass(frozen=True)
class Step:
    """A step of the file as the timeline shows it, with every source that reported it."""

    date: str | None
    title: str
    step: str
    forecast: bool
    sources: tuple[str, ...]
    references: tuple[str, ...]
    url: str
    first_seen_at: datetime
    file: str = ""


def canonical(kind: str, title: str) -> str:
    """The canonical step a report names, or '' when no rule knows it."""
    text = f"{kind} {title}"
    for step, pattern in STEPS.items():
        if re.search(pattern, text, re.IGNORECASE):
            return step
    return ""


def merge(reports: list[SourceStep]) -> list[Step]:
    """The timeline: reports of one step on one day merged, forecasts that came true dropped."""
    groups: dict[tuple, list[SourceStep]] = {}
    for report in reports:
        groups.setdefault(_group_key(report), []).append(report)
    steps = [_step(group) for group in groups.values()]
    happened = {(s.date, s.step) for s in steps if not s.forecast and s.step}
    kept = [s for s in steps if not (s.forecast and (s.date, s.step) in happened)]
    return sorted(kept, key=lambda s: (s.date or "9999", s.forecast, s.first_seen_at, s.title))


def _group_key(report: SourceStep) -> tuple:
    step = canonical(report.kind, report.title)
    name = step or " ".join(report.title.casefold().split())
    return (report.file, report.date, report.forecast, name)


def _step(group: list[SourceStep]) -> Step:
    first = min(group, key=lambda r: r.first_seen_at)
    return Step(
        date=first.date,
        title=first.title,
        step=canonical(first.kind, first.title),
        forecast=first.forecast,
        sources=tuple(dict.fromkeys(r.source for r in group)),
        references=tuple(dict.fromkeys(r.reference for r in group if r.reference)),
        url=next((r.url for r in group if r.url), ""),
        first_seen_at=first.first_seen_at,
        file=first.file,
    )
