"""The congress.gov API parser against real captures (tests/fixtures/us_congress, see its MANIFEST)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crawlers.sites import us_congress
from tests.helpers import capture, expected
from vocab.errors import ConfigError, MissingKey, ParseError
from vocab.fetch import Response, Target
from vocab.records import Record, record_to_json

SLUG = "us_congress"
API = "https://api.congress.gov/v3/bill/117/hr"
DETAIL = ("bill_117-hr-21_detail.json", f"{API}/21?format=json")
ACTIONS = ("bill_117-hr-21_actions.json", f"{API}/21/actions?format=json")
SUMMARIES = ("bill_117-hr-21_summaries.json", f"{API}/21/summaries?format=json")
BILL_LIST = ("bill_117-hr_list.json", f"{API}?format=json")
KEY = {"congress_api_key": "SECRET-KEY"}
PAGE = "https://www.congress.gov/bill/117th-congress/house-bill/21"


def read(*captures: tuple[str, str]) -> Record:
    return us_congress.parse([capture(SLUG, name, url) for name, url in captures], {})


def as_json(record: Record) -> Any:
    """The record as its expected file holds it: JSON lists, not tuples."""
    return json.loads(json.dumps(record_to_json(record)))


def changed(name: str, url: str, change: dict[str, Any]) -> Response:
    """A real capture with some top-level keys changed: a state of the answer not captured."""
    data = json.loads(capture(SLUG, name, url).body)
    data.update(change)
    return Response(url=url, body=json.dumps(data).encode())


@pytest.mark.parametrize(
    ("captures", "expected_name"),
    [
        ([DETAIL], "bill_117-hr-21_detail.expected.json"),
        ([ACTIONS], "bill_117-hr-21_actions.expected.json"),
        ([SUMMARIES], "bill_117-hr-21_summaries.expected.json"),
        ([BILL_LIST], "bill_117-hr_list.expected.json"),
        ([DETAIL, ACTIONS, SUMMARIES], "bill_117-hr-21_detail+actions+summaries.expected.json"),
    ],
)
def test_record_matches_expected_json(captures: list[tuple[str, str]], expected_name: str) -> None:
    assert as_json(read(*captures)) == expected(SLUG, expected_name)


# --- facts read in the captures -----------------------------------------------------------


def test_detail_gives_title_key_page_and_fields() -> None:
    record = read(DETAIL)
    assert (record.kind, record.key, record.url) == ("bill", "US:117-hr-21", PAGE)
    assert record.title == "FedRAMP Authorization Act"
    assert record.identifiers == (("us_bill", "117-hr-21"),)
    assert dict(record.fields) == {
        "sponsor": "Rep. Connolly, Gerald E. [D-VA-11]",
        "introduced_date": "2021-01-04",
        "origin_chamber": "House",
        "policy_area": "Government Operations and Politics",
        "cosponsor_count": "2",
    }


def test_actions_are_events_oldest_first() -> None:
    events = read(ACTIONS).events
    assert len(events) == 10
    first, last = events[0], events[-1]
    assert (first.date, first.title, first.kind, first.source) == (
        "2021-01-04",
        "Introduced in House",
        "1000",
        "Library of Congress",
    )
    assert (last.date, last.kind, last.source) == ("2021-01-06", "IntroReferral", "Senate")
    assert last.title.startswith("Received in the Senate and Read twice and referred")
    # On 5 January the House actions carry times 12:05:23 … 12:17:16: oldest first.
    house_floor = [e.kind for e in events if e.date == "2021-01-05" and e.kind.startswith("H")]
    assert house_floor == ["H30300", "H30000", "H8D000", "H37300", "H38310"]


def test_stage_is_normalised_from_action_codes() -> None:
    # 8000 "Passed/agreed to in House" on 2021-01-05; the Senate referral after it ranks lower.
    assert read(ACTIONS).stage == "Passed House"
    assert read(DETAIL).stage == ""  # no actions, no law: nothing to say


@pytest.mark.parametrize(
    ("action", "stage"),
    [
        (
            {"actionCode": "17000", "text": "Passed/agreed to in Senate: Passed Senate."},
            "Passed Senate",
        ),
        ({"actionCode": "28000", "text": "Presented to President."}, "Presented to President"),
        ({"actionCode": "36000", "text": "Became Public Law No: 117-108."}, "Became law"),
        ({"type": "BecameLaw", "text": "Became Public Law No: 117-108."}, "Became law"),
        (
            {"type": "Committee", "text": "Referred to the Subcommittee on Aviation."},
            "Passed House",
        ),
    ],
)
def test_stage_after_a_later_action(action: dict[str, Any], stage: str) -> None:
    # Built from the real actions, with one newer action put first as the API would.
    actions = json.loads(capture(SLUG, *ACTIONS).body)["actions"]
    newer = {"actionDate": "2021-03-01", "sourceSystem": {"code": 9}, **action}
    record = us_congress.parse([changed(*ACTIONS, {"actions": [newer, *actions]})], {})
    assert record.stage == stage
    assert record.events[-1].date == "2021-03-01"


def test_summaries_are_documents_and_the_latest_is_plain_text() -> None:
    record = read(SUMMARIES)
    assert [(d.date, d.title, d.kind) for d in record.documents] == [
        ("2021-01-04", "CRS summary: Introduced in House", "summary"),
        ("2021-01-05", "CRS summary: Passed House", "summary"),
    ]
    summary = dict(record.fields)["latest_summary"]
    assert summary.startswith(
        "Federal Risk and Authorization Management Program Authorization Act of 2021 or the "
        "FedRAMP Authorization Act\nThis bill provides statutory authority"
    )
    assert "<" not in summary and summary.endswith("Federal Secure Cloud Advisory Committee.")


def test_bill_list_gives_one_item_per_bill() -> None:
    record = read(BILL_LIST)
    assert record.kind == "bill_list"
    assert len(record.items) == 20
    first, second = record.items[0], record.items[1]
    assert (first.id, first.title, first.updated) == ("117-hr-3617", "MORE Act", "2022-04-03")
    assert first.link == "https://www.congress.gov/bill/117th-congress/house-bill/3617"
    assert (
        first.summary
        == "2022-04-01: Motion to reconsider laid on the table Agreed to without objection."
    )
    assert (second.id, second.title) == ("117-hr-7343", "H.R.7343")  # listed with an empty title
    assert dict(record.fields) == {"total": "7329"}


# --- combining answers --------------------------------------------------------------------


def test_detail_actions_and_summaries_combine_into_one_record() -> None:
    record = read(DETAIL, ACTIONS, SUMMARIES)
    assert (record.title, record.stage) == ("FedRAMP Authorization Act", "Passed House")
    assert (len(record.events), len(record.documents)) == (10, 2)
    assert {"sponsor", "latest_summary"} <= dict(record.fields).keys()
    assert record == read(SUMMARIES, ACTIONS, DETAIL)


def test_answers_are_recognised_by_shape_without_an_api_url() -> None:
    files = [capture(SLUG, name, f"file:///captures/{name}") for name, _ in (DETAIL, ACTIONS)]
    assert us_congress.parse(files, {}) == read(DETAIL, ACTIONS)


def test_answers_about_two_bills_are_refused() -> None:
    other = changed(
        *ACTIONS, {"request": {"congress": "118", "billType": "s", "billNumber": "1207"}}
    )
    with pytest.raises(ParseError, match="117-hr-21, 118-s-1207"):
        us_congress.parse([capture(SLUG, *DETAIL), other], {})


def test_text_versions_are_documents() -> None:
    # No /text answer is captured: this one follows the shape of the official sample output.
    body = {
        "request": {"congress": "117", "billType": "hr", "billNumber": "21"},
        "textVersions": [
            {
                "date": "2021-01-05T05:00:00Z",
                "type": "Engrossed in House",
                "formats": [
                    {
                        "type": "PDF",
                        "url": "https://www.congress.gov/117/bills/hr21/BILLS-117hr21eh.pdf",
                    },
                    {
                        "type": "Formatted Text",
                        "url": "https://www.congress.gov/117/bills/hr21/BILLS-117hr21eh.htm",
                    },
                ],
            }
        ],
    }
    response = Response(url=f"{API}/21/text?format=json", body=json.dumps(body).encode())
    [document] = us_congress.parse([response], {}).documents
    assert (document.date, document.title, document.kind) == (
        "2021-01-05",
        "Engrossed in House",
        "text version",
    )
    assert document.url.endswith("BILLS-117hr21eh.htm")


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b"<html><body>Too many requests</body></html>", "not JSON"),
        (
            b'{"error": {"code": "API_KEY_INVALID", "message": "An invalid api_key was supplied."}}',
            "invalid api_key",
        ),
        (b'{"error": "Unknown resource: bill/117/hr/99999"}', "Unknown resource"),
        (b'{"bill": {}, "request": {}}', "'bill' object"),
        (b'{"request": {"congress": "117"}}', "'bill' object"),
    ],
)
def test_broken_answers_raise_parse_error(body: bytes, what: str) -> None:
    with pytest.raises(ParseError, match=what) as caught:
        us_congress.parse([Response(url=f"{DETAIL[1]}&api_key=SECRET-KEY", body=body)], {})
    assert caught.value.kind == SLUG
    assert "SECRET-KEY" not in str(caught.value)


def test_no_answers_and_no_bill_raise_parse_error() -> None:
    with pytest.raises(ParseError, match=r"no congress\.gov answer"):
        us_congress.parse([], {})
    with pytest.raises(ParseError, match="a bill, its actions"):
        us_congress.parse([Response(url="file:///x.json", body=b'{"request": {}}')], {})
    body = json.dumps({"actions": []}).encode()
    with pytest.raises(ParseError, match="a known bill"):
        us_congress.parse([Response(url="file:///actions.json", body=body)], {})
    given = {"congress": "117", "type": "hr", "number": "21"}
    by_params = us_congress.parse([Response(url="file:///actions.json", body=body)], given)
    assert by_params.key == "US:117-hr-21"
    # What the answers say wins over the params.
    other = {"congress": "118", "type": "s", "number": "1207"}
    assert us_congress.parse([capture(SLUG, *DETAIL)], other).key == "US:117-hr-21"


def test_a_list_with_bill_answers_is_refused() -> None:
    with pytest.raises(ParseError, match="list of bills"):
        read(BILL_LIST, DETAIL)


# --- requests, the key, follow ------------------------------------------------------------


def test_requests_without_a_key_raise_missing_key() -> None:
    for secrets in ({}, {"congress_api_key": "  "}):
        with pytest.raises(MissingKey) as caught:
            us_congress.requests(Target(url=PAGE, secrets=secrets))
        assert str(caught.value) == (
            "congress.gov needs an API key: set LEXWATCH_CONGRESS_API_KEY "
            "(free at https://api.congress.gov/sign-up/)"
        )


@pytest.mark.parametrize(
    "target",
    [
        Target(url="", params={"congress": "118", "type": "s", "number": "1207"}, secrets=KEY),
        Target(url="https://www.congress.gov/bill/118th-congress/senate-bill/1207", secrets=KEY),
        Target(url="https://api.congress.gov/v3/bill/118/S/1207?format=json", secrets=KEY),
        Target(url="118-s-1207", secrets=KEY),
        Target(url=PAGE, params={"congress": "118", "type": "s", "number": "1207"}, secrets=KEY),
    ],
)
def test_requests_ask_for_the_bill_and_its_parts_with_the_key_in_a_header(target: Target) -> None:
    base = "https://api.congress.gov/v3/bill/118/s/1207"
    wanted = us_congress.requests(target)
    assert [(r.url, r.role) for r in wanted] == [
        (f"{base}?format=json", "detail"),
        (f"{base}/actions?format=json&limit=250", "actions"),
        (f"{base}/summaries?format=json", "summaries"),
        (f"{base}/text?format=json", "text"),
    ]
    assert {r.headers for r in wanted} == {(("X-Api-Key", "SECRET-KEY"),)}
    assert us_congress.SECRET_HOSTS == {"congress_api_key": "api.congress.gov"}


@pytest.mark.parametrize(
    "target",
    [
        Target(url="https://www.congress.gov/", secrets=KEY),
        Target(url="", params={"congress": "118", "type": "bill", "number": "1207"}, secrets=KEY),
    ],
)
def test_requests_without_a_bill_is_a_config_error(target: Target) -> None:
    with pytest.raises(ConfigError):
        us_congress.requests(target)


def test_follow_walks_pagination_next_of_actions_with_the_key_in_a_header() -> None:
    target = Target(url=PAGE, secrets=KEY)
    assert us_congress.follow(capture(SLUG, *ACTIONS), target) == []  # 10 of 10
    # Built from the real answer: as if it were the first of two pages.
    following = f"{API}/21/actions?offset=250&limit=250&format=json&api_key=LEFT-IN-A-LINK"
    first = changed(*ACTIONS, {"pagination": {"count": 260, "next": following}})
    [request] = us_congress.follow(first, target)
    assert request.url == f"{API}/21/actions?offset=250&limit=250&format=json"
    assert (request.role, request.headers) == ("actions", (("X-Api-Key", "SECRET-KEY"),))
    with pytest.raises(MissingKey):
        us_congress.follow(first, Target(url=PAGE))


def test_follow_does_not_walk_a_list_of_bills() -> None:
    # The captured list has a next link (7329 bills): following it would fetch them all.
    assert us_congress.follow(capture(SLUG, *BILL_LIST), Target(url=PAGE, secrets=KEY)) == []


def test_pages_of_actions_combine_oldest_first() -> None:
    actions = json.loads(capture(SLUG, *ACTIONS).body)["actions"]
    newest, oldest = actions[:5], actions[5:]  # the API's first page holds the newest
    pages = [changed(*ACTIONS, {"actions": newest}), changed(*ACTIONS, {"actions": oldest})]
    assert us_congress.parse(pages, {}).events == read(ACTIONS).events
