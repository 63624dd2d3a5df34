"""Compose one digest: DigestInput in, DigestEmail (subject, text, HTML, headers) out. Pure.

Files are ordered by their most significant change, and within a file the most
significant change comes first (then in the order they were seen). The same step
reported by two sources is shown once, with both sources. New documents are
listed under the file rather than as lines of their own. A text change shows a
short diff. Then come the forecasts of the next weeks, then the sources of the
reader's files that could not be read in the period (digests.select says which),
so that silence never reads as "nothing happened": a few plain lines ("OEIL
2022/0155(COD) could not be reached on 9 and 10 October"), never an error
message, and a link to the health board where the admin finds the details.

Two Jinja2 environments: the HTML one escapes every value, the text one must
not (it would turn "&" into "&amp;" in a plain-text mail). Values are rendered,
never compiled, so scraped "{{ … }}" stays text. What is the same for every
reader of the same changes and troubles (templates body.*) is rendered once and
kept (`body_of`); only the greeting and the unsubscribe link differ per reader.

The fixed text (headings, labels, significance names, counts, the troubles' plain
lines) and the dates are in the reader's language (`DigestInput.language`): gettext
catalogues (vocab.languages) through Jinja2's i18n extension, dates through Babel
(digests.dates). Titles, summaries and diffs stay as the source wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from digests import dates
from digests.model import ChangeView, DigestEmail, DigestInput, EventView, FileRef, Trouble
from monitor.classify import SIGNIFICANCE
from monitor.link import reference
from vocab.languages import LANGUAGES, N_, supported, translations
from vocab.links import board_url, change_url, file_url, unsubscribe_url

UPCOMING_WEEKS = 4
MAX_ENTRIES = 12  # per file; the rest is on the file's page
DIFF_LINES = 6
DIFF_WIDTH = 160
DIFF_KINDS = ("text_amended", "fields_changed", "title_changed", "item_updated")
DOCUMENT_PREFIX = "New document: "
MAX_TROUBLES = 3  # lines; the rest is counted, and the board has them all
# How a source failed: (with the days it failed on, without them).
FAILED = {
    "unreachable": (N_("could not be reached %(days)s."), N_("could not be reached.")),
    "unreadable": (
        N_("was reached but could not be read %(days)s."),
        N_("was reached but could not be read."),
    ),
}
NOT_CHECKED = (N_("could not be checked %(days)s."), N_("could not be checked."))
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # every line break str.splitlines knows


@dataclass(frozen=True)
class Entry:
    """One thing that happened to a file, with every source that reported it."""

    significance: str
    summary: str
    diff: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]
    url: str
    when: str


@dataclass(frozen=True)
class Section:
    """One file of the digest: what happened to it, its new documents, its page."""

    file: FileRef
    url: str
    significance: str
    entries: tuple[Entry, ...]
    documents: tuple[tuple[str, str], ...]
    more: int
    cites: tuple[tuple[str, str], ...] = ()  # (title, file page) of the files it cites


@dataclass(frozen=True)
class Body:
    """The part of a digest that is the same for every reader of the same changes."""

    text: str
    html: str
    subject_tail: str


def compose(data: DigestInput, *, now: datetime) -> DigestEmail:
    """The digest for one subscriber and period, in their language."""
    zone, language = ZoneInfo(data.timezone), supported(data.language)
    local_today = now.astimezone(zone).date()
    body = body_of(
        data.changes, data.upcoming, data.troubles, data.base_url, zone, local_today, language
    )
    view = {
        "data": data,
        "language": language,
        "subject": _subject(data.start.astimezone(zone), body.subject_tail, language),
        "period": _period(data.start, data.end, zone, language),
        "unsubscribe": unsubscribe_url(data.base_url, data.reader.token),
    }
    return DigestEmail(
        subject=view["subject"],
        text=_render("digest.txt", language, view, body.text),
        html=_render("digest.html", language, view, body.html),
        headers=headers(view["unsubscribe"]),
    )


def _render(name: str, language: str, view: dict, body: str) -> str:
    # The HTML body was escaped when body_of rendered it, so it is Markup here.
    html = name.endswith(".html")
    template = _environment(html, language).get_template(name)
    return template.render(view, body=Markup(body) if html else body)


def _subject(start: datetime, tail: str, language: str) -> str:
    week = dates.long_date(start.date(), language)
    text = translations(language).gettext("Lexwatch digest, week of %(date)s: %(summary)s")
    return text % {"date": week, "summary": tail}


@lru_cache(maxsize=32)
def body_of(
    changes: tuple[ChangeView, ...],
    upcoming_events: tuple[EventView, ...],
    troubles: tuple[Trouble, ...],
    base_url: str,
    zone: ZoneInfo,
    today: date,
    language: str = "en",
) -> Body:
    """What changed, what is coming, what could not be checked: rendered once for every
    subscriber who follows the same changes in the same language (a pure function, so its
    result is kept)."""
    found = sections(changes, base_url, zone, language)
    view = {
        "sections": found,
        "upcoming": upcoming(upcoming_events, today),
        "troubles": [trouble_line(t, zone, language) for t in troubles[:MAX_TROUBLES]],
        "more_troubles": max(0, len(troubles) - MAX_TROUBLES),
        "board": board_url(base_url),
    }
    text = _environment(False, language).get_template("body.txt").render(view)
    # Escaped here, so Markup later is safe.
    html = _environment(True, language).get_template("body.html").render(view)
    return Body(text, html, subject_tail(found, language))


def headers(unsubscribe: str) -> tuple[tuple[str, str], ...]:
    """One-click unsubscribe (RFC 8058) and a mark that no one should auto-reply."""
    return (
        ("List-Unsubscribe", f"<{unsubscribe}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("Auto-Submitted", "auto-generated"),
    )


def subject_tail(found: Sequence[Section], language: str = "en") -> str:
    """Counts, never scraped text: a subject is a header."""
    tr = translations(language)
    if not found:
        return tr.gettext("nothing new")
    changes = sum(len(s.entries) + s.more + len(s.documents) for s in found)
    major = sum(1 for s in found for e in s.entries if e.significance == "major")
    counted = tr.gettext("%(changes)s in %(files)s") % {
        "changes": tr.ngettext("%(num)d change", "%(num)d changes", changes) % {"num": changes},
        "files": tr.ngettext("%(num)d file", "%(num)d files", len(found)) % {"num": len(found)},
    }
    if not major:
        return counted
    return tr.ngettext("%(counted)s (%(num)d major)", "%(counted)s (%(num)d major)", major) % {
        "counted": counted,
        "num": major,
    }


def rank(significance: str) -> int:
    """Higher for more significant; unknown values rank lowest."""
    return SIGNIFICANCE.index(significance) if significance in SIGNIFICANCE else -1


def sections(
    changes: Sequence[ChangeView], base_url: str, zone: ZoneInfo, language: str = "en"
) -> list[Section]:
    """The changes grouped by file, files ordered by their most significant change."""
    by_file: dict[str, list[ChangeView]] = {}
    for change in changes:
        by_file.setdefault(change.file.key, []).append(change)
    built = [_section(group, base_url, zone, language) for group in by_file.values()]
    return sorted(built, key=_section_order)


def _section_order(section: Section) -> tuple:
    majors = sum(1 for e in section.entries if e.significance == "major")
    count = len(section.entries) + len(section.documents)
    return (-rank(section.significance), -majors, -count, section.file.title.casefold())


def _section(group: list[ChangeView], base_url: str, zone: ZoneInfo, language: str) -> Section:
    ordered = sorted(group, key=lambda c: (-rank(c.significance), c.detected_at, c.id))
    documents = [c for c in ordered if c.kind == "document_added"]
    rest = [c for c in ordered if c.kind != "document_added"]
    entries = _merge(rest, base_url, zone, language)
    return Section(
        file=ordered[0].file,
        url=file_url(base_url, ordered[0].file.key),
        significance=ordered[0].significance,
        entries=tuple(entries[:MAX_ENTRIES]),
        documents=tuple(_documents(documents)),
        more=max(0, len(entries) - MAX_ENTRIES),
        cites=tuple(
            (title or key, file_url(base_url, key)) for key, title in ordered[0].file.cites
        ),
    )


def _merge(changes: list[ChangeView], base_url: str, zone: ZoneInfo, language: str) -> list[Entry]:
    # One step reported by OEIL and the EP API is one line with two sources.
    merged: dict[tuple[str, str], Entry] = {}
    for c in changes:
        key = (c.significance, " ".join(c.summary.casefold().split()))
        if key in merged:
            old = merged[key]
            if (c.source, c.source_url) not in old.sources:
                merged[key] = _with_source(old, c)
            continue
        merged[key] = _entry(c, base_url, zone, language)
    return list(merged.values())


def _entry(change: ChangeView, base_url: str, zone: ZoneInfo, language: str) -> Entry:
    return Entry(
        significance=change.significance,
        summary=one_line(change.summary),
        diff=short_diff(change.diff, language) if change.kind in DIFF_KINDS else (),
        sources=((change.source, change.source_url),),
        url=change_url(base_url, change.file.key, change.id),
        when=_day(change.detected_at, zone, language),
    )


def _with_source(entry: Entry, change: ChangeView) -> Entry:
    sources = (*entry.sources, (change.source, change.source_url))
    return Entry(entry.significance, entry.summary, entry.diff, sources, entry.url, entry.when)


def _documents(changes: list[ChangeView]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for change in changes:
        label = one_line(change.summary.removeprefix(DOCUMENT_PREFIX))
        seen.setdefault(label.casefold(), (label, _diff_link(change.diff)))
    return list(seen.values())


def _diff_link(diff: str) -> str:
    # A document's diff is "+ <label>" then, indented, its address.
    for line in diff.splitlines()[1:]:
        if line.strip().startswith(("https://", "http://")):
            return line.strip()
    return ""


def trouble_line(trouble: Trouble, zone: ZoneInfo, language: str = "en") -> tuple[str, str]:
    """A source that could not be read, in plain words: (its name, what happened)."""
    tr = translations(language)
    if trouble.problem == "not_checked":
        if trouble.last_checked is None:
            return trouble.source, tr.gettext("has not been checked yet.")
        since = dates.day_month(trouble.last_checked.astimezone(zone).date(), language)
        return trouble.source, tr.gettext("has not been checked since %(day)s.") % {"day": since}
    days = sorted({moment.astimezone(zone).date() for moment in trouble.failed_at})
    with_days, without = FAILED.get(trouble.problem, NOT_CHECKED)
    if not days:
        return trouble.source, tr.gettext(without)
    return trouble.source, tr.gettext(with_days) % {"days": days_phrase(days, language)}


def days_phrase(days: Sequence[date], language: str = "en") -> str:
    """'on 4 December', 'on 4 and 5 December', 'from 4 to 9 December', 'on 5 days from …'."""
    tr = translations(language)
    if len(days) > 2 and (days[-1] - days[0]).days == len(days) - 1:
        return _span(days[0], days[-1], language)
    if len(days) > 3:
        text = tr.ngettext("on %(num)d day %(span)s", "on %(num)d days %(span)s", len(days))
        return text % {"num": len(days), "span": _span(days[0], days[-1], language)}
    return tr.gettext("on %(days)s") % {"days": _day_list(days, language)}


def _span(first: date, last: date, language: str) -> str:
    same_month = (first.month, first.year) == (last.month, last.year)
    start = dates.day_number(first, language) if same_month else dates.day_month(first, language)
    text = translations(language).gettext("from %(first)s to %(last)s")
    return text % {"first": start, "last": dates.day_month(last, language)}


def _day_list(days: Sequence[date], language: str) -> str:
    # The month once per run of days in it: "30 November and 1 and 2 December" reads badly,
    # "30 November, 1 and 2 December" well.
    labels = [
        dates.day_number(d, language)
        if i + 1 < len(days) and (days[i + 1].month, days[i + 1].year) == (d.month, d.year)
        else dates.day_month(d, language)
        for i, d in enumerate(days)
    ]
    if len(labels) == 1:
        return labels[0]
    text = translations(language).gettext("%(first)s and %(last)s")
    return text % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def one_line(text: str) -> str:
    """Scraped text on one line: CR, LF and other control characters become spaces."""
    return " ".join(_CONTROL.sub(" ", text).split())


def web(url: str) -> str:
    """The URL if it is a web address, else nothing: a scraped "javascript:" is never a link."""
    return url if url.startswith(("https://", "http://")) else ""


def short_diff(diff: str, language: str = "en") -> tuple[str, ...]:
    """At most DIFF_LINES lines of DIFF_WIDTH characters, and a line saying what was cut."""
    lines = [one_line(line) for line in diff.splitlines() if line.strip()]
    shown = [line if len(line) <= DIFF_WIDTH else line[: DIFF_WIDTH - 1] + "…" for line in lines]
    if len(shown) > DIFF_LINES:
        hidden = len(shown) - DIFF_LINES
        cut = translations(language).ngettext("… %(num)d more line", "… %(num)d more lines", hidden)
        return (*shown[:DIFF_LINES], cut % {"num": hidden})
    return tuple(shown)


def upcoming(events: Sequence[EventView], today: date) -> list[EventView]:
    """Forecasts dated from today to UPCOMING_WEEKS ahead, soonest first."""
    first, last = today.isoformat(), (today + timedelta(weeks=UPCOMING_WEEKS)).isoformat()
    return sorted((e for e in events if first <= e.date <= last), key=lambda e: e.date)


def _period(start: datetime, end: datetime, zone: ZoneInfo, language: str) -> str:
    first, last = start.astimezone(zone), end.astimezone(zone)
    text = translations(language).gettext(
        "%(first)s %(first_time)s to %(last)s %(last_time)s (%(zone)s)"
    )
    return text % {
        "first": _day(first, zone, language),
        "first_time": f"{first:%H:%M}",
        "last": _day(last, zone, language),
        "last_time": f"{last:%H:%M}",
        "zone": zone.key,
    }


def _day(moment: datetime, zone: ZoneInfo, language: str) -> str:
    return dates.weekday_date(moment.astimezone(zone).date(), language)


@lru_cache(maxsize=2 * len(LANGUAGES))
def _environment(autoescape: bool, language: str) -> Environment:
    """The HTML (autoescaped) or text environment, speaking one language."""
    env = Environment(
        loader=PackageLoader("digests", "templates"),
        extensions=["jinja2.ext.i18n"],
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["one_line"] = one_line
    env.filters["web"] = web
    env.filters["reference"] = reference  # readers see a file's reference, never its key
    env.filters["numeric_date"] = partial(dates.numeric_date, language=language)
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env
