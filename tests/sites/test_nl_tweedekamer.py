"""Tweede Kamer open data, read from real captures (tests/fixtures/nl_tweedekamer).

Where a test needs a state no capture shows (a Besluit with votes, a query list, a missing
field) it builds it from the real capture in the test and says so in its name. The SyncFeed
has no capture at all: its test builds a minimal Atom document and says so.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from crawlers.sites import nl_tweedekamer
from tests.helpers import capture, expected
from vocab.errors import ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Record, record_to_json

SLUG = "nl_tweedekamer"
ODATA = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/"
ZAAK = "zaak_2024Z15447_expand-Document.json"
ZAAK_URL = f"{ODATA}Zaak(efa2fc06-c058-42a7-9f12-94b21526a197)?$expand=Document"
MOTIONS = {
    "motie_32317-891_Kathmann_CSAM-detectiebevel.xml": "9bb5279f-1eb4-44b2-ab3d-68456f3b1766",
    "motie_32317-892_VanHouwelingen_CSAM-tegen.xml": "0466db76-f7dd-42b7-a5f5-18ca422b7532",
    "motie_21501-33-1152_Ceder_CSAM-compromis.xml": "810648f1-bc8e-438f-9de7-5face5273fc1",
}
KATHMANN = "motie_32317-891_Kathmann_CSAM-detectiebevel.xml"


def _as_json(record: Record) -> dict:
    """The record as the expected files hold it: JSON, so tuples read as lists."""
    return json.loads(json.dumps(record_to_json(record)))


def _motion_url(name: str) -> str:
    return f"{ODATA}DocumentPublicatie({MOTIONS[name]})/Resource"


def _zaak_data() -> dict[str, Any]:
    return json.loads(capture(SLUG, ZAAK, ZAAK_URL).body)


def _json_response(data: Any, url: str = ZAAK_URL) -> Response:
    return Response(url=url, body=json.dumps(data).encode())


def _motion_variant(name: str, old: str, new: str) -> Response:
    """The real motion XML with one piece of text replaced (the capture itself is untouched)."""
    body = capture(SLUG, name, _motion_url(name)).body.decode()
    assert old in body
    return Response(url=_motion_url(name), body=body.replace(old, new, 1).encode())


# --- the captures ---------------------------------------------------------------------------


def test_zaak_capture_matches_expected_json() -> None:
    record = nl_tweedekamer.parse([capture(SLUG, ZAAK, ZAAK_URL)], {})
    assert _as_json(record) == expected(SLUG, "zaak_2024Z15447_expand-Document.expected.json")


@pytest.mark.parametrize("name", sorted(MOTIONS))
def test_motion_capture_matches_expected_json(name: str) -> None:
    record = nl_tweedekamer.parse([capture(SLUG, name, _motion_url(name))], {})
    assert _as_json(record) == expected(SLUG, name.replace(".xml", ".expected.json"))


def test_kathmann_motion_keeps_its_eight_signatures_and_the_request_paragraphs() -> None:
    record = nl_tweedekamer.parse([capture(SLUG, KATHMANN, _motion_url(KATHMANN))], {})
    fields = dict(record.fields)
    assert fields["submitters"].split("; ") == [
        "Kathmann",
        "Six Dijkstra",
        "Helder",
        "Van der Werf",
        "Van Nispen",
        "Koekkoek",
        "Teunissen",
        "Ergin",
    ]
    lines = record.text.splitlines()
    assert sum(line.startswith("verzoekt de regering") for line in lines) == 3
    assert "CSAM-verordening" in record.text  # what a Watch on the word will match
    assert record.events[0].date == "2024-10-09"  # <datum isodatum="2024-10-09">


def test_ceder_motion_reads_dossier_with_raadnummer() -> None:
    name = "motie_21501-33-1152_Ceder_CSAM-compromis.xml"
    record = nl_tweedekamer.parse([capture(SLUG, name, _motion_url(name))], {})
    # <dossiernr>21 501</dossiernr>-<raadnr>33</raadnr>
    assert record.key == "NL:kst-21501-33-1152"
    assert ("nl_dossier", "21501-33") in record.identifiers


# --- motions built from the real captures ---------------------------------------------------


def test_motion_citing_com_number_built_from_capture_keeps_it() -> None:
    old = "de Europese CSAM-verordening"
    response = _motion_variant(KATHMANN, old, "de Europese CSAM-verordening (COM(2022) 209 final)")
    record = nl_tweedekamer.parse([response], {})
    assert ("com", "COM(2022) 209") in record.identifiers
    assert ("nl_kamerstuk", "32317-891") in record.identifiers


def test_motion_without_ondernummer_built_from_capture_is_a_parse_error() -> None:
    response = _motion_variant(KATHMANN, '<ondernummer kamer="2">891</ondernummer>', "")
    with pytest.raises(ParseError, match="ondernummer"):
        nl_tweedekamer.parse([response], {})


def test_motion_without_dossiernummer_built_from_capture_is_a_parse_error() -> None:
    response = _motion_variant(KATHMANN, "<dossiernr>32 317</dossiernr>", "")
    with pytest.raises(ParseError, match="dossiernummer"):
        nl_tweedekamer.parse([response], {})


def test_ceder_motion_without_body_dossier_built_from_capture_uses_the_metadata() -> None:
    name = "motie_21501-33-1152_Ceder_CSAM-compromis.xml"
    old = "<dossiernr>21 501</dossiernr>-<raadnr>33</raadnr>"
    record = nl_tweedekamer.parse([_motion_variant(name, old, "")], {})
    assert record.key == "NL:kst-21501-33-1152"  # OVERHEIDop.dossiernummer "21501-33"


# --- Zaken built from the real capture --------------------------------------------------------


def test_zaak_in_a_value_list_built_from_capture_gives_the_same_record() -> None:
    # What `requests(zaak=...)` really gets: the entity inside an OData value list.
    data = {"@odata.context": f"{ODATA}$metadata#Zaak(Document())", "value": [_zaak_data()]}
    url = nl_tweedekamer.requests(Target(url="", params={"zaak": "2024Z15447"}))[0].url
    record = nl_tweedekamer.parse([_json_response(data, url)], {})
    assert record == nl_tweedekamer.parse([capture(SLUG, ZAAK, ZAAK_URL)], {})


@pytest.mark.parametrize("quote", ["'", "%27"])
def test_a_query_by_nummer_is_one_zaak_however_its_quotes_are_written(quote: str) -> None:
    # A source URL typed or pasted with its quotes percent-encoded asks for the same Zaak.
    data = {"@odata.context": f"{ODATA}$metadata#Zaak(Document())", "value": [_zaak_data()]}
    url = f"{ODATA}Zaak?$filter=Nummer%20eq%20{quote}2024Z15447{quote}&$expand=Document"
    record = nl_tweedekamer.parse([_json_response(data, url)], {})
    assert record == nl_tweedekamer.parse([capture(SLUG, ZAAK, ZAAK_URL)], {})


def _with_vote() -> dict[str, Any]:
    """The real Zaak with a Besluit (votes per party) and its dossier expanded, as the
    $metadata names them; the votes themselves are invented for the test."""
    data = _zaak_data()
    data["Kamerstukdossier"] = [{"Nummer": 32317, "Toevoeging": None, "Verwijderd": False}]
    votes = [
        {"Soort": "Voor", "FractieGrootte": 37, "ActorFractie": "PVV", "Verwijderd": False},
        {"Soort": "Tegen", "FractieGrootte": 24, "ActorFractie": "VVD", "Verwijderd": False},
        {"Soort": "Tegen", "FractieGrootte": 9, "ActorFractie": "D66", "Verwijderd": False},
        {"Soort": "Voor", "FractieGrootte": 3, "ActorFractie": "FVD", "Vergissing": True},
        {"Soort": "Tegen", "FractieGrootte": 1, "ActorFractie": "XYZ", "Verwijderd": True},
    ]
    data["Besluit"] = [
        {
            "Id": "b-2",
            "BesluitSoort": "Stemmen - verworpen",
            "BesluitTekst": "Verworpen.",
            "StemmingsSoort": "Met handopsteken",
            "Verwijderd": False,
            "Agendapunt": {
                "Aanvangstijd": None,
                "Activiteit": {"Datum": "2024-10-15T00:00:00+02:00"},
            },
            "Stemming": votes,
        },
        {
            "Id": "b-1",
            "BesluitSoort": "Ingediend",
            "BesluitTekst": "Ingediend.",
            "Verwijderd": False,
        },
        {"Id": "b-0", "BesluitSoort": "Stemmen - aangenomen", "Verwijderd": True},
    ]
    return data


def test_zaak_with_besluit_and_stemming_built_from_capture() -> None:
    record = nl_tweedekamer.parse([_json_response(_with_vote())], {})
    assert record.stage == "verworpen"  # the deleted "aangenomen" Besluit is left out
    vote = next(e for e in record.events if e.kind == "Stemmen - verworpen")
    assert (vote.date, vote.title, vote.source) == ("2024-10-15", "Verworpen", "Tweede Kamer")
    assert vote.details == (
        "Met handopsteken; Voor: FVD (3) (vergissing), PVV (37); Tegen: D66 (9), VVD (24)"
    )
    undated = next(e for e in record.events if e.kind == "Ingediend")
    assert undated.date is None and record.events[-1] == undated  # undated events go last
    assert ("nl_dossier", "32317") in record.identifiers
    assert ("nl_kamerstuk", "32317-892") in record.identifiers  # dossier + Volgnummer 892


def test_zaak_with_roll_call_built_from_capture_lists_members() -> None:
    data = _with_vote()
    data["Besluit"][0]["StemmingsSoort"] = "Hoofdelijk"
    data["Besluit"][0]["Stemming"] = [
        {
            "Soort": "Voor",
            "ActorNaam": "Kathmann, B.C.",
            "ActorFractie": "GroenLinks-PvdA",
            "Persoon_Id": "p-1",
        },
        {"Soort": "Tegen", "ActorNaam": "Ellian, U.", "ActorFractie": "VVD", "Persoon_Id": "p-2"},
    ]
    vote = next(
        e
        for e in nl_tweedekamer.parse([_json_response(data)], {}).events
        if e.kind.startswith("Stemmen")
    )
    assert (
        vote.details
        == "Hoofdelijk; Voor: Kathmann, B.C. (GroenLinks-PvdA); Tegen: Ellian, U. (VVD)"
    )


def test_adopted_without_vote_built_from_capture_reads_as_aangenomen() -> None:
    data = _zaak_data()
    data["Besluit"] = [{"BesluitSoort": "Stemmen - zonder stemming aannemen", "Verwijderd": False}]
    assert nl_tweedekamer.parse([_json_response(data)], {}).stage == "aangenomen"


def test_documents_in_another_order_built_from_capture_give_the_same_record() -> None:
    data = _zaak_data()
    second = dict(data["Document"][0], Id="other", DocumentNummer="2024D37000", Soort="Brief")
    data["Document"].append(second)
    reordered = copy.deepcopy(data)
    reordered["Document"].reverse()
    record = nl_tweedekamer.parse([_json_response(data)], {})
    assert record == nl_tweedekamer.parse([_json_response(reordered)], {})
    assert [d.reference for d in record.documents] == ["2024D37000", "2024D37582"]


def test_zaak_without_nummer_built_from_capture_is_a_parse_error() -> None:
    data = _zaak_data()
    data["Nummer"] = None
    with pytest.raises(ParseError, match="Nummer"):
        nl_tweedekamer.parse([_json_response(data)], {})


def test_zaak_without_any_title_built_from_capture_is_a_parse_error() -> None:
    data = _zaak_data()
    data["Onderwerp"] = data["Titel"] = None
    with pytest.raises(ParseError, match="Onderwerp"):
        nl_tweedekamer.parse([_json_response(data)], {})


# --- a decided Zaak: the real capture with the entities $expand adds (see the README) ----------

DECIDED = "built_zaak_2024Z15447_decided.json"


def _decided() -> Response:
    url = nl_tweedekamer.requests(Target(url="", params={"zaak": "2024Z15447"}))[0].url
    return capture(SLUG, DECIDED, url)


def test_vote_is_dated_by_its_activity_and_linked_to_motion_and_dossier() -> None:
    record = nl_tweedekamer.parse([_decided()], {})
    assert record.stage == "verworpen"  # from the decision, not the record status
    (vote,) = [e for e in record.events if e.kind == "Stemmen - verworpen"]
    assert (vote.date, vote.title) == ("2024-10-15", "Verworpen")  # the Activiteit's Datum
    assert vote.reference == "kst-32317-892"  # the motion: dossier 32317, number 892
    assert vote.url == "https://zoek.officielebekendmakingen.nl/kst-32317-892.html"
    assert vote.details.startswith("Met handopsteken; Voor: BBB (7), FVD (3), PVV (37); Tegen: ")
    assert {("nl_dossier", "32317"), ("nl_kamerstuk", "32317-892")} <= set(record.identifiers)
    assert record.events[-1] == vote  # the vote comes after the motion was filed


def test_zaak_without_decision_has_no_stage_rather_than_its_record_status() -> None:
    record = nl_tweedekamer.parse([capture(SLUG, ZAAK, ZAAK_URL)], {})
    assert record.stage == ""  # Status "Vrijgegeven" only says the record is published
    assert dict(record.fields)["status"] == "Vrijgegeven"


def test_a_dossier_list_carries_the_dated_votes_of_its_zaken() -> None:
    # The shipped dossier and word sources ask for the same expansions as a Zaak.
    url = nl_tweedekamer.requests(Target(url="", params={"dossier": "32317"}))[0].url
    body = capture(SLUG, DECIDED, url).body
    other = json.loads(body)
    other["value"][0] = dict(_zaak_data(), Id="other", Nummer="2024Z15446", Volgnummer=891)
    other["value"][0]["Document"] = []
    pages = [Response(url, body), _json_response(other, f"{url}&$skip=250")]
    record = nl_tweedekamer.parse(pages, {})
    assert record.kind == "zaak_list"
    (vote,) = record.events
    assert (vote.date, vote.title, vote.reference) == (
        "2024-10-15",
        "Motie 32317-892: Verworpen",
        "kst-32317-892",
    )
    decided = next(item for item in record.items if item.id == "2024Z15447")
    assert decided.summary == "Motie — JBZ-Raad — verworpen"
    assert ("nl_kamerstuk", "32317-892") in record.identifiers


def test_a_word_query_that_finds_one_zaak_stays_a_list() -> None:
    url = nl_tweedekamer.requests(Target(url="", params={"query": "CSAM"}))[0].url
    record = nl_tweedekamer.parse([capture(SLUG, DECIDED, url)], {})
    assert record.kind == "zaak_list" and [i.id for i in record.items] == ["2024Z15447"]


# --- lists built from the real capture --------------------------------------------------------


def _list_page(next_link: str | None) -> dict[str, Any]:
    """A query answer made of the real Zaak (unexpanded) and the real Document."""
    zaak = {k: v for k, v in _zaak_data().items() if k != "Document"}
    document = {
        k: v for k, v in _zaak_data()["Document"][0].items() if k != "HuidigeDocumentVersie"
    }
    page: dict[str, Any] = {"@odata.context": f"{ODATA}$metadata#Zaak", "value": [zaak, document]}
    if next_link:
        page["@odata.nextLink"] = next_link
    return page


def test_query_list_built_from_capture_gives_items() -> None:
    url = f"{ODATA}Zaak?$filter=contains(Onderwerp,'CSAM')"
    record = nl_tweedekamer.parse([_json_response(_list_page(None), url)], {})
    assert record.kind == "zaak_list"
    document, zaak = record.items  # sorted by id: 2024D37582 < 2024Z15447
    assert (zaak.id, zaak.published, zaak.updated) == (
        "2024Z15447",
        "2024-10-09",
        "2024-10-10T07:35:38.670000",
    )
    assert zaak.link == f"{ODATA}Zaak(efa2fc06-c058-42a7-9f12-94b21526a197)"
    assert zaak.title.startswith(
        "Motie van het lid Van Houwelingen over de Nederlandse positiebepaling"
    )
    assert zaak.summary == "Motie — JBZ-Raad"
    assert (document.id, document.published) == ("2024D37582", "2024-10-09")
    assert document.link == f"{ODATA}Document(54a22388-da6e-4109-8b08-9525cc39a058)"


def test_list_pages_built_from_capture_merge_in_one_order() -> None:
    url = f"{ODATA}Zaak?$filter=contains(Onderwerp,'CSAM')"
    first = _list_page(f"{url}&$skip=250")
    second = copy.deepcopy(first)
    second["value"] = [dict(second["value"][0], Id="other", Nummer="2024Z00001")]
    pages = [_json_response(first, url), _json_response(second, f"{url}&$skip=250")]
    ids = [item.id for item in nl_tweedekamer.parse(pages, {}).items]
    assert ids == ["2024D37582", "2024Z00001", "2024Z15447"]
    assert nl_tweedekamer.parse(pages[::-1], {}).items == nl_tweedekamer.parse(pages, {}).items


def test_follow_odata_next_link_built_from_capture() -> None:
    url = f"{ODATA}Zaak?$filter=contains(Onderwerp,'CSAM')"
    target = Target(url="", params={"query": "CSAM"})
    follow = nl_tweedekamer.follow(_json_response(_list_page(f"{url}&$skip=250"), url), target)
    assert follow == [Request(f"{url}&$skip=250", role="page")]
    assert nl_tweedekamer.follow(_json_response(_list_page(None), url), target) == []


def test_no_zaak_for_a_requested_number_is_a_parse_error() -> None:
    url = nl_tweedekamer.requests(Target(url="", params={"zaak": "2024Z99999"}))[0].url
    with pytest.raises(ParseError, match="no Zaak"):
        nl_tweedekamer.parse([_json_response({"value": []}, url)], {})


def test_json_without_value_list_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="value list"):
        nl_tweedekamer.parse([_json_response({"error": {"message": "Bad Request"}})], {})


def test_body_neither_json_nor_xml_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="neither JSON nor XML"):
        nl_tweedekamer.parse([Response(url=ZAAK_URL, body=b"Service Unavailable")], {})


def test_xml_of_another_kind_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="unknown root"):
        nl_tweedekamer.parse([Response(url=ZAAK_URL, body=b"<html><body>Fout</body></html>")], {})


# --- the SyncFeed: no capture exists ------------------------------------------------------------
