"""A Zaak's activities as its scheduled steps, read from answers BUILT to the OData `$metadata`
(no Activiteit was captured; see tests/fixtures/nl_tweedekamer/README.md): planned ones are
forecasts known by their Id, held ones steps, cancelled and deleted ones left out."""

from __future__ import annotations

import json

from crawlers.sites import nl_tweedekamer
from tests.helpers import capture
from vocab.fetch import Response, Target
from vocab.records import Event, Record, record_from_json, record_to_json

SLUG = "nl_tweedekamer"
URL = nl_tweedekamer.requests(Target(url="", params={"zaak": "2024Z15447"}))[0].url
SITE = "https://www.tweedekamer.nl/debat_en_vergadering/"
DEBATE_ID = "3f6c2a10-5b7e-4c1d-9a8e-2d4b6f8a0c12"


def activities(version: str) -> Record:
    """The built answer `v1` or `v2` as the module reads it."""
    name = f"built_zaak_2024Z15447_activities_{version}.json"
    return nl_tweedekamer.parse([capture(SLUG, name, URL)], {})


def _scheduled(record: Record) -> dict[str, Event]:
    return {e.reference: e for e in record.events if e.step_id}


def test_planned_activities_are_forecasts_and_a_held_one_a_step() -> None:
    steps = _scheduled(activities("v1"))
    assert sorted(steps) == ["2025A05101", "2025A05102", "2025A05103", "2025A05105"]
    debate = steps["2025A05102"]
    assert (debate.date, debate.title, debate.forecast) == (
        "2025-10-16",
        "Plenair debat: Debat over de CSAM-verordening",
        True,
    )
    assert debate.step_id == DEBATE_ID and debate.source == "Tweede Kamer"
    assert debate.details == "15:00–18:00; Plenaire zaal; Tweede Kamer"
    held = steps["2025A05101"]
    assert (held.date, held.title, held.forecast) == (
        "2025-10-08",
        "Commissiedebat: JBZ-Raad",
        False,
    )


def test_an_activity_reached_twice_is_one_step_and_a_deleted_one_none() -> None:
    record = activities("v1")
    assert [e.reference for e in record.events].count("2025A05101") == 1  # Zaak and Agendapunt
    assert "2025A05104" not in {e.reference for e in record.events}  # Verwijderd: true
    votes = _scheduled(record)["2025A05105"]
    assert votes.title == "Stemmingen", "an Onderwerp that repeats the Soort is said once"


def test_each_activity_links_its_page_on_the_kamer_s_site() -> None:
    steps = _scheduled(activities("v1"))
    assert (
        steps["2025A05102"].url == SITE + "plenaire_vergaderingen/details/activiteit?id=2025A05102"
    )
    assert steps["2025A05103"].url == SITE + "commissievergaderingen/details?id=2025A05103"


def test_a_moved_activity_keeps_its_id_and_a_cancelled_one_is_gone() -> None:
    before, after = _scheduled(activities("v1")), _scheduled(activities("v2"))
    moved = after["2025A05102"]
    assert (moved.date, moved.step_id) == ("2025-10-30", before["2025A05102"].step_id)
    assert moved.details.endswith("; Verplaatst") and moved.forecast
    assert "2025A05103" not in after, "Geannuleerd"
    assert set(after) == set(before) - {"2025A05103"}


def test_an_activity_dating_a_decision_is_that_decision_s_step() -> None:
    answer = json.loads(capture(SLUG, "built_zaak_2024Z15447_decided.json", URL).body)
    zaak = answer["value"][0]
    zaak["Agendapunt"] = [zaak["Besluit"][0]["Agendapunt"]]  # the vote's agenda item, reached
    record = nl_tweedekamer.parse([Response(url=URL, body=json.dumps(answer).encode())], {})
    assert not [e for e in record.events if e.step_id]
    assert [e.title for e in record.events if e.date == "2024-10-15"] == ["Verworpen"]


def test_the_step_id_survives_storage_and_other_events_keep_their_json() -> None:
    record = activities("v1")
    assert record_from_json(record_to_json(record)) == record
    stored = record_to_json(record)["events"]
    assert [("step_id" in e) for e in stored] == [bool(e.step_id) for e in record.events]


def test_a_dossier_list_carries_each_activity_of_its_zaken_once() -> None:
    answer = json.loads(capture(SLUG, "built_zaak_2024Z15447_activities_v1.json", URL).body)
    twin = dict(answer["value"][0], Nummer="2024Z15448", Id="efa2fc06-c058-42a7-9f12-94b21526a198")
    answer["value"].append(twin)
    url = nl_tweedekamer.requests(Target(url="", params={"dossier": "32317"}))[0].url
    record = nl_tweedekamer.parse([Response(url=url, body=json.dumps(answer).encode())], {})
    assert record.kind == "zaak_list"
    assert sorted(e.reference for e in record.events if e.step_id) == [
        "2025A05101",
        "2025A05102",
        "2025A05103",
        "2025A05105",
    ]
