"""Which changes, forecasts and troubles each subscriber is told about. Pure.

A change is relevant to a watch when its file (or a file it cites) is one the
watch names, or when the watch's terms occur in the file's title, the change's
summary or what the source says now; then the watch's jurisdictions and
minimum significance apply. A new item of a feed or a list is judged on the
item alone: the rest of the feed is about other things.

Troubles are told from the crawl log of the digest's period, never from the
health of the moment. A source *feeds* a watch when a change it reported in the
period is in the watch, or when the watch matches what the source is about:
its name and address, its file and the files that file cites, and what it said
when last read (`source_subject`). A reader hears of a source that feeds one of
their watches and that, in their period, ended on a failed reading (with the
days it failed since its last good one), or was not attempted at all while it
was due (`trouble_in`). A source read at least once in the period whose last
reading succeeded is not mentioned: what changed meanwhile was found then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from db.models import Change, Dossier, Source, Version, Watch
from digests import relevance
from digests.model import ChangeView, DigestInput, EventView, FileRef, Recipient, Trouble
from monitor.agenda import Entry
from monitor.classify import at_least
from monitor.health import STALE_AFTER, SUCCEEDED
from monitor.link import fallback_key
from vocab.identifiers import find_identifiers
from vocab.records import Item, Record, record_from_json
from vocab.words import fold

ITEM_KINDS = ("item_published", "item_updated")
# How a failed reading failed, for a reader: a run status -> a Trouble's problem.
PROBLEMS = {
    "error": "unreachable",
    "parse_error": "unreadable",
    "broken": "unreadable",
    "blocked": "unreadable",
}


@dataclass(frozen=True)
class FileFacts:
    """A file with what identifies it: its key, title, identifiers and the files it cites."""

    dossier: Dossier
    identifiers: frozenset[tuple[str, str]]
    cited: tuple[FileFacts, ...] = ()

    def keys(self) -> set[str]:
        """Its key and the keys of the files it cites."""
        return {self.dossier.key} | {c.dossier.key for c in self.cited}

    def all_identifiers(self) -> set[tuple[str, str]]:
        """Its identifiers (and those its key spells) and those of the files it cites."""
        own = set(self.identifiers) | find_identifiers(self.dossier.key)
        return own.union(*(c.all_identifiers() for c in self.cited))

    def titles(self) -> str:
        """Its title and the titles of the files it cites."""
        return "\n".join([self.dossier.title, *(c.dossier.title for c in self.cited)])


@dataclass(frozen=True)
class Candidate:
    """A change as a digest would show it, and what relevance matches it on."""

    view: ChangeView
    subject: relevance.Subject
    source_id: int = 0


def file_ref(dossier: Dossier | None, source: Source) -> FileRef:
    """The file a change belongs to; a change without one is its source's own file."""
    if dossier is None:
        return FileRef(fallback_key(source.name), source.name, "", source.jurisdiction)
    return dossier_ref(dossier)


def dossier_ref(dossier: Dossier) -> FileRef:
    """A stored file as a digest names it."""
    return FileRef(dossier.key, dossier.title or dossier.key, dossier.stage, dossier.jurisdiction)


def candidate(
    change: Change, source: Source, version: Version, facts: FileFacts | None
) -> Candidate:
    """A change ready to be matched and shown."""
    record = record_from_json(version.record)
    item = _item_of(change, record) if change.kind in ITEM_KINDS else None
    ref = file_ref(facts.dossier if facts else None, source)
    if facts is not None and facts.cited:
        ref = replace(ref, cites=tuple((c.dossier.key, c.dossier.title) for c in facts.cited))
    view = ChangeView(
        id=change.id,
        file=ref,
        kind=change.kind,
        significance=change.significance,
        summary=change.summary,
        diff=change.diff,
        detected_at=change.detected_at,
        source=source.name,
        source_url=_link(item, record.url, source.url),
    )
    return Candidate(view, _subject(change, record, item, facts, ref.jurisdiction), source.id)


def _subject(
    change: Change, record: Record, item: Item | None, facts: FileFacts | None, home: str
) -> relevance.Subject:
    if change.kind in ITEM_KINDS:
        text = "\n".join([change.summary, item.title, item.summary] if item else [change.summary])
        owned = facts is not None and bool(record.key)
        return _build(facts if owned else None, text, home)
    text = "\n".join(
        [facts.titles() if facts else "", change.summary, relevance.record_text(record)]
    )
    return _build(facts, text, home)


def _build(facts: FileFacts | None, text: str, home: str) -> relevance.Subject:
    if facts is None:
        return relevance.subject(text=text, jurisdiction=home)
    return relevance.subject(
        keys=facts.keys(), identifiers=facts.all_identifiers(), text=text, jurisdiction=home
    )


def _item_of(change: Change, record: Record) -> Item | None:
    # Item summaries quote the title ("New item: '<title>'"): that names the item.
    return next((i for i in record.items if i.title and f"'{i.title}'" in change.summary), None)


def _link(item: Item | None, record_url: str, source_url: str) -> str:
    # Only web links go into a digest: a scraped "javascript:" URL must never become one.
    for url in (item.link if item else "", record_url, source_url):
        if url.startswith(("https://", "http://")):
            return url
    return ""


def file_subject(facts: FileFacts) -> relevance.Subject:
    """A file alone as a Subject: for its forecasts, which have no change to judge."""
    return _build(facts, facts.titles(), facts.dossier.jurisdiction)


def compiled(watch: Watch) -> relevance.Matcher:
    """A watch ready to match."""
    return relevance.compile_watch(watch.terms, watch.references, watch.jurisdictions)


def matched(
    candidates: Sequence[Candidate], watch: Watch, check: relevance.Matcher
) -> frozenset[int]:
    """The ids of the changes relevant to a watch."""
    return frozenset(
        c.view.id
        for c in candidates
        if at_least(c.view.significance, watch.min_significance)
        and relevance.matches(check, c.subject)
    )


def for_reader(
    candidates: Sequence[Candidate],
    by_watch: Mapping[int, frozenset[int]],
    watch_ids: Iterable[int],
    start: datetime,
    end: datetime,
) -> tuple[ChangeView, ...]:
    """The changes of [start, end) relevant to any of a subscriber's watches, each once."""
    wanted = frozenset().union(*(by_watch.get(w, frozenset()) for w in watch_ids))
    return tuple(
        c.view for c in candidates if c.view.id in wanted and start <= c.view.detected_at < end
    )


def upcoming_for(
    events: Sequence[tuple[EventView, relevance.Subject]], checks: Sequence[relevance.Matcher]
) -> tuple[EventView, ...]:
    """The forecasts of files relevant to any of the watches, each step once."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for event, found in events:
        key = (event.file.key, event.date, fold(event.title))
        if key not in seen and any(relevance.matches(c, found) for c in checks):
            seen.add(key)
            out.append(event)
    return tuple(out)


@dataclass(frozen=True)
class Readings:
    """A source's crawl log around the digests' periods: when Lexwatch tried to read it."""

    source_id: int
    name: str
    interval: timedelta
    created_at: datetime
    runs: tuple[tuple[datetime, str], ...]  # (started, status) of finished runs, oldest first
    before: datetime | None = None  # the last finished run before the first of `runs`' window


def trouble_in(readings: Readings, since: datetime, until: datetime) -> Trouble | None:
    """How the source could not be read in [since, until), or None when it was read."""
    inside = [(when, status) for when, status in readings.runs if since <= when < until]
    if not inside:
        return _not_checked(readings, since, until)
    if inside[-1][1] in SUCCEEDED:
        return None
    good = [when for when, status in inside if status in SUCCEEDED]
    failed = tuple(when for when, _status in inside if not good or when > good[-1])
    return Trouble(readings.name, PROBLEMS.get(inside[-1][1], "failed"), failed)


def _not_checked(readings: Readings, since: datetime, until: datetime) -> Trouble | None:
    # Not attempted in the period: a trouble once it was due (a weekly source may skip a week).
    earlier = [when for when, _status in readings.runs if when < since]
    last = earlier[-1] if earlier else readings.before
    if until - (last or readings.created_at) <= STALE_AFTER * readings.interval:
        return None
    return Trouble(readings.name, "not_checked", last_checked=last)


def source_subject(
    source: Source, version: Version | None, facts: FileFacts | None
) -> relevance.Subject:
    """What a source is about: what the admin wrote (name, address, parameters), its file and
    the files that one cites, and what it said when last read."""
    record = record_from_json(version.record) if version is not None else None
    typed = [source.name, source.url, *(str(v) for v in source.params.values())]
    text = "\n".join(
        [*typed, facts.titles() if facts else "", relevance.record_text(record) if record else ""]
    )
    identifiers = (facts.all_identifiers() if facts else set()) | set(
        record.identifiers if record else ()
    )
    keys = facts.keys() if facts else set()
    return relevance.subject(
        keys=keys, identifiers=identifiers, text=text, jurisdiction=source.jurisdiction
    )


def fed_watches(
    about: Mapping[int, relevance.Subject],
    candidates: Sequence[Candidate],
    by_watch: Mapping[int, frozenset[int]],
    checks: Mapping[int, relevance.Matcher],
) -> dict[int, frozenset[int]]:
    """Source id -> the watches it feeds: those that match what it is about, and those that
    took one of its changes."""
    fed = {
        sid: {w for w, check in checks.items() if relevance.matches(check, found)}
        for sid, found in about.items()
    }
    for c in candidates:
        fed.setdefault(c.source_id, set()).update(
            w for w, ids in by_watch.items() if c.view.id in ids
        )
    return {sid: frozenset(watches) for sid, watches in fed.items()}


def troubles_for(found: Material, watch_ids: Iterable[int], since: datetime) -> tuple[Trouble, ...]:
    """The sources feeding any of these watches that could not be read in [since, until)."""
    wanted = frozenset(watch_ids)
    out = [
        trouble
        for sid, readings in found.readings.items()
        if found.feeds.get(sid, frozenset()) & wanted
        and (trouble := trouble_in(readings, since, found.until))
    ]
    return tuple(sorted(out, key=lambda t: t.source.casefold()))


def file_facts(
    dossiers: Mapping[int, Dossier],
    identifiers: Mapping[int, set[tuple[str, str]]],
    cited: Mapping[int, Sequence[Dossier]],
) -> dict[int, FileFacts]:
    """Dossier id -> FileFacts with the files each cites (one level: not their citations)."""

    def alone(dossier: Dossier) -> FileFacts:
        return FileFacts(dossier, frozenset(identifiers.get(dossier.id, ())))

    return {
        i: FileFacts(d, frozenset(identifiers.get(i, ())), tuple(map(alone, cited.get(i, ()))))
        for i, d in dossiers.items()
    }


@dataclass(frozen=True)
class Material:
    """What one run of digests reads, matched once for every watch."""

    candidates: tuple[Candidate, ...]
    by_watch: Mapping[int, frozenset[int]]
    watches: Mapping[int, Watch]
    matchers: Mapping[int, relevance.Matcher]
    subscriptions: Mapping[int, Sequence[int]]
    forecasts: tuple[tuple[EventView, relevance.Subject], ...]
    readings: Mapping[int, Readings]
    feeds: Mapping[int, frozenset[int]]
    until: datetime  # the crawl log is read up to here: the period's end, or now if earlier


def material(
    *,
    changes: Sequence[tuple[Change, Source, Dossier | None, Version]],
    facts: Mapping[int, FileFacts],
    watches: Sequence[Watch],
    subscriptions: Mapping[int, Sequence[int]],
    forecasts: Sequence[tuple[Entry, Dossier, str]],
    readings: Mapping[int, Readings],
    about: Mapping[int, relevance.Subject],
    until: datetime,
) -> Material:
    """Candidates, per-watch matches, forecasts and the crawl log from the rows the repo gives;
    `about`: what each source that may be in trouble is about (`source_subject`)."""
    found = tuple(
        candidate(c, s, v, facts.get(c.dossier_id) if c.dossier_id else None)
        for c, s, _d, v in changes
    )
    checks = {w.id: compiled(w) for w in watches}
    by_watch = {w.id: matched(found, w, checks[w.id]) for w in watches}
    return Material(
        candidates=found,
        by_watch=by_watch,
        watches={w.id: w for w in watches},
        matchers=checks,
        subscriptions=subscriptions,
        forecasts=tuple(_forecast(e, d, name, facts) for e, d, name in forecasts),
        readings=readings,
        feeds=fed_watches(about, found, by_watch, checks),
        until=until,
    )


def _forecast(
    event: Entry, dossier: Dossier, source_name: str, facts: Mapping[int, FileFacts]
) -> tuple[EventView, relevance.Subject]:
    view = EventView(dossier_ref(dossier), event.date, event.title, source_name, event.url)
    about = facts.get(dossier.id) or FileFacts(dossier, frozenset())
    return view, file_subject(about)


def digest_input(
    found: Material,
    *,
    subscriber_id: int,
    reader: Recipient,
    since: datetime,
    end: datetime,
    base_url: str,
    timezone: str,
    language: str = "en",
) -> DigestInput:
    """Everything one subscriber's digest says, for the changes of [since, end)."""
    ids = found.subscriptions.get(subscriber_id, ())
    watches = sorted((found.watches[i] for i in ids if i in found.watches), key=lambda w: w.name)
    return DigestInput(
        reader=reader,
        start=since,
        end=end,
        changes=for_reader(found.candidates, found.by_watch, ids, since, end),
        upcoming=upcoming_for(found.forecasts, [found.matchers[w.id] for w in watches]),
        troubles=troubles_for(found, ids, since),
        watches=tuple(w.name for w in watches),
        base_url=base_url,
        timezone=timezone,
        language=language,
    )
