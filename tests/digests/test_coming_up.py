"""The digest's "coming up" reads the agenda (digests.agenda): a forecast whose date moved is
announced on its new day, and one the source no longer lists is not announced at all (the
Event table, which the digest read before, kept both as first seen)."""

from __future__ import annotations

from dataclasses import replace

from db import repo
from db.engine import get_engine, session_scope
from db.models import Source, Watch
from digests.send import compose_for
from monitor.normalise import normalise
from pipeline.run import store_record
from tests.digests import world
from tests.web import agenda_world as agenda
from vocab.records import Event

FORECAST = "Indicative plenary sitting date"


def _csa_then(config, *later) -> None:
    """The CSA file's two versions of the week, then `later` records of the same source."""
    source = Source(name="oeil-csa", kind="eu_oeil", url=world.OEIL_CSA, jurisdiction="EU")
    world.add_versions(config, [(source, world.CSA, world.CSA_LATER)])
    with session_scope(get_engine(config.db_url)) as session:
        stored = next(s for s in repo.list_sources(session) if s.name == "oeil-csa")
        for record in later:
            store_record(session, source=stored, record=normalise(record))
        repo.add_watch(session, watch=Watch(name="csa", references=["2022/0155(COD)"]))
    world.subscribe(config, ["ann@example.org"], "csa")


def _coming_up(config) -> str:
    """The digest's "Coming up" section ('' when it has none)."""
    text = compose_for(get_engine(config.db_url), config, "ann@example.org", world.NOW).text
    return text.partition("Coming up in the next weeks")[2].partition("-" * 72)[0]


def _with_forecast(day: str | None):
    kept = tuple(e for e in world.CSA_LATER.events if not e.forecast)
    return replace(
        world.CSA_LATER, events=kept + ((Event(day, FORECAST, forecast=True),) if day else ())
    )


def test_a_moved_forecast_is_announced_on_its_new_day(settings) -> None:
    config = settings()
    _csa_then(config, _with_forecast("2025-10-28"))
    text = _coming_up(config)
    assert f"2025-10-28  {FORECAST}" in text and "2025-10-21" not in text


def test_a_dropped_forecast_is_not_announced(settings) -> None:
    config = settings()
    _csa_then(config, _with_forecast(None))
    assert FORECAST not in _coming_up(config)


def test_a_tweede_kamer_activity_is_coming_up_on_its_new_day(settings) -> None:
    # The TK answers are built to the OData $metadata (no Activiteit was captured).
    config = settings()
    source = Source(name="tk-zaak", kind="nl_tweedekamer", url=agenda.TK_QUERY, jurisdiction="NL")
    world.add_versions(config, [(source, agenda.tk_activities("v1"), agenda.tk_activities("v2"))])
    with session_scope(get_engine(config.db_url)) as session:
        repo.add_watch(session, watch=Watch(name="tk", references=["2024Z15447"]))
    world.subscribe(config, ["ann@example.org"], "tk")
    text = _coming_up(config)
    assert "2025-10-21  Stemmingen" in text
    assert "2025-10-30  Plenair debat: Debat over de CSAM-verordening" in text
    assert "2025-10-16" not in text and "Bescherming van kinderen online" not in text
