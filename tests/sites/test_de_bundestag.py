"""Bundestag DIP API, read from responses BUILT to the published schema (no real capture exists).

The files in tests/fixtures/de_bundestag are named `schema-built_*` and its README says how they
were made; every test that reads them is named `test_schema_built_…`. Tests of the key and of
the request URLs need no response at all.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from crawlers.sites import de_bundestag
from tests.helpers import capture, expected
from vocab.errors import ConfigError, MissingKey, ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Record, record_to_json

SLUG = "de_bundestag"
API = "https://search.dip.bundestag.de/api/v1/"
KEY = {"dip_api_key": "test-key-123"}
AUTH = (("Authorization", "ApiKey test-key-123"),)
POSITIONS = f"{API}vorgangsposition?f.vorgang=290001"
CURSOR_1 = "AoJwgJjC0YIDNlZvcmdhbmdzcG9zaXRpb24tNjEyMDAy"
CURSOR_2 = "AoJwgJjC0YIDNlZvcmdhbmdzcG9zaXRpb24tNjEyMDAz"
LIST = "schema-built_vorgang_f.titel-Missbrauchs.json"
LIST_URL = f"{API}vorgang?f.titel=sexuellen%20Missbrauchs"
DRUCKSACHEN = f"{API}drucksache?f.id=264001&f.id=264002"


def _as_json(record: Record) -> dict:
    """The record as the expected files hold it: JSON, so tuples read as lists."""
    return json.loads(json.dumps(record_to_json(record)))


def _vorgang_responses() -> list[Response]:
    """What requests(vorgang=290001) and its follow-ups would have fetched, all schema-built."""
    return [
        capture(SLUG, "schema-built_vorgang_290001.json", f"{API}vorgang/290001"),
        capture(SLUG, "schema-built_vorgangsposition_f.vorgang-290001_page1.json", POSITIONS),
        capture(
            SLUG,
            "schema-built_vorgangsposition_f.vorgang-290001_page2.json",
            f"{POSITIONS}&cursor={CURSOR_1}",
        ),
        capture(
            SLUG,
            "schema-built_vorgangsposition_f.vorgang-290001_page3-end.json",
            f"{POSITIONS}&cursor={CURSOR_2}",
        ),
        capture(SLUG, "schema-built_drucksache_f.id-264001-264002.json", DRUCKSACHEN),
    ]


def _vorgang_data() -> dict[str, Any]:
    return json.loads(_vorgang_responses()[0].body)


def _json_response(data: Any, url: str = f"{API}vorgang/290001") -> Response:
    return Response(url=url, body=json.dumps(data).encode())


# --- the key ----------------------------------------------------------------------------------


@pytest.mark.parametrize("secrets", [{}, {"dip_api_key": ""}, {"dip_api_key": "  "}])
def test_requests_without_a_key_raise_missing_key(secrets: dict[str, str]) -> None:
    with pytest.raises(MissingKey) as raised:
        de_bundestag.requests(Target(url="", params={"vorgang": "290001"}, secrets=secrets))
    assert str(raised.value) == (
        "the Bundestag DIP API needs a key: set LEXWATCH_DIP_API_KEY "
        "(get one free at https://dip.bundestag.de/über-dip/hilfe/api)"
    )
    assert raised.value.health == "skipped"


def test_requests_for_a_vorgang_carry_the_key_in_the_header_only() -> None:
    requests = de_bundestag.requests(Target(url="", params={"vorgang": "290001"}, secrets=KEY))
    assert requests == [
        Request(f"{API}vorgang/290001", AUTH, role="vorgang"),
        Request(POSITIONS, AUTH, role="positions"),
    ]
    assert all("test-key" not in request.url for request in requests)


# --- request URLs -------------------------------------------------------------------------------


def _url(**params: str) -> str:
    return de_bundestag.requests(Target(url="", params=params, secrets=KEY))[0].url


def test_requests_for_a_commission_document_ask_by_words_since_dip_has_no_kom_filter() -> None:
    url = _url(kom="COM(2022) 209", query="sexuellen Missbrauchs von Kindern")
    assert url == f"{API}vorgang?f.titel=sexuellen%20Missbrauchs%20von%20Kindern"
    assert _url(kom="COM(2022) 209", deskriptor="Sexueller Missbrauch von Kindern") == (
        f"{API}vorgang?f.deskriptor=Sexueller%20Missbrauch%20von%20Kindern"
    )
    with pytest.raises(ConfigError, match="cannot search by Commission document"):
        _url(kom="COM(2022) 209")


def test_requests_for_words_and_since() -> None:
    assert _url(query="sexuellen Missbrauchs", since="2024-10-01") == (
        f"{API}vorgang?f.titel=sexuellen%20Missbrauchs&f.aktualisiert.start=2024-10-01T00:00:00"
    )
    assert _url(drucksache="20/2185") == f"{API}drucksache?f.dokumentnummer=20/2185"


def test_requests_without_parameters_use_the_url_with_the_key() -> None:
    target = Target(url=f"{API}vorgang?f.wahlperiode=20", secrets=KEY)
    assert de_bundestag.requests(target) == [Request(f"{API}vorgang?f.wahlperiode=20", AUTH)]


@pytest.mark.parametrize(
    "params", [{}, {"vorgang": "abc"}, {"kom": "Chatkontrolle"}, {"since": "soon"}]
)
def test_requests_with_wrong_or_no_parameters_are_config_errors(params: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        de_bundestag.requests(Target(url="", params=params, secrets=KEY))


# --- cursor paging --------------------------------------------------------------------------------


def test_schema_built_cursor_paging_follows_until_the_cursor_stops_changing() -> None:
    target = Target(url="", params={"vorgang": "290001"}, secrets=KEY)
    first, second, last = _vorgang_responses()[1:4]
    assert de_bundestag.follow(first, target) == [
        Request(DRUCKSACHEN, AUTH, role="drucksachen"),  # the papers page 1's steps cite
        Request(f"{POSITIONS}&cursor={CURSOR_1}", AUTH, role="main"),
    ]
    # Page 2's step cites a Plenarprotokoll, no Drucksache: only the next page.
    assert de_bundestag.follow(second, target) == [
        Request(f"{POSITIONS}&cursor={CURSOR_2}", AUTH, role="main")
    ]
    # Asked with CURSOR_2, DIP answers CURSOR_2 again: the end.
    assert de_bundestag.follow(last, target) == []


def test_schema_built_page_with_documents_but_the_same_cursor_stops() -> None:
    page = json.loads(_vorgang_responses()[2].body)  # page 2, whose cursor is CURSOR_2
    response = _json_response(page, f"{POSITIONS}&cursor={CURSOR_2}")
    assert de_bundestag.follow(response, Target(url="", secrets=KEY)) == []


def test_schema_built_follow_replaces_the_cursor_and_keeps_the_query() -> None:
    url = f"{LIST_URL}&cursor=OLD"
    response = _json_response(json.loads(capture(SLUG, LIST, url).body), url)
    [request] = de_bundestag.follow(response, Target(url="", secrets=KEY))
    assert request.url == f"{LIST_URL}&cursor=AoJwgKDB0YIDMlZvcmdhbmctMzEwNTU1"


def test_schema_built_detail_response_is_not_followed() -> None:
    assert de_bundestag.follow(_vorgang_responses()[0], Target(url="", secrets=KEY)) == []


# --- the Vorgang record -----------------------------------------------------------------------------


def test_schema_built_vorgang_matches_expected_json() -> None:
    record = de_bundestag.parse(_vorgang_responses(), {})
    assert _as_json(record) == expected(SLUG, "schema-built_vorgang_290001.expected.json")


def test_schema_built_vorgang_normalises_kom_and_ratsdok() -> None:
    identifiers = de_bundestag.parse(_vorgang_responses()[:1], {}).identifiers
    # "kom": "KOM(2022) 209 endg.", "ratsdok": "9068/22"
    assert ("com", "COM(2022) 209") in identifiers
    assert ("council", "ST 9068/22") in identifiers
    assert ("de_vorgang", "290001") in identifiers


def test_schema_built_responses_in_another_order_give_the_same_record() -> None:
    responses = _vorgang_responses()
    assert de_bundestag.parse(responses[::-1], {}) == de_bundestag.parse(responses, {})


def test_schema_built_positions_of_another_vorgang_are_left_out() -> None:
    page = json.loads(_vorgang_responses()[1].body)
    page["documents"][0]["vorgang_id"] = "999999"
    responses = [_vorgang_responses()[0], _json_response(page, POSITIONS)]
    events = de_bundestag.parse(responses, {}).events
    assert [event.reference for event in events] == ["BT-Drs. 20/2185"]


def test_schema_built_promulgation_and_entry_into_force_become_events() -> None:
    data = _vorgang_data()
    data["verkuendung"] = [
        {
            "verkuendungsdatum": "2024-05-10",
            "ausfertigungsdatum": "2024-05-08",
            "fundstelle": "BGBl. 2024 I Nr. 150",
            "pdf_url": "https://www.recht.bund.de/bgbl/1/2024/150/VO.html",
            "verkuendungsblatt_kuerzel": "BGBl I",
            "jahrgang": "2024",
            "seite": "",
            "einleitungstext": "",
        }
    ]
    data["inkrafttreten"] = [{"datum": "2024-05-11", "erlaeuterung": "Art. 3"}]
    events = de_bundestag.parse([_json_response(data)], {}).events
    assert [(e.date, e.title, e.reference, e.source, e.details) for e in events] == [
        ("2024-05-10", "Verkündung", "BGBl. 2024 I Nr. 150", "BGBl I", ""),
        ("2024-05-11", "Inkrafttreten", "", "", "Art. 3"),
    ]


def _drucksachen_with(extra: dict[str, Any]) -> Response:
    page = json.loads(_vorgang_responses()[4].body)
    page["documents"].append(extra)
    return _json_response(page, DRUCKSACHEN)


def _other_paper(**changes: Any) -> dict[str, Any]:
    """Drucksache 264002 of the schema-built answer as another paper: new id and number."""
    paper = json.loads(_vorgang_responses()[4].body)["documents"][1]
    return {**paper, "id": "264999", "dokumentnummer": "20/9999", **changes}


def test_schema_built_a_paper_not_tied_to_the_vorgang_is_left_out() -> None:
    # Were DIP to ignore a filter, unrelated papers would come back: only tied ones count.
    unrelated = _other_paper(vorgangsbezug=[{"id": "123456", "titel": "x", "vorgangstyp": "y"}])
    responses = [*_vorgang_responses()[:4], _drucksachen_with(unrelated)]
    references = [d.reference for d in de_bundestag.parse(responses, {}).documents]
    assert "BT-Drs. 20/9999" not in references
    assert references == [
        d.reference for d in de_bundestag.parse(_vorgang_responses(), {}).documents
    ]


def test_schema_built_a_paper_whose_vorgang_list_is_cut_is_kept_when_a_step_cites_it() -> None:
    # DIP lists at most four Vorgänge in vorgangsbezug; a step of ours citing the paper ties it.
    cut = _other_paper(
        id="264002",
        vorgangsbezug_anzahl=6,
        vorgangsbezug=[{"id": str(n), "titel": "x", "vorgangstyp": "y"} for n in range(4)],
    )
    page = json.loads(_vorgang_responses()[4].body)
    page["documents"][1] = cut
    responses = [*_vorgang_responses()[:4], _json_response(page, DRUCKSACHEN)]
    references = [d.reference for d in de_bundestag.parse(responses, {}).documents]
    assert "BT-Drs. 20/9999" in references  # 264002 is the fundstelle of step 612002


def test_schema_built_vote_result_of_a_decision_is_read() -> None:
    # Beschlussfassung.abstimm_ergebnis_bemerkung: the result where DIP gives one.
    page = json.loads(_vorgang_responses()[2].body)
    page["documents"][0]["beschlussfassung"][0]["abstimm_ergebnis_bemerkung"] = "einstimmig"
    responses = [_vorgang_responses()[0], _json_response(page, f"{POSITIONS}&cursor={CURSOR_1}")]
    (event,) = de_bundestag.parse(responses, {}).events
    assert "Beschluss: Stellungnahme (210/22(B), Handzeichen, einstimmig)" in event.details


@pytest.mark.parametrize("kom", ["COM(2022) 209", "KOM(2022) 209 endg.", "COM/2022/0209"])
def test_schema_built_kom_keeps_the_listed_vorgaenge_of_that_commission_document(kom: str) -> None:
    record = de_bundestag.parse([capture(SLUG, LIST, LIST_URL)], {"kom": kom})
    assert [item.id for item in record.items] == ["290001"]  # not 310555, COM(2024) 60


def test_schema_built_kom_as_dip_writes_it_without_the_prefix_is_recognised() -> None:
    # The OpenAPI's example of a Vorgang's kom field: "(2017) 600 endg."
    page = json.loads(capture(SLUG, LIST, LIST_URL).body)
    page["documents"][0]["kom"] = "(2022) 209 endg."
    record = de_bundestag.parse([_json_response(page, LIST_URL)], {"kom": "COM(2022) 209"})
    assert [item.id for item in record.items] == ["290001"]
    data = dict(_vorgang_data(), kom="(2022) 209 endg.")
    assert ("com", "COM(2022) 209") in de_bundestag.parse([_json_response(data)], {}).identifiers


@pytest.mark.parametrize("missing", ["id", "titel"])
def test_schema_built_vorgang_without_essentials_is_a_parse_error(missing: str) -> None:
    data = _vorgang_data()
    del data[missing]
    with pytest.raises(ParseError, match=f"Vorgang without {missing}"):
        de_bundestag.parse([_json_response(data)], {})


def test_error_answer_and_non_json_are_parse_errors() -> None:
    error = _json_response({"code": 401, "message": "Unauthorized"})
    with pytest.raises(ParseError, match="neither a DIP entity nor a DIP list"):
        de_bundestag.parse([error], {})
    with pytest.raises(ParseError, match="not a JSON object"):
        de_bundestag.parse([Response(url=f"{API}vorgang/1", body=b"<html>")], {})


# --- lists ---------------------------------------------------------------------------------------------


def test_schema_built_vorgang_list_matches_expected_json() -> None:
    record = de_bundestag.parse([capture(SLUG, LIST, LIST_URL)], {})
    assert _as_json(record) == expected(
        SLUG, "schema-built_vorgang_f.titel-Missbrauchs.expected.json"
    )


def test_schema_built_drucksache_list_gives_items_by_reference() -> None:
    url = DRUCKSACHEN
    record = de_bundestag.parse([_vorgang_responses()[4]], {})
    assert (record.kind, record.url) == ("drucksache_list", url)
    assert [(i.id, i.summary, i.published) for i in record.items] == [
        ("BR-Drs. 210/22", "EU-Vorlage", "2022-05-20"),
        ("BT-Drs. 20/2185", "Unterrichtung", "2022-06-10"),
    ]


def test_schema_built_empty_list_takes_its_kind_from_the_url() -> None:
    response = _json_response(
        {"numFound": 0, "documents": [], "cursor": "x"}, f"{API}drucksache?f.dokumentnummer=1/1"
    )
    record = de_bundestag.parse([response], {})
    assert (record.kind, record.items) == ("drucksache_list", ())


def test_module_documents_itself() -> None:
    doc = de_bundestag.__doc__ or ""
    assert doc.splitlines()[0].startswith("Bundestag and Bundesrat files from the DIP API")
    for field in ("beratungsstand", "kom", "ratsdok", "fundstelle", "vorgang_id", "cursor"):
        assert f"`{field}" in doc
    assert set(de_bundestag.PARAMS) == {
        "vorgang",
        "kom",
        "query",
        "deskriptor",
        "drucksache",
        "since",
    }
