"""The UK Bills API parser against real captures (tests/fixtures/uk_bills, see its MANIFEST)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crawlers.sites import uk_bills
from tests.helpers import capture, expected
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Response, Target
from vocab.records import Record, record_to_json

SLUG = "uk_bills"
API = "https://bills-api.parliament.uk/api/v1"
DETAIL = ("bill-2818_detail_MODIFIED.json", f"{API}/Bills/2818")
STAGES = ("bill-2818_stages.json", f"{API}/Bills/2818/Stages")
PUBLICATIONS = ("bill-512_publications.json", f"{API}/Bills/512/Publications")
BILL_LIST = ("bills-list_abolition-business-rates.json", f"{API}/Bills")
REFERENCE = ("stages-reference.json", f"{API}/Stages")


def read(*captures: tuple[str, str]) -> Record:
    return uk_bills.parse([capture(SLUG, name, url) for name, url in captures], {})


def as_json(record: Record) -> Any:
    """The record as its expected file holds it: JSON lists, not tuples."""
    return json.loads(json.dumps(record_to_json(record)))


def changed(name: str, url: str, change: dict[str, Any]) -> Response:
    """A real capture with some top-level keys changed: a state of the page not captured."""
    data = json.loads(capture(SLUG, name, url).body)
    data.update(change)
    return Response(url=url, body=json.dumps(data).encode())


@pytest.mark.parametrize(
    ("captures", "expected_name"),
    [
        ([DETAIL], "bill-2818_detail_MODIFIED.expected.json"),
        ([STAGES], "bill-2818_stages.expected.json"),
        ([PUBLICATIONS], "bill-512_publications.expected.json"),
        ([BILL_LIST], "bills-list_abolition-business-rates.expected.json"),
        ([DETAIL, STAGES], "bill-2818_detail+stages.expected.json"),
    ],
)
def test_record_matches_expected_json(captures: list[tuple[str, str]], expected_name: str) -> None:
    assert as_json(read(*captures)) == expected(SLUG, expected_name)


# --- facts read in the captures -----------------------------------------------------------


def test_detail_alone_gives_title_stage_and_fields() -> None:
    record = read(DETAIL)
    assert (record.kind, record.key) == ("bill", "UK:bill-2818")
    assert record.title == "Abolition of Business Rates Bill"
    assert record.stage == "Commons: 2nd reading"
    assert record.url == "https://bills.parliament.uk/bills/2818"
    assert record.identifiers == (("uk_bill", "2818"),)
    fields = dict(record.fields)
    assert fields["long_title"] == "A Bill to abolish business rates; and for connected purposes."
    assert fields["sponsors"] == "Kevin Hollinrake (Conservative, Thirsk and Malton)"
    assert (fields["originating_house"], fields["current_house"], fields["is_act"]) == (
        "Commons",
        "Commons",
        "false",
    )
    assert fields["last_update"] == "2021-05-04T10:42:08.057985"
    # The hand-added agent/promoters of this capture are not read.
    assert "agent" not in json.dumps(record_to_json(record)).lower()


def test_stages_alone_give_events_only_for_sittings() -> None:
    record = read(STAGES)
    assert record.key == "UK:bill-2818"  # named by the sitting's billId
    assert (record.title, record.stage) == ("", "")
    # 1st reading sat on 12 January 2021; the 2nd reading has no sitting yet.
    [event] = record.events
    assert (event.date, event.title, event.kind, event.source) == (
        "2021-01-12",
        "Commons: 1st reading",
        "1R",
        "Commons",
    )


def test_publications_are_documents_oldest_first() -> None:
    record = read(PUBLICATIONS)
    assert record.key == "UK:bill-512"
    assert len(record.documents) == 41
    first, last = record.documents[0], record.documents[-1]
    assert (first.date, first.kind) == ("2008-06-04", "Select Committee report")
    assert first.title.startswith("Public Administration Select Committee, Constitional Renewal")
    assert (last.date, last.kind, last.title) == (
        "2010-04-12",
        "Act of Parliament",
        "Constitutional Reform and Governance Act 2010 c.25",
    )
    # The Act has a PDF link first and an HTML link second: the HTML one is kept.
    assert last.url == "http://www.opsi.gov.uk/acts/acts2010/ukpga_20100025_en_1"


def test_doubled_spaces_in_titles_are_collapsed() -> None:
    titles = [document.title for document in read(PUBLICATIONS).documents]
    assert "Marshalled List of Amendments to be moved in Committee as at 6 April 2010" in titles


def test_bill_list_gives_one_item_per_bill() -> None:
    record = read(BILL_LIST)
    assert record.kind == "bill_list"
    [item] = record.items
    assert (item.id, item.title, item.link) == (
        "2818",
        "Abolition of Business Rates Bill",
        "https://bills.parliament.uk/bills/2818",
    )
    assert (item.summary, item.updated) == ("Commons: 2nd reading", "2021-05-04T10:42:08.057985")
    assert dict(record.fields) == {"total_results": "3660"}


# --- combining answers --------------------------------------------------------------------


def test_detail_and_stages_combine_into_one_record() -> None:
    record = read(DETAIL, STAGES)
    assert (record.title, record.stage) == (
        "Abolition of Business Rates Bill",
        "Commons: 2nd reading",
    )
    assert [(e.date, e.title) for e in record.events] == [("2021-01-12", "Commons: 1st reading")]
    assert dict(record.fields)["sponsors"].startswith("Kevin Hollinrake")


def test_order_of_answers_does_not_matter() -> None:
    assert read(DETAIL, STAGES) == read(STAGES, DETAIL)


def test_answers_are_recognised_by_shape_without_an_api_url() -> None:
    # Saved to disk, the answers lose their URL; their JSON shape still tells them apart.
    by_shape = uk_bills.parse(
        [capture(SLUG, name, f"file:///captures/{name}") for name, _ in (DETAIL, STAGES)], {}
    )
    assert by_shape == read(DETAIL, STAGES)
    assert uk_bills.parse([capture(SLUG, BILL_LIST[0], "file:///x.json")], {}).kind == "bill_list"


def test_answers_about_two_bills_are_refused() -> None:
    with pytest.raises(ParseError, match="512, 2818"):
        read(DETAIL, PUBLICATIONS)


# --- stage of a bill that became law or stopped --------------------------------------------

ROYAL_ASSENT = {
    "description": "Royal Assent",
    "abbreviation": "RA",
    "house": "Unassigned",
    "stageSittings": [],
}


@pytest.mark.parametrize(
    ("change", "stage"),
    [
        ({"currentStage": ROYAL_ASSENT}, "Royal Assent"),
        ({"currentStage": ROYAL_ASSENT, "isAct": True}, "Act of Parliament"),
        ({"billWithdrawn": "2021-06-01T00:00:00"}, "Withdrawn"),
        ({"isDefeated": True}, "Defeated"),
    ],
)
def test_stage_of_a_bill_that_became_law_or_stopped(change: dict[str, Any], stage: str) -> None:
    # Built from the real detail: the capture's bill is still at 2nd reading.
    record = uk_bills.parse([changed(*DETAIL, change)], {})
    assert record.stage == stage


def test_undated_and_unassigned_sittings() -> None:
    stages = json.loads(capture(SLUG, *STAGES).body)["items"]
    royal = {**ROYAL_ASSENT, "id": 1, "stageId": 11, "sortOrder": 9}
    royal["stageSittings"] = [{"id": 5, "billId": 2818, "date": "2021-05-01T00:00:00"}]
    undated = {**stages[1], "stageSittings": [{"id": 6, "billId": 2818, "date": None}]}
    body = json.dumps({"items": [royal, undated, *stages], "totalResults": 4}).encode()
    record = uk_bills.parse([Response(url=STAGES[1], body=body)], {})
    assert [(e.date, e.title, e.source) for e in record.events] == [
        ("2021-01-12", "Commons: 1st reading", "Commons"),
        ("2021-05-01", "Royal Assent", "Parliament"),
        (None, "Commons: 2nd reading", "Commons"),
    ]


def test_publication_without_links_points_at_its_file() -> None:
    data = json.loads(capture(SLUG, *PUBLICATIONS).body)
    act = {**data["publications"][0], "links": [], "files": [{"id": 77, "filename": "act.pdf"}]}
    body = json.dumps({"billId": 512, "publications": [act]}).encode()
    [document] = uk_bills.parse([Response(url=PUBLICATIONS[1], body=body)], {}).documents
    assert document.url == f"{API}/Publications/2756/Documents/77/Download"


# --- errors -------------------------------------------------------------------------------


def test_stage_reference_list_is_refused() -> None:
    with pytest.raises(ParseError, match="stage reference list"):
        read(REFERENCE)
    with pytest.raises(ParseError, match="stage reference list"):
        uk_bills.parse([capture(SLUG, REFERENCE[0], "file:///stages.json")], {})


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "not JSON"),
        (b'{"type": "about:blank", "title": "Not Found", "status": 404}', "404 Not Found"),
        (b"[1, 2]", "not an object"),
        (b'{"shortTitle": "A bill", "billId": null}', "billId"),
    ],
)
def test_broken_answers_raise_parse_error(body: bytes, what: str) -> None:
    with pytest.raises(ParseError, match=what) as caught:
        uk_bills.parse([Response(url=DETAIL[1], body=body)], {})
    assert caught.value.kind == SLUG


def test_unknown_shapes_and_no_answers_raise_parse_error() -> None:
    with pytest.raises(ParseError, match="no billId, publications or items"):
        uk_bills.parse([Response(url="file:///x.json", body=b'{"hello": 1}')], {})
    with pytest.raises(ParseError, match="a list of objects 'items'"):
        uk_bills.parse([Response(url=STAGES[1], body=b'{"items": "none"}')], {})
    with pytest.raises(ParseError, match="no Bills API answer"):
        uk_bills.parse([], {})


def test_stages_without_sittings_name_their_bill_by_url_or_param() -> None:
    # The 2nd reading of the capture, alone: it has no sitting, so no billId.
    second = json.loads(capture(SLUG, *STAGES).body)["items"][1]
    body = json.dumps({"items": [second], "totalResults": 1}).encode()
    with pytest.raises(ParseError, match="bill id"):
        uk_bills.parse([Response(url="file:///stages.json", body=body)], {})
    by_param = uk_bills.parse([Response(url="file:///stages.json", body=body)], {"bill": "2818"})
    by_url = uk_bills.parse([Response(url=STAGES[1], body=body)], {})
    assert by_param == by_url
    assert (by_url.key, by_url.events) == ("UK:bill-2818", ())


def test_an_empty_list_needs_the_url_to_tell_what_it_is() -> None:
    body = b'{"items": [], "totalResults": 0}'
    with pytest.raises(ParseError, match="no billId"):
        uk_bills.parse([Response(url="file:///stages.json", body=body)], {})
    assert uk_bills.parse([Response(url=STAGES[1], body=body)], {}).key == "UK:bill-2818"


def test_a_list_with_bill_answers_is_refused() -> None:
    with pytest.raises(ParseError, match="bill list"):
        read(BILL_LIST, DETAIL)


# --- requests and follow ------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        Target(url="", params={"bill": "3137"}),
        Target(url="https://bills.parliament.uk/bills/3137"),
        Target(url="https://bills.parliament.uk/bills/3137/stages"),
        Target(url=f"{API}/Bills/3137"),
        Target(url="3137"),
        Target(url="https://bills.parliament.uk/bills/1", params={"bill": "3137"}),
    ],
)
def test_requests_ask_for_detail_stages_and_publications(target: Target) -> None:
    assert [r.url for r in uk_bills.requests(target)] == [
        f"{API}/Bills/3137",
        f"{API}/Bills/3137/Stages",
        f"{API}/Bills/3137/Publications",
    ]


@pytest.mark.parametrize(
    "target", [Target(url="https://bills.parliament.uk/"), Target(url="", params={"bill": "x"})]
)
def test_requests_without_a_bill_is_a_config_error(target: Target) -> None:
    with pytest.raises(ConfigError):
        uk_bills.requests(target)


def test_follow_asks_for_the_next_page_of_stages() -> None:
    target = Target(url="", params={"bill": "2818"})
    assert uk_bills.follow(capture(SLUG, *STAGES), target) == []  # 2 of 2 stages
    # Built from the real page: the same two stages, as the first page of 45.
    first = changed(*STAGES, {"totalResults": 45})
    [page] = uk_bills.follow(first, target)
    assert page.url == f"{API}/Bills/2818/Stages?Skip=2&Take=20"
    last = changed(STAGES[0], page.url.replace("Skip=2", "Skip=43"), {"totalResults": 45})
    assert uk_bills.follow(last, target) == []
    assert uk_bills.follow(capture(SLUG, *DETAIL), target) == []
