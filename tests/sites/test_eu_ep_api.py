"""The EP Open Data API v2 parser against real captures: three procedures, the list, a sitting.

Each expected JSON was checked against its capture (dates, activity codes, document ids,
titles); the explicit assertions below repeat facts read in the captures. The stage of
2024/2006(REG) agrees with OEIL's own page for that file ("Procedure completed").
"""

from __future__ import annotations

import codecs
import json
import random
from typing import Any

import pytest

from crawlers.sites import eu_ep_api
from tests.helpers import FIXTURES, capture, expected
from vocab.errors import Blocked, ConfigError, ParseError
from vocab.fetch import Response, Target
from vocab.records import Event, Record, record_from_json, record_to_json

SLUG = "eu_ep_api"
API = eu_ep_api.API
COD = "procedure_2016-0132-COD.json"
REG = "procedure_2024-2006-REG.json"
RSP = "procedure_2024-2511-RSP_compact.json"
LIST = "procedures-list_limit3.json"
MEETING = "meeting_MTG-PL-2024-07-16.xml"

URLS = {
    COD: f"{API}/procedures/2016-0132?format=application%2Fld%2Bjson",
    REG: f"{API}/procedures/2024-2006?format=application%2Fld%2Bjson",
    RSP: f"{API}/procedures/2024-2511?format=application%2Fld%2Bjson",
    LIST: f"{API}/procedures?limit=3",
    MEETING: f"{API}/meetings/MTG-PL-2024-07-16?format=application%2Frdf%2Bxml",
}


def _parse(name: str) -> Record:
    return eu_ep_api.parse([capture(SLUG, name, URLS[name])], {})


def _parse_json(data: Any, url: str = URLS[COD]) -> Record:
    return eu_ep_api.parse([Response(url=url, body=json.dumps(data).encode("utf-8"))], {})


def _capture_json(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / SLUG / name).read_bytes())


def _events(record: Record, kind: str) -> list[Event]:
    return [event for event in record.events if event.kind == kind and not event.forecast]


# --- every capture against its checked expected record ---------------------------------


@pytest.mark.parametrize("name", list(URLS))
def test_capture_matches_expected_record(name: str) -> None:
    record = _parse(name)
    want = expected(SLUG, name.rsplit(".", 1)[0] + ".expected.json")
    assert json.loads(json.dumps(record_to_json(record))) == want
    assert record_from_json(want) == record


@pytest.mark.parametrize("name", list(URLS))
def test_parsing_twice_gives_equal_records(name: str) -> None:
    assert _parse(name) == _parse(name)


# --- facts read in the captures ----------------------------------------------------------


def test_finished_cod_file_facts() -> None:
    record = _parse(COD)
    assert record.key == "EU:2016/0132(COD)"
    assert record.title.startswith("Establishment of 'Eurodac' for the comparison of fingerprints")
    last = record.events[-1]
    assert (last.date, last.kind, last.forecast) == (
        "2024-05-22",
        "PUBLICATION_OFFICIAL_JOURNAL",
        False,
    )
    assert [(e.date, e.kind) for e in _events(record, "SIGNATURE")] == [("2024-05-14", "SIGNATURE")]
    assert _events(record, "TABLING_PLENARY")[0].reference == "A8-0212/2017"
    decision = _events(record, "PLENARY_AMEND_PROPOSAL")[0]
    assert (decision.date, decision.reference) == ("2024-04-10", "T9-0183/2024")
    assert ("ep_text", "T9-0183/2024") in record.identifiers
    assert ("ep_report", "A8-0212/2017") in record.identifiers


def test_finished_file_stage_comes_from_events_not_current_stage() -> None:
    # The capture's current_stage is still RDG1 (1st reading) although the act is published.
    record = _parse(COD)
    assert dict(record.fields)["api_current_stage"] == "RDG1"
    assert record.stage == "Procedure completed"


def test_finished_cod_file_participants() -> None:
    fields = dict(_parse(COD).fields)
    assert fields["committee_lead"] == "LIBE"
    assert fields["committees_opinion"] == "AFET, BUDG"
    assert fields["rapporteur"] == "person/197829"


def test_joint_debate_keeps_only_this_files_document() -> None:
    # The 2024-04-10 debate links 20 reports of the joint debate; only A-8-2017-0212 is this file's.
    record = _parse(COD)
    debate = _events(record, "PLENARY_DEBATE")[0]
    assert (debate.date, debate.reference) == ("2024-04-10", "A8-0212/2017")
    references = {document.reference for document in record.documents}
    assert "A9-2023-0149" not in references and "A9-0149/2023" not in references


def test_committee_documents_are_named_by_pe_number() -> None:
    documents = {d.reference: d for d in _parse(REG).documents}
    draft = documents["PE759.748"]  # AFCO-PR-759748, as OEIL lists it
    assert (draft.title, draft.date, draft.kind) == (
        "Committee draft report (AFCO)",
        "2024-02-29",
        "PR",
    )
    assert draft.url == "https://www.europarl.europa.eu/doceo/document/AFCO-PR-759748_EN.html"


def test_rules_of_procedure_file_facts() -> None:
    record = _parse(REG)
    assert record.key == "EU:2024/2006(REG)"
    assert record.stage == "Procedure completed"  # Parliament alone decides a REG file
    done = [e for e in record.events if not e.forecast]
    assert (done[-1].date, done[-1].kind) == ("2024-04-24", "PLENARY_VOTE_RESULTS")
    # One decision of that day comes without an activity type: kept, titled from its TA text.
    untyped = [e for e in done if not e.kind]
    assert [(e.date, e.title, e.reference) for e in untyped] == [
        ("2024-04-24", "Decision by Parliament", "T9-0315/2024")
    ]


def test_compact_shape_facts() -> None:
    record = _parse(RSP)
    assert (record.key, record.title) == ("EU:2024/2511(RSP)", "State of emergency in Ecuador")
    debate, scheduled = record.events
    assert (debate.date, debate.kind, debate.forecast) == ("2024-01-16", "PLENARY_DEBATE", False)
    assert (scheduled.forecast, scheduled.details) == (True, "agenda point D-101")
    assert record.stage == "Awaiting Parliament's vote"


def test_events_sorted_by_date_ties_in_source_order() -> None:
    record = _parse(COD)
    dates = [event.date for event in record.events]
    assert dates == sorted(dates)
    same_day = [e.kind for e in record.events if e.date == "2024-04-10" and not e.forecast]
    assert same_day == [
        "PLENARY_VOTE",
        "PLENARY_AMEND_PROPOSAL",
        "PLENARY_VOTE_RESULTS",
        "PLENARY_DEBATE",
    ]


def test_activity_order_does_not_change_stage_or_documents() -> None:
    data = _capture_json(COD)
    random.Random(7).shuffle(data["data"][0]["consists_of"])
    shuffled, original = _parse_json(data), _parse(COD)
    assert shuffled.stage == original.stage
    assert shuffled.documents == original.documents
    assert sorted(shuffled.events, key=repr) == sorted(original.events, key=repr)


def test_flattened_graph_resolves_activities_by_id() -> None:
    # A flattened JSON-LD graph names the activities by id and lists them beside the process.
    data = _capture_json(RSP)
    process = data["data"][0]
    activities = process.pop("consists_of")
    process["consists_of"] = [activity["id"] for activity in activities]
    data["data"].extend(activities)
    assert _parse_json(data, URLS[RSP]) == _parse(RSP)


def test_type_from_label_and_byte_order_mark() -> None:
    # Without process_type the label's (COD) decides who acts after the vote.
    data = _capture_json(COD)
    process = data["data"][0]
    del process["process_type"]
    process["consists_of"] = [
        a
        for a in process["consists_of"]
        if not a["activity_id"].startswith(("2016-0132-SIGN", "2016-0132-PUB"))
    ]
    body = codecs.BOM_UTF8 + json.dumps(data).encode("utf-8")
    record = eu_ep_api.parse([Response(url=URLS[COD], body=body)], {})
    assert dict(record.fields)["procedure_type"] == "COD"
    assert record.stage == "Awaiting Council's 1st reading position"


# --- list and feed -----------------------------------------------------------------------


def test_procedures_list_items() -> None:
    record = _parse(LIST)
    assert record.kind == "procedure_list"
    assert [item.id for item in record.items] == [
        "2024/2511(RSP)",
        "2024/2516(RSP)",
        "2023/3044(DEA)",
    ]
    assert record.items[2].link == f"{API}/procedures/2023-3044?format=application%2Fld%2Bjson"


def test_feed_in_the_list_shape() -> None:
    # Should the feed ever answer JSON-LD (the API documents Atom only), it reads as a list.
    data = {"data": [{"id": "eli/dl/proc/2022-0155", "type": "Process", "process_id": "2022-0155"}]}
    record = _parse_json(data, f"{API}/procedures/feed?timeframe=one-week")
    assert record.title == "EP procedures changed (one-week)"
    (item,) = record.items
    assert (item.id, item.title) == ("2022-0155", "2022-0155")
    assert item.link == f"{API}/procedures/2022-0155?format=application%2Fld%2Bjson"


def test_empty_feed_is_an_empty_list() -> None:
    record = _parse_json({"data": []}, f"{API}/procedures/feed?timeframe=one-week")
    assert (record.kind, record.items) == ("procedure_list", ())


FEED = "schema-built_procedures-feed_one-week.xml"  # built to the OpenAPI atom-xml schema
FEED_URL = f"{API}/procedures/feed?timeframe=one-week"


def test_atom_feed_names_the_procedures_changed_recently() -> None:
    record = eu_ep_api.parse([capture(SLUG, FEED, FEED_URL)], {})
    assert (record.kind, record.title) == ("procedure_list", "EP procedures changed (one-week)")
    first, second = record.items
    assert (first.id, first.updated) == ("2022/0155(COD)", "2026-10-01T11:22:01.291000")
    assert first.title == "Regulation laying down rules to prevent and combat child sexual abuse"
    assert first.link == eu_ep_api.url_for("2022/0155(COD)")
    assert second.id == "2024/2511(RSP)"


def test_atom_feed_entries_in_another_order_give_the_same_record() -> None:
    body = capture(SLUG, FEED, FEED_URL).body.decode()
    head, first, second = body.split("<entry>")
    tail = second.split("</feed>")[0]
    swapped = f"{head}<entry>{tail}<entry>{first.rstrip()}\n</feed>\n"
    record = eu_ep_api.parse([Response(FEED_URL, swapped.encode())], {})
    assert record == eu_ep_api.parse([capture(SLUG, FEED, FEED_URL)], {})


def test_a_204_from_the_feed_is_an_empty_list() -> None:
    record = eu_ep_api.parse([Response(FEED_URL, b"", status=204)], {})
    assert (record.kind, record.items) == ("procedure_list", ())


def test_a_202_from_the_feed_is_blocked() -> None:
    with pytest.raises(Blocked):
        eu_ep_api.parse([Response(FEED_URL, b"", status=202)], {})


# --- an EP document is no procedure ------------------------------------------------------

DOCUMENT = "schema-built_documents_A-9-2023-0364.json"  # built to the OpenAPI JSON-LD shape
DOCUMENT_URL = f"{API}/documents/A-9-2023-0364?format=application%2Fld%2Bjson"


def test_documents_answer_is_refused_clearly() -> None:
    with pytest.raises(
        ParseError, match=r"EP Open Data document \(/documents/…\), not a procedure"
    ):
        eu_ep_api.parse([capture(SLUG, DOCUMENT, DOCUMENT_URL)], {})


def test_documents_answer_under_another_address_is_no_procedure_list_either() -> None:
    # The same body served where a list is expected: a Work is not a procedure.
    body = capture(SLUG, DOCUMENT, DOCUMENT_URL).body
    with pytest.raises(ParseError, match="is a Work, not a procedure"):
        eu_ep_api.parse([Response(f"{API}/procedures?limit=1", body)], {})


def test_documents_url_is_refused_when_the_source_is_saved() -> None:
    with pytest.raises(ConfigError, match="not a procedure"):
        eu_ep_api.requests(Target(url=DOCUMENT_URL))


# --- plenary sitting ---------------------------------------------------------------------


def test_meeting_facts() -> None:
    record = _parse(MEETING)
    assert (record.kind, record.title) == ("meeting", "Tuesday, 16 July 2024")
    minutes = [e for e in record.events if not e.forecast]
    assert len(minutes) == 22
    assert (
        minutes[0].title
        == "1. Opening of the sitting (first sitting of the newly elected Parliament)"
    )
    assert minutes[0].reference == "PV-10-2024-07-16-ITM-1"
    assert minutes[-1].title == "22. Closure of the sitting"
    agenda = [e.details for e in record.events if e.forecast]
    assert agenda[:3] == ["agenda point D_1", "agenda point D_21", "agenda point D_22"]
    assert dict(record.fields)["attendees"] == "690"


def test_meeting_item_without_english_label_keeps_another_language() -> None:
    # Item 21 is labelled in bg, ga, hr and ro only.
    item = _parse(MEETING).events[20]
    assert item.title == "21. Дневен ред на следващото заседание"


# --- stage derivation --------------------------------------------------------------------


def _event(date: str, kind: str, *, forecast: bool = False) -> Event:
    return Event(date=date, title=kind, kind=kind, forecast=forecast)


@pytest.mark.parametrize(
    ("kinds", "procedure_type", "stage"),
    [
        (["REFERRAL"], "COD", "Awaiting committee decision"),
        (
            ["REFERRAL", "COMMITTEE_ADOPTING_REPORT"],
            "COD",
            "Awaiting Parliament's position in 1st reading",
        ),
        (["REFERRAL", "PLENARY_VOTE"], "COD", "Awaiting Council's 1st reading position"),
        (["PLENARY_VOTE"], "NLE", "Awaiting final decision"),
        (["PLENARY_VOTE"], "INI", "Procedure completed"),
        (
            ["PLENARY_VOTE", "SIGNATURE"],
            "COD",
            "Procedure completed, awaiting publication in Official Journal",
        ),
        (
            ["PLENARY_VOTE", "SIGNATURE", "PUBLICATION_OFFICIAL_JOURNAL"],
            "COD",
            "Procedure completed",
        ),
        (["PLENARY_ACTIVITY"], "COD", ""),
    ],
)
def test_stage_after_the_latest_activity(kinds: list[str], procedure_type: str, stage: str) -> None:
    events = [_event(f"2024-0{n + 1}-01", kind) for n, kind in enumerate(kinds)]
    assert eu_ep_api.derive_stage(events, procedure_type) == stage


def test_same_day_debate_does_not_undo_the_vote() -> None:
    events = [_event("2024-04-10", "PLENARY_VOTE"), _event("2024-04-10", "PLENARY_DEBATE")]
    assert eu_ep_api.derive_stage(events, "COD") == "Awaiting Council's 1st reading position"


def test_forecasts_do_not_set_the_stage() -> None:
    events = [_event("2024-01-01", "REFERRAL"), _event("2024-05-01", "PLENARY_VOTE", forecast=True)]
    assert eu_ep_api.derive_stage(events, "COD") == "Awaiting committee decision"


# --- broken responses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"title": "Not Found", "status": 404}', "API error: Not Found"),
        (b'{"meta": {}}', "no `data` list"),
        (b'{"data": []}', "no procedure"),
        (b'{"data": [{"type": "Process", "consists_of": []}]}', "without a reference"),
        (b"<html><body>Service unavailable</body></html>", "not an RDF/XML document"),
        (b"<rdf:RDF", "not XML"),
    ],
)
def test_parse_errors_name_what_is_missing(body: bytes, what: str) -> None:
    with pytest.raises(ParseError, match=what) as caught:
        eu_ep_api.parse([Response(url=URLS[COD], body=body)], {})
    assert caught.value.kind == SLUG


def test_list_entry_without_any_id_is_an_error() -> None:
    with pytest.raises(ParseError, match="without a process id"):
        _parse_json({"data": [{"type": "Process"}]}, URLS[LIST])


def test_no_response_is_an_error() -> None:
    with pytest.raises(ParseError, match="no response"):
        eu_ep_api.parse([], {})


def test_an_empty_answer_to_a_procedure_is_a_wall_not_a_parse_error() -> None:
    # The API never answers a procedure with nothing: an empty 200 or 202 is the WAF's.
    for status in (200, 202):
        with pytest.raises(Blocked):
            eu_ep_api.parse([Response(url=URLS[COD], body=b"", status=status)], {})
    with pytest.raises(ParseError, match="no response with a body"):
        eu_ep_api.parse([Response(url=URLS[COD], body=b"", status=204)], {})


# --- requests ----------------------------------------------------------------------------


def test_url_for_reference() -> None:
    want = f"{API}/procedures/2022-0155?format=application%2Fld%2Bjson"
    assert eu_ep_api.url_for("2022/0155(COD)") == want
    assert eu_ep_api.url_for("2022/155 (COD)") == want
    assert eu_ep_api.url_for("2022-0155") == want


def test_url_for_rejects_what_is_no_reference() -> None:
    with pytest.raises(ConfigError):
        eu_ep_api.url_for("child sexual abuse")


def test_requests_from_param_oeil_url_or_api_url() -> None:
    want = f"{API}/procedures/2022-0155?format=application%2Fld%2Bjson"
    (by_param,) = eu_ep_api.requests(Target(url="", params={"reference": "2022/0155(COD)"}))
    oeil = "https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file?reference=2022/0155(COD)"
    (by_page,) = eu_ep_api.requests(Target(url=oeil))
    assert by_param.url == by_page.url == want
    assert by_param.headers == (("Accept", "application/ld+json"),)
    (meeting,) = eu_ep_api.requests(Target(url=URLS[MEETING]))
    assert (meeting.url, meeting.headers) == (URLS[MEETING], (("Accept", "application/rdf+xml"),))


def test_module_contract() -> None:
    assert eu_ep_api.__doc__ and eu_ep_api.__doc__.strip().splitlines()[0]
    assert eu_ep_api.URL_HELP and set(eu_ep_api.PARAMS) == {"reference"}
