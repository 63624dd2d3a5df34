"""Seeded legislative-style procedure pages, and the edits a real site would make to them.

A page is plain data (`Procedure`), rendered to HTML by `render`. The same seed
always gives the same pages and the same edits, so that two tools (or two runs)
see exactly the same site. Markers in the HTML (`SID`, `STAMP`) let the server
add per-request noise without re-rendering: see bench/site.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

SID = "@@SID@@"  # where a session id goes in every link (noisy site only)
STAMP = "@@STAMP@@"  # where the "Page generated at" line goes (noisy site only)
EDITS = ("new key event", "status change", "amended sentence")

VOCABULARY = (
    "regulation directive proposal council parliament commission committee rapporteur amendment "
    "provider service online child protection abuse material detection order authority national "
    "coordinating centre risk assessment mitigation encryption privacy fundamental rights data "
    "interpersonal communication hosting removal blocking transparency report victims support "
    "cooperation europol member states competent judicial review proportionality safeguards "
    "technology voluntary derogation interim measure shadow opinion plenary vote trilogue "
    "agreement text adopted position first reading general approach mandate negotiations legal "
    "basis internal market article paragraph recital annex implementing delegated act obligation "
    "penalties supervisory independent audit age verification app store grooming solicitation "
    "known new indicators database false positives accuracy human oversight complaint redress"
)
WORDS = VOCABULARY.split()
STATUSES = (
    "Preparatory phase in Parliament",
    "Awaiting committee decision",
    "Awaiting Parliament's position in 1st reading",
    "Awaiting Council's 1st reading position",
    "Awaiting signature of act",
    "Procedure completed",
)
EVENT_TITLES = (
    "Committee referral announced in Parliament",
    "Vote in committee, 1st reading",
    "Committee report tabled for plenary",
    "Debate in Council",
    "Decision by Parliament, 1st reading",
    "Approval in committee of the text agreed at interinstitutional negotiations",
    "Council position published",
    "Final act signed",
)
PLAYERS = (
    ("European Parliament", "LIBE", "Zarzalejos Javier", "EPP"),
    ("European Parliament", "IMCO", "Körner Moritz", "Renew"),
    ("European Parliament", "CULT", "Sánchez Amor Nacho", "S&D"),
    ("Council of the European Union", "Justice and Home Affairs", "", ""),
    ("European Commission", "DG HOME", "Johansson Ylva", ""),
)


@dataclass(frozen=True)
class Event:
    """One row of the key-events table."""

    day: date
    title: str
    reference: str


@dataclass(frozen=True)
class Procedure:
    """One procedure page: everything that is rendered, nothing that is per request."""

    number: int
    reference: str
    title: str
    status: str
    events: tuple[Event, ...]
    documents: tuple[tuple[str, str], ...]  # (reference, title)
    summary: tuple[tuple[str, ...], ...]  # paragraphs of sentences


def name_of(number: int) -> str:
    """The source / job name of page `number`, shared by both tools."""
    return f"page-{number:04d}"


def path_of(number: int) -> str:
    """The URL path of page `number`."""
    return f"/oeil/procedure/{number:04d}.html"


@dataclass(frozen=True)
class Markup:
    """A rendered page, its documents list apart: the noisy site serves that list shuffled."""

    before: str
    items: tuple[str, ...]
    after: str

    def text(self, items: tuple[str, ...] | list[str] | None = None) -> str:
        """The page's HTML, with the list items in the order given (default: as rendered)."""
        return self.before + "".join(self.items if items is None else items) + self.after


def procedures(count: int, seed: int) -> list[Procedure]:
    """`count` pages, the same ones for the same seed."""
    return [_procedure(number, random.Random(f"{seed}:{number}")) for number in range(count)]


def _procedure(number: int, rng: random.Random) -> Procedure:
    year = 2019 + number % 7
    bare = Procedure(
        number=number,
        reference=f"{year}/{number % 1000:04d}(COD)",
        title="Regulation laying down rules on " + sentence(rng, 6, 12).rstrip(".").lower(),
        status=rng.choice(STATUSES),
        events=_events(rng, year),
        documents=tuple(_document(rng, year) for _ in range(rng.randint(8, 24))),
        summary=(),
    )
    room = rng.randint(30_500, 67_500) - len(render(bare).text())
    return replace(bare, summary=_summary(rng, room))


def sentence(rng: random.Random, shortest: int = 12, longest: int = 30) -> str:
    """A sentence of legislative-sounding words."""
    words = rng.choices(WORDS, k=rng.randint(shortest, longest))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"Article {rng.randint(1, 99)}")
    return " ".join(words).capitalize() + "."


def _summary(rng: random.Random, room: int) -> tuple[tuple[str, ...], ...]:
    """Paragraphs of 4 to 9 sentences until about `room` characters are filled."""
    paragraphs: list[tuple[str, ...]] = []
    while room > 0:
        paragraph = tuple(sentence(rng) for _ in range(rng.randint(4, 9)))
        paragraphs.append(paragraph)
        room -= sum(len(s) + 1 for s in paragraph) + 8  # 8: the <p></p> and newline
    return tuple(paragraphs)


def _events(rng: random.Random, year: int) -> tuple[Event, ...]:
    day = date(year, 1, 1) + timedelta(days=rng.randint(0, 200))
    events = []
    for _ in range(rng.randint(6, 25)):
        events.append(Event(day, rng.choice(EVENT_TITLES), _reference(rng, year)))
        day += timedelta(days=rng.randint(5, 60))
    return tuple(events)


def _reference(rng: random.Random, year: int) -> str:
    return rng.choice(
        (
            "",
            f"A9-{rng.randint(1, 400):04d}/{year}",
            f"PE{rng.randint(700, 760)}.{rng.randint(100, 999)}",
        )
    )


def _document(rng: random.Random, year: int) -> tuple[str, str]:
    return f"COM({year}) {rng.randint(1, 999)}", sentence(rng, 4, 10)


# -- rendering -----------------------------------------------------------------

HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{reference} | {title} | Legislative Observatory</title>
<link rel="stylesheet" href="/static/oeil.css">
<style>body{{font-family:sans-serif}} .status{{font-weight:bold}}</style>
<script>window.analytics={{site:"oeil",page:"{number}"}};</script></head>
<body><header><nav><ul class="menu">
<li><a href="/oeil/home{sid}">Home</a></li><li><a href="/oeil/search{sid}">Search</a></li>
<li><a href="/oeil/help{sid}">Help</a></li></ul></nav></header>
<main id="content">
<h1>{reference} {title}</h1>
<section id="basic"><h2>Basic information</h2>
<p class="reference">{reference}</p>
<p class="type">COD - Ordinary legislative procedure (ex-codecision procedure) Regulation</p>
<p class="status">Status: {status}</p>
</section>
"""
FOOT = """<footer><p>European Parliament, Legislative Observatory</p>
{stamp}
<p><a href="/oeil/legal-notice{sid}">Legal notice</a></p></footer>
</body></html>
"""


def render(p: Procedure) -> Markup:
    """The page's HTML, with SID and STAMP markers where per-request noise may go."""
    head = HEAD.format(
        reference=p.reference, title=_e(p.title), status=_e(p.status), number=p.number, sid=SID
    )
    before = head + _players() + _events_table(p.events) + _documents_open()
    after = "</ul></section>\n" + _summary_html(p.summary) + "</main>\n"
    return Markup(before, _document_items(p), after + FOOT.format(stamp=STAMP, sid=SID))


def _e(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _players() -> str:
    head = "<tr><th>Institution</th><th>Committee</th><th>Rapporteur</th><th>Group</th></tr>\n"
    rows = "".join(
        "<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>\n" for row in PLAYERS
    )
    return f'<section id="players"><h2>Key players</h2>\n<table class="players">\n{head}{rows}</table></section>\n'


def _events_table(events: tuple[Event, ...]) -> str:
    rows = "".join(
        f"<tr><td>{e.day:%d/%m/%Y}</td><td>{e.title}</td>"
        f'<td><a href="/oeil/document/{e.reference or "none"}{SID}">{e.reference}</a></td></tr>\n'
        for e in events
    )
    head = "<tr><th>Date</th><th>Event</th><th>Reference</th></tr>\n"
    return f'<section id="events"><h2>Key events</h2>\n<table class="events">\n{head}{rows}</table></section>\n'


def _documents_open() -> str:
    return '<section id="documents"><h2>Documentation gateway</h2>\n<ul class="documents">\n'


def _document_items(p: Procedure) -> tuple[str, ...]:
    return tuple(
        f'<li><a href="/oeil/doc/{ref.replace(" ", "_")}{SID}">{ref}</a> {_e(title)}</li>\n'
        for ref, title in p.documents
    )


def _summary_html(summary: tuple[tuple[str, ...], ...]) -> str:
    paragraphs = "".join("<p>" + " ".join(paragraph) + "</p>\n" for paragraph in summary)
    return f'<section id="summary"><h2>Summary</h2>\n{paragraphs}</section>\n'


# -- edits ---------------------------------------------------------------------


def edited(pages: list[Procedure], fraction: float, seed: int) -> dict[int, str]:
    """Which pages a seeded `fraction` edit touches, and how: page number -> kind of edit."""
    rng = random.Random(f"{seed}:edits")
    chosen = sorted(rng.sample(range(len(pages)), max(1, round(len(pages) * fraction))))
    return {number: EDITS[index % len(EDITS)] for index, number in enumerate(chosen)}


def apply_edit(p: Procedure, kind: str, seed: int) -> Procedure:
    """The page after one edit of `kind`, seeded by the page so it is the same every run."""
    rng = random.Random(f"{seed}:edit:{p.number}")
    if kind == "new key event":
        last = p.events[-1]
        day = last.day + timedelta(days=rng.randint(1, 30))
        return replace(p, events=(*p.events, Event(day, rng.choice(EVENT_TITLES), "")))
    if kind == "status change":
        return replace(p, status=rng.choice([s for s in STATUSES if s != p.status]))
    return replace(p, summary=_amend(p.summary, rng))


def _amend(summary: tuple[tuple[str, ...], ...], rng: random.Random) -> tuple[tuple[str, ...], ...]:
    """One sentence of the summary rewritten: a word swapped for another."""
    at = rng.randrange(len(summary))
    paragraph = list(summary[at])
    which = rng.randrange(len(paragraph))
    words = paragraph[which].split(" ")
    spot = rng.randrange(1, len(words))
    words[spot] = rng.choice([w for w in WORDS if w != words[spot].rstrip(".")])
    paragraph[which] = " ".join(words).rstrip(".") + "."
    return (*summary[:at], tuple(paragraph), *summary[at + 1 :])
