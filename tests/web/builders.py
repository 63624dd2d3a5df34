"""Histories for the web tests, stored as a crawl stores them (pipeline.store.store_record).

- a gazette's feed (a file of its own, `SRC:Magyar Közlöny (official gazette)`, in HU):
  each version publishes one more decree, each an `item_published` change;
- a Dutch motion on the CSA regulation whose vote moves it on (NL, cites 2022/0155(COD)
  by its name "CSAM-verordening" and a press item citing 2024/0035(COD) that makes a stub);
- with conftest's `history`, the EU file EU:2022/0155(COD) read from OEIL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlmodel import select

from db.engine import session_scope
from db.models import Change, Source
from digests.watches import SEEDS, seed
from pipeline.store import store_record
from vocab.records import Item, Record

GAZETTE = "Magyar Közlöny (official gazette)"
MOTION_KEY = "NL:kst-32317-891"
STUB_KEY = "EU:2024/0035(COD)"
STUB_TITLE = (
    "Combating the sexual abuse and sexual exploitation of children and child sexual abuse "
    "material (recast)"
)
CSA_WATCH = SEEDS[0].name  # csa-regulation


def _source(session, name: str, kind: str, jurisdiction: str) -> Source:
    source = Source(
        name=name, kind=kind, url=f"https://example.org/{kind}", jurisdiction=jurisdiction
    )
    session.add(source)
    session.flush()
    return source


def gazette(app: FastAPI, decrees: int) -> None:
    """The gazette's feed, one more decree per version, then the first one retitled: `decrees`
    changes, the last of them minor."""
    with session_scope(app.state.engine) as session:
        source = _source(session, GAZETTE, "feed", "HU")
        for count in range(1, decrees + 1):
            store_record(session, source=source, record=_decrees(count))
        store_record(session, source=source, record=_decrees(decrees, corrected=True))


def _decrees(count: int, *, corrected: bool = False) -> Record:
    items = [
        Item(f"d{n}", f"Decree {n}/2026 on inland fisheries", f"https://example.org/d{n}")
        for n in range(1, count + 1)
    ]
    if corrected:
        items[0] = Item("d1", "Decree 1/2026 on inland fisheries (corrected)", items[0].link)
    return Record(kind="feed", items=tuple(items))


def motion(app: FastAPI) -> None:
    """A motion on the Dutch position on the CSAM-verordening, then adopted: NL changes."""
    with session_scope(app.state.engine) as session:
        source = _source(session, "tk-motions", "nl_tweedekamer", "NL")
        for stage in ("ingediend", "aangenomen"):
            record = Record(
                kind="motion",
                key=MOTION_KEY,
                stage=stage,
                title="Motie van het lid Kathmann over de CSAM-verordening",
                identifiers=(("nl_kamerstuk", "32317-891"),),
                text=f"# Motie\nVerzoekt de regering geen detectiebevel te steunen ({stage}).",
            )
            store_record(session, source=source, record=record)
        press = _source(session, "council-press", "feed", "EU")
        for count in (1, 2):
            items = tuple(
                Item(f"p{n}", f"Council on the recast directive 2024/0035(COD), step {n}")
                for n in range(1, count + 1)
            )
            cited = (("procedure", "2024/0035(COD)"),)  # what the feed parser finds in the titles
            record = Record(kind="feed", items=items, identifiers=cited)
            store_record(session, source=press, record=record)


def seed_watches(app: FastAPI) -> None:
    with session_scope(app.state.engine) as session:
        seed(session)


def spread(app: FastAPI, *, start: datetime | None = None) -> dict[int, datetime]:
    """Give the changes one day each, the oldest first, so date filters and order can be tested."""
    start = start or datetime(2026, 1, 1, 9, tzinfo=UTC)
    with session_scope(app.state.engine) as session:
        changes = session.exec(select(Change).order_by(Change.id)).all()
        for day, change in enumerate(changes):
            change.detected_at = start + timedelta(days=day)
            session.add(change)
        return {c.id: c.detected_at for c in changes}


KINDS = ("page", "feed", "json", "eu_oeil", "nl_tweedekamer", "uk_bills")
PLACES = ("EU", "NL", "DE", "UK", "US")
HEALTHS = ("ok", "ok", "ok", "failing", "broken", "stale", "skipped", "new")
REASONS = {
    "failing": "the site answered HTTP 503",
    "broken": "selector '#main' matched nothing",
    "skipped": "needs an API key",
    "stale": "",
}


def many_sources(app: FastAPI, count: int) -> list[Source]:
    """`count` sources of several kinds, places and healths, some paused, as a large board has."""
    now = datetime.now(UTC)
    made = []
    with session_scope(app.state.engine) as session:
        for i in range(count):
            health = HEALTHS[i % len(HEALTHS)]
            fresh = now if health != "stale" else now - timedelta(days=10)
            source = Source(
                name=f"{PLACES[i // 7 % 5]} source {i:03d}",
                kind=KINDS[i % len(KINDS)],
                url=f"https://site{i % 13}.example.org/path/{i}",
                jurisdiction=PLACES[i // 7 % 5],
                every_seconds=86400,
                enabled=i % 10 != 9,
                health="ok" if health == "stale" else health,
                health_reason=REASONS.get(health, ""),
                created_at=fresh,
                last_success_at=fresh,
            )
            session.add(source)
            made.append(source)
        session.flush()
        for source in made:
            session.expunge(source)
    return made
