"""Crawls of real captures with forecasts and Tweede Kamer steps, stored as crawls store them.

The Tweede Kamer's activities come from two answers built to its OData $metadata (named
built_…, see tests/fixtures/nl_tweedekamer/README.md): no Activiteit was captured.

The OEIL page of 2024/2006(REG) gets the real Forecasts section of a 2026 OEIL page
(tests.sites.test_eu_oeil builds it, neither capture changed). The later crawls are
states no capture shows, built here from those real pages and said so: the forecast
moved to another day, then the forecast gone (the real REG page without the section).
"""

from __future__ import annotations

from fastapi import FastAPI

from crawlers.sites import eu_ep_api, eu_oeil, nl_tweedekamer
from db import repo
from db.engine import session_scope
from db.models import Source
from monitor.normalise import normalise
from pipeline.run import store_record
from tests.helpers import capture
from tests.sites import test_eu_oeil as oeil_pages
from vocab.fetch import Response, Target
from vocab.records import Record

REG_KEY = "EU:2024/2006(REG)"
TK_KEY = "NL:2024Z15447"
FORECAST = "Indicative plenary sitting date, 1st reading"
OEIL_URL = oeil_pages.URLS[oeil_pages.REG]
EP_URL = (
    "https://data.europarl.europa.eu/api/v2/procedures/2024-2006?format=application%2Fld%2Bjson"
)
MEETING_URL = "https://data.europarl.europa.eu/api/v2/meetings/MTG-PL-2024-07-16?format=application%2Frdf%2Bxml"
TK_QUERY = nl_tweedekamer.requests(Target(url="", params={"zaak": "2024Z15447"}))[0].url
TK_URL = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak?$filter=Nummer%20eq%20%272024Z15447%27"


def oeil(forecast_day: str | None = "19/10/2026") -> Record:
    """The REG page with the real 2026 Forecasts section, its day replaced by `forecast_day`;
    None: the real REG page alone (no forecast any more)."""
    if forecast_day is None:
        html = capture("eu_oeil", oeil_pages.REG, OEIL_URL).text()
    else:
        html = oeil_pages._reg_with_real_2026_sections().replace("19/10/2026", forecast_day)
    return eu_oeil.parse([Response(url=OEIL_URL, body=html.encode("utf-8"))], {})


def ep_api() -> Record:
    return eu_ep_api.parse([capture("eu_ep_api", "procedure_2024-2006-REG.json", EP_URL)], {})


def tk_zaak() -> Record:
    return nl_tweedekamer.parse(
        [capture("nl_tweedekamer", "zaak_2024Z15447_expand-Document.json", TK_URL)], {}
    )


def tk_activities(version: str) -> Record:
    """The Zaak with its activities, answers built to the OData $metadata (no Activiteit was
    captured): `v1`, then `v2` with the plenary debate moved and a committee debate cancelled."""
    name = f"built_zaak_2024Z15447_activities_{version}.json"
    return nl_tweedekamer.parse([capture("nl_tweedekamer", name, TK_QUERY)], {})


def ep_meeting() -> Record:
    """The real EP plenary sitting of 16 July 2024 (its agenda points) from the EP API."""
    return eu_ep_api.parse([capture("eu_ep_api", "meeting_MTG-PL-2024-07-16.xml", MEETING_URL)], {})


SOURCES = {
    "ep-plenary": ("eu_ep_api", MEETING_URL, "EU"),
    "oeil-reg": ("eu_oeil", OEIL_URL, "EU"),
    "ep-reg": ("eu_ep_api", EP_URL, "EU"),
    "tk-zaak": ("nl_tweedekamer", TK_URL, "NL"),
}


def crawl(app: FastAPI, records: dict[str, Record]) -> None:
    """One crawl: each named source reads its record (the source is added on first sight)."""
    with session_scope(app.state.engine) as session:
        known = {s.name: s for s in repo.list_sources(session)}
        for name, record in records.items():
            source = known.get(name) or _add(session, name)
            store_record(session, source=source, record=normalise(record))


def _add(session, name: str) -> Source:
    kind, url, jurisdiction = SOURCES[name]
    return repo.add_source(
        session, source=Source(name=name, kind=kind, url=url, jurisdiction=jurisdiction)
    )


def first_crawl(app: FastAPI) -> None:
    crawl(app, {"oeil-reg": oeil(), "ep-reg": ep_api(), "tk-zaak": tk_zaak()})
