"""A week of real changes in a test database, made the way crawls make them.

Each source gets two versions of a record through pipeline.store.store_record, so
the Changes, their kinds, significances, summaries and diffs are the ones the
monitor really produces. Records come from real captures where one exists (the
Kathmann motion, the Eurodac procedure); the second version is the capture with
one edit, made here and said so. The changes are then dated inside the week
that a digest sent on NOW covers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from crawlers.sites import eu_ep_api, nl_tweedekamer
from db import repo
from db.engine import get_engine, session_scope
from db.models import Source
from digests import unsubscribe, watches
from monitor.normalise import normalise
from pipeline.store import store_record
from tests.helpers import capture
from vocab.records import Document, Event, Record
from vocab.settings import Settings

TZ = ZoneInfo("Europe/Brussels")
NOW = datetime(2025, 10, 13, 9, 0, tzinfo=TZ)  # a Monday, after 07:00
NOW_ISO = "2025-10-13T09:00"
IN_WEEK = datetime(2025, 10, 8, 10, 0, tzinfo=UTC)  # inside [6 Oct 07:00, 13 Oct 07:00) Brussels
BASE_URL = "https://lexwatch.example.org"
SUBSCRIBED = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)  # when the world's subscribers signed up

OEIL_CSA = "https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file?reference=2022/0155(COD)"
CSA = Record(
    kind="procedure",
    key="EU:2022/0155(COD)",
    title="Preventing and combating child sexual abuse",
    stage="Awaiting committee decision",
    url=OEIL_CSA,
    identifiers=(("com", "COM(2022) 209"), ("procedure", "2022/0155(COD)")),
    events=(Event("2022-05-11", "Legislative proposal published"),),
)
REPORT_URL = "https://www.europarl.europa.eu/doceo/document/A-9-2023-0364_EN.html"
CSA_LATER = replace(
    CSA,
    stage="Awaiting Council's 1st reading position",
    events=(
        *CSA.events,
        Event("2025-10-07", "Debate in Parliament"),
        Event("2025-10-21", "Indicative plenary sitting date", forecast=True),
    ),
    documents=(
        Document("Committee report tabled for plenary", "A9-0364/2023", "2023-11-16", REPORT_URL),
    ),
)
AI_ACT = Record(
    kind="procedure",
    key="EU:2021/0106(COD)",
    title="Artificial Intelligence Act",
    stage="Awaiting committee decision",
    identifiers=(("procedure", "2021/0106(COD)"),),
)
AI_ACT_LATER = replace(AI_ACT, stage="Procedure completed")

KATHMANN = "motie_32317-891_Kathmann_CSAM-detectiebevel.xml"
KATHMANN_URL = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/DocumentPublicatie(9bb5279f-1eb4-44b2-ab3d-68456f3b1766)/Resource"
EURODAC_URL = (
    "https://data.europarl.europa.eu/api/v2/procedures/2016-0132?format=application%2Fld%2Bjson"
)


def kathmann() -> Record:
    """The real Kathmann motion (Kamerstuk 32317 nr. 891) as the parser reads it."""
    return nl_tweedekamer.parse([capture("nl_tweedekamer", KATHMANN, KATHMANN_URL)], {})


def kathmann_edited() -> Record:
    """The motion with its last request reworded: built from the capture here."""
    record = kathmann()
    old = "verzoekt de regering bovendien om een eerste aanzet"
    assert old in record.text
    return replace(
        record, text=record.text.replace(old, "verzoekt de regering voorts om een aanzet")
    )


def eurodac() -> Record:
    """The real Eurodac procedure (2016/0132(COD)) from the EP API."""
    return eu_ep_api.parse([capture("eu_ep_api", "procedure_2016-0132-COD.json", EURODAC_URL)], {})


def eurodac_later() -> Record:
    """Eurodac with one more event: built from the capture here."""
    record = eurodac()
    return replace(record, events=(*record.events, Event("2025-10-09", "Corrigendum")))


def sources() -> list[tuple[Source, Record, Record]]:
    """The sources of the week and each one's two versions."""
    return [
        (Source(name="oeil-csa", kind="eu_oeil", url=OEIL_CSA, jurisdiction="EU"), CSA, CSA_LATER),
        (
            Source(name="tk-motions", kind="nl_tweedekamer", url=KATHMANN_URL, jurisdiction="NL"),
            kathmann(),
            kathmann_edited(),
        ),
        (
            Source(
                name="oeil-ai", kind="eu_oeil", url="https://oeil.example.org/ai", jurisdiction="EU"
            ),
            AI_ACT,
            AI_ACT_LATER,
        ),
        (
            Source(name="ep-eurodac", kind="eu_ep_api", url=EURODAC_URL, jurisdiction="EU"),
            eurodac(),
            eurodac_later(),
        ),
    ]


def add_versions(
    settings: Settings, pairs: list[tuple[Source, Record, Record]], when: datetime = IN_WEEK
) -> None:
    """Store each source's two versions (so its Changes exist) and date the changes `when`."""
    with session_scope(get_engine(settings.db_url)) as session:
        for source, first, second in pairs:
            repo.add_source(session, source=source)
            store_record(session, source=source, record=normalise(first))
            store_record(session, source=source, record=normalise(second))
            for change, _name, _key in repo.changes(session, source_ids=[source.id]):
                change.detected_at = when


def build_week(settings: Settings, subscribers: list[str], watch: str = "csa-regulation") -> None:
    """Seeded watches, the week's changes, and subscribers following one watch."""
    with session_scope(get_engine(settings.db_url)) as session:
        watches.seed(session)
    add_versions(settings, sources())
    subscribe(settings, subscribers, watch)


def subscribe(
    settings: Settings,
    emails: list[str],
    watch: str = "csa-regulation",
    when: datetime = SUBSCRIBED,
) -> None:
    """Subscribers following one watch, subscribed at `when` (long before the week, by default)."""
    with session_scope(get_engine(settings.db_url)) as session:
        chosen = [repo.find_watch(session, name=watch)]
        for address in emails:
            subscriber, new = repo.upsert_subscriber(
                session, email=address, name=address.split("@")[0].title()
            )
            if new:
                subscriber.created_at = subscriber.subscribed_at = when
            repo.subscribe(session, subscriber=subscriber, watches=chosen)


def runs(settings: Settings) -> dict[str, tuple[str, int, str]]:
    """Address -> (status, attempts, error) of every digest run."""
    with session_scope(get_engine(settings.db_url)) as session:
        return {email: (r.status, r.attempts, r.error) for r, email in repo.digest_runs(session)}


def statuses(settings: Settings) -> dict[str, str]:
    """Address -> subscriber status."""
    with session_scope(get_engine(settings.db_url)) as session:
        return {s.email: s.status for s in repo.list_subscribers(session)}


def token(settings: Settings, email: str) -> str:
    """A subscriber's unsubscribe token, as their digests carry it."""
    with session_scope(get_engine(settings.db_url)) as session:
        person = repo.find_subscriber(session, email=email)
        key = repo.unsubscribe_key(session)
        return unsubscribe.make(key, person.id, person.unsubscribe_token)
