"""Commission "Have your say" search API, read from a real capture (tests/fixtures/eu_commission_hys)."""

from __future__ import annotations

import json

import pytest

from crawlers.sites import eu_commission_hys
from tests.helpers import capture, expected
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Response, Target
from vocab.records import Record, record_to_json

SLUG = "eu_commission_hys"
CAPTURE = "brpapi_searchInitiatives_text-gender_size2.json"
API = "https://ec.europa.eu/info/law/better-regulation/brpapi/searchInitiatives"
URL = f"{API}?text=gender&size=2"


def _as_json(record: Record) -> dict:
    """The record as the expected files hold it: JSON, so tuples read as lists."""
    return json.loads(json.dumps(record_to_json(record)))


def _parse() -> Record:
    return eu_commission_hys.parse([capture(SLUG, CAPTURE, URL)], {})


def _variant(change: dict) -> Response:
    """The real answer with some of its top-level keys replaced (None removes one)."""
    data = json.loads(capture(SLUG, CAPTURE, URL).body)
    data.update(change)
    data = {key: value for key, value in data.items() if value is not None}
    return Response(url=URL, body=json.dumps(data).encode())


def test_matches_expected_json() -> None:
    assert _as_json(_parse()) == expected(
        SLUG, "brpapi_searchInitiatives_text-gender_size2.expected.json"
    )


def test_items() -> None:
    first, second = _parse().items
    assert first.id == "12472"  # "id": 12472.0 in the answer
    assert (
        first.title
        == "Fitness check of the EU legislation on violence against women and domestic violence"
    )
    assert (
        first.link
        == "https://ec.europa.eu/info/law/better-regulation/have-your-say/initiatives/12472_en"
    )
    assert first.published is None  # no currentStatuses for this one
    assert second.id == "18193"
    assert second.published == "2026-05-26T17:16:00"  # feedbackStartDate "2026/05/26 17:16:00"
    assert second.summary == (
        "Stage: INIT_PLANNED; feedback: DISABLED; feedback period: from 2026-05-26T17:16:00, no end date"
    )


def test_totals_and_references() -> None:
    fields = dict(_parse().fields)
    assert fields["total_elements"] == "23"
    assert fields["total_pages"] == "12"
    assert fields["page_size"] == "2"
    assert fields["text"] == "gender"
    assert fields["12472.reference"] == "Ares(2020)3293862"
    assert fields["18193.act_type"] == "DEC_IMPL"


def test_items_in_another_order_give_the_same_record() -> None:
    data = json.loads(capture(SLUG, CAPTURE, URL).body)
    page = data["initiativeResultDtoPage"]
    page["content"] = list(reversed(page["content"]))
    response = Response(url=URL, body=json.dumps(data).encode())
    assert eu_commission_hys.parse([response], {}) == _parse()


def test_answer_without_result_page_is_a_parse_error() -> None:
    """The real answer with its initiativeResultDtoPage removed."""
    with pytest.raises(ParseError, match="initiativeResultDtoPage") as caught:
        eu_commission_hys.parse([_variant({"initiativeResultDtoPage": None})], {})
    assert caught.value.url == URL


def test_html_answer_is_a_parse_error() -> None:
    """A real HTML page (EUR-Lex's 302 answer) where the JSON answer was expected."""
    response = capture("eu_eurlex", "eurlex-search_HTTP302.html", URL)
    with pytest.raises(ParseError, match="not JSON"):
        eu_commission_hys.parse([response], {})


def test_url_for_and_requests() -> None:
    assert eu_commission_hys.url_for("gender", "2") == f"{API}?text=gender&language=EN&size=2"
    target = Target(
        url="https://ec.europa.eu/info/law/better-regulation/",
        params={"text": "child sexual abuse"},
    )
    (request,) = eu_commission_hys.requests(target)
    assert request.url == f"{API}?text=child+sexual+abuse&language=EN&size=20"
    (given,) = eu_commission_hys.requests(Target(url=URL))
    assert given.url == URL
    with pytest.raises(ConfigError):
        eu_commission_hys.requests(Target(url="https://ec.europa.eu/"))


def test_module_contract() -> None:
    assert eu_commission_hys.__doc__.splitlines()[0].strip()
    assert eu_commission_hys.URL_HELP
    assert all(isinstance(v, str) and v for v in eu_commission_hys.PARAMS.values())
