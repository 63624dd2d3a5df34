"""The record differ: two normalised records in, the differences a person cares about out.

Field by field: stage, title, events (facts and forecasts), documents,
identifiers, feed items, named fields, and the text block by block. Each
Difference carries its own summary and diff; `classify` gives it a kind and a
significance.

A stage change says, in its subject, what the classification table needs to damp
it (monitor/classify.py RULES): `[referred back to committee]` when the step
that moved it was a plenary vote that referred the file back to committee (the
EP API then derives "Awaiting Council's 1st reading position" for a file still
in Parliament), and `[reverts within N days]` when the stage goes back to the one
it had before a stage that lasted less than `REVERT_WINDOW` (read from the
source's stage history, `Seen`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from monitor import textdiff
from vocab.records import Document, Event, Item, Record


@dataclass(frozen=True)
class Difference:
    """One difference: what differs (`what`), a one-line summary, a readable diff.

    `subject` is the text the classification rules match against (an event's
    code and title, a stage name).
    """

    what: str
    summary: str
    diff: str = ""
    subject: str = ""


REVERT_WINDOW = timedelta(days=30)
# A step that sends a file back to committee: OEIL's "Matter referred back to the committee
# responsible…", or a referral recorded on the day of a plenary vote (the EP API's REFERRAL).
_REFERRED_BACK = re.compile(r"referred back|refer(?:ral)?[ _]back", re.IGNORECASE)
_REFERRAL = re.compile(r"^(?:COMMITTEE_)?REFERRAL$")
_PLENARY = re.compile(r"^PLENARY_|decision by parliament|vote in plenary", re.IGNORECASE)


@dataclass(frozen=True)
class Seen:
    """How a source's stage moved: each stored version's stage and when it was stored."""

    versions: tuple[tuple[str, datetime], ...] = ()
    now: datetime | None = None  # when the new version is stored


def diff_records(old: Record, new: Record, *, seen: Seen = Seen()) -> list[Difference]:
    """Every difference between two versions of one source's record, in reading order."""
    out: list[Difference] = _stage(old, new, seen)
    for differ in DIFFERS:
        out += differ(old, new)
    return out


def _stage(old: Record, new: Record, seen: Seen) -> list[Difference]:
    if old.stage == new.stage or not new.stage:
        return []
    tags = [*_referral_tag(old, new), *_revert_tag(new.stage, seen)]
    summary = f"Stage changed from '{old.stage or 'none'}' to '{new.stage}'"
    summary += f" ({'; '.join(tags)})" if tags else ""
    subject = " ".join([new.stage, *(f"[{tag}]" for tag in tags)])
    return [Difference("stage", summary, f"- {old.stage}\n+ {new.stage}", subject)]


def _referral_tag(old: Record, new: Record) -> list[str]:
    """'referred back to committee' when the new steps of the latest day send the file back."""
    before = {event_key(e) for e in old.events}
    dates = [e.date for e in new.events if not e.forecast and e.date]
    latest = max(dates, default=None)  # the day whose steps set the stage
    added = [
        e for e in new.events if e.date == latest and not e.forecast and event_key(e) not in before
    ]
    plenary_days = {e.date for e in added if _PLENARY.search(f"{e.kind} {e.title}")}
    back = any(
        _REFERRED_BACK.search(f"{e.kind} {e.title}")
        or (_REFERRAL.match(e.kind) and e.date in plenary_days)
        for e in added
    )
    return ["referred back to committee"] if back else []


def _revert_tag(stage: str, seen: Seen) -> list[str]:
    """'reverts within N days' when `stage` is the one before a stage that did not last."""
    runs = _runs(seen.versions)
    if len(runs) < 2 or seen.now is None or runs[-2][0] != stage:
        return []
    lasted = _utc(seen.now) - _utc(runs[-1][1])
    return [f"reverts within {max(lasted.days, 0)} days"] if lasted < REVERT_WINDOW else []


def _utc(moment: datetime) -> datetime:
    # Tables store UTC; some databases hand it back without its zone.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _runs(versions: Sequence[tuple[str, datetime]]) -> list[tuple[str, datetime]]:
    """Consecutive versions of one stage as one run: (stage, when it began)."""
    runs: list[tuple[str, datetime]] = []
    for stage, stored in versions:
        if stage and (not runs or runs[-1][0] != stage):
            runs.append((stage, stored))
    return runs


def _title(old: Record, new: Record) -> list[Difference]:
    if old.title == new.title or not new.title:
        return []
    diff = textdiff.word_diff(old.title, new.title)
    return [Difference("title", f"Title changed to '{new.title}'", f"~ {diff}", new.title)]


def event_key(event: Event) -> tuple:
    """What makes two reported steps the same step: its own id when the source gives one."""
    if event.step_id:
        return (event.forecast, "id", event.step_id)
    if event.forecast:
        return (True, event.title.casefold())
    return (False, event.date, event.title.casefold(), event.reference)


def _events(old: Record, new: Record) -> list[Difference]:
    before = {event_key(e): e for e in old.events}
    out = []
    for key, event in {event_key(e): e for e in new.events}.items():
        previous = before.get(key)
        if previous is None:
            out.append(_event_added(event))
        elif event.forecast and previous.date != event.date:
            out.append(_forecast_moved(previous, event))
    return out + _events_removed(old, new)


def _event_added(event: Event) -> Difference:
    what = "forecast_added" if event.forecast else "event_added"
    prefix = "Forecast" if event.forecast else "New event"
    when = f" ({event.date})" if event.date else ""
    ref = f" [{event.reference}]" if event.reference else ""
    line = f"+ {event.date or '    -  - '}  {event.title}{ref}"
    return Difference(
        what, f"{prefix}: {event.title}{when}{ref}", line, f"{event.kind} {event.title}"
    )


def _forecast_moved(previous: Event, event: Event) -> Difference:
    summary = f"Forecast moved: {event.title} from {previous.date} to {event.date}"
    diff = f"- {previous.date}  {event.title}\n+ {event.date}  {event.title}"
    return Difference("forecast_changed", summary, diff, f"{event.kind} {event.title}")


def _events_removed(old: Record, new: Record) -> list[Difference]:
    now = {event_key(e) for e in new.events}
    facts = [e for e in old.events if not e.forecast and event_key(e) not in now]
    return [
        Difference(
            "event_removed",
            f"Event no longer listed: {e.title} ({e.date})",
            f"- {e.date}  {e.title}",
            e.title,
        )
        for e in facts
    ]


def document_key(document: Document) -> tuple:
    """A document is its reference, or its title and date when it has none."""
    return (
        (document.reference,) if document.reference else (document.title.casefold(), document.date)
    )


def _documents(old: Record, new: Record) -> list[Difference]:
    known = {document_key(d) for d in old.documents}
    return [_document_added(d) for d in new.documents if document_key(d) not in known]


def _document_added(document: Document) -> Difference:
    label = " — ".join(part for part in (document.reference, document.title) if part)
    when = f" ({document.date})" if document.date else ""
    diff = f"+ {label}{when}" + (f"\n  {document.url}" if document.url else "")
    return Difference(
        "document_added", f"New document: {label}{when}", diff, f"{document.kind} {document.title}"
    )


def _items(old: Record, new: Record) -> list[Difference]:
    before = {i.id: i for i in old.items}
    out = []
    for item in new.items:
        previous = before.get(item.id)
        if previous is None:
            out.append(_item_added(item))
        elif _item_edited(previous, item):
            out.append(_item_changed(previous, item))
    return out


def _item_added(item: Item) -> Difference:
    diff = f"+ {item.title}" + (f"\n  {item.link}" if item.link else "")
    return Difference("item_added", f"New item: '{item.title}'", diff, item.title)


def _item_edited(previous: Item, item: Item) -> bool:
    return (previous.title, previous.summary, previous.updated) != (
        item.title,
        item.summary,
        item.updated,
    )


def _item_changed(previous: Item, item: Item) -> Difference:
    lines = [f"~ {textdiff.word_diff(previous.title, item.title)}"]
    if previous.summary != item.summary:
        lines.append(f"~ {textdiff.word_diff(previous.summary, item.summary)}")
    return Difference("item_changed", f"Item edited: '{item.title}'", "\n".join(lines), item.title)


def _fields(old: Record, new: Record) -> list[Difference]:
    before, after = dict(old.fields), dict(new.fields)
    names = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if not names:
        return []
    lines = [_field_line(name, before.get(name), after.get(name)) for name in names]
    noun = "field" if len(names) == 1 else "fields"
    shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return [
        Difference(
            "fields", f"{len(names)} {noun} changed: {shown}", "\n".join(lines), " ".join(names)
        )
    ]


def _field_line(name: str, old: str | None, new: str | None) -> str:
    if old is None:
        return f"+ {name}: {new}"
    if new is None:
        return f"- {name}: {old}"
    return f"~ {name}: {old} → {new}"


def _text(old: Record, new: Record) -> list[Difference]:
    if old.text == new.text:
        return []
    found = textdiff.compare(old.text, new.text)
    if not found.changed:
        return []
    return [Difference("text", found.summary, textdiff.render(found.rows))]


DIFFERS: tuple[Callable[[Record, Record], Iterable[Difference]], ...] = (
    # The stage comes first, from diff_records: it alone needs the stage history.
    _title,
    _events,
    _documents,
    _items,
    _fields,
    _text,
)
# Identifiers are not diffed on their own: a new one arrives with the event or
# document that carries it, and saying it twice would be noise.
