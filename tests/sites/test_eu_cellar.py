"""The Cellar notice parser against the real object notice of CELEX 32014R0001.

The expected JSON was checked against the notice (dates with their TYPE_OF_DATE, the OJ
issue, the ELI, the linked acts); the assertions below repeat facts read in it. The small
notices written inline test what the capture lacks (a procedure, a Commission paper, an
English expression title); their element names follow the capture's naming of CDM
properties, but their shape is assumed, not captured.
"""

from __future__ import annotations

import json

import pytest

from crawlers.sites import eu_cellar
from tests.helpers import capture, expected
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Response, Target
from vocab.records import Record, record_from_json, record_to_json

SLUG = "eu_cellar"
NOTICE = "notice-object_32014R0001.xml"
URL = "http://publications.europa.eu/resource/celex/32014R0001"


def _parse() -> Record:
    return eu_cellar.parse([capture(SLUG, NOTICE, URL)], {})


def _parse_text(xml: str, url: str = URL) -> Record:
    return eu_cellar.parse([Response(url=url, body=xml.encode("utf-8"))], {})


def _fields() -> dict[str, str]:
    return dict(_parse().fields)


# --- the capture -------------------------------------------------------------------------


def test_capture_matches_expected_record() -> None:
    record, want = _parse(), expected(SLUG, "notice-object_32014R0001.expected.json")
    assert json.loads(json.dumps(record_to_json(record))) == want
    assert record_from_json(want) == record


def test_identifiers_and_key() -> None:
    record = _parse()
    assert record.key == "EU:CELEX:32014R0001"  # a delegated act: no procedure
    assert record.identifiers == (
        ("celex", "32014R0001"),
        ("eli", "eli/reg_del/2014/1/oj"),
        ("oj", "OJ L 1, 4.1.2014"),
    )


def test_dates_told_apart_by_type_of_date() -> None:
    # ENTRY-INTO-FORCE holds 2014-01-05 ({EV}, date of publication + 1) and 2014-01-01 ({MA}).
    fields = _fields()
    assert fields["date_document"] == "2013-08-28"
    assert fields["date_publication"] == "2014-01-04"
    assert fields["date_entry_into_force"] == "2014-01-05"
    assert fields["date_application"] == "2014-01-01"
    assert fields["date_end_of_validity"] == "9999-12-31"


def test_form_author_and_state() -> None:
    record, fields = _parse(), _fields()
    assert (fields["form"], fields["form_code"]) == ("Delegated regulation", "REG_DEL")
    assert fields["author"] == "European Commission"
    assert (fields["in_force"], record.stage) == ("true", "In force")
    # The object notice carries no expression title of its own: the form and CELEX stand in.
    assert record.title == "Delegated regulation (CELEX 32014R0001)"


def test_related_acts() -> None:
    documents = _parse().documents
    assert (documents[0].reference, documents[0].date) == ("32014R0001", "2013-08-28")
    assert (documents[1].kind, documents[1].reference) == ("official_journal", "OJ L 1, 4.1.2014")
    kinds = {(d.kind, d.reference) for d in documents}
    assert ("amends", "32012R0978") in kinds
    assert {("legal_basis", "32012R0978"), ("legal_basis", "12012E207")} <= kinds
    consolidated = [d.reference for d in documents if d.kind == "consolidated_version"]
    assert consolidated == ["02012R0978-20140228", "02012R0978-20141001", "02012R0978-20150101"]


# --- what the capture lacks (hand-written notices) ------------------------------------------


def _notice(work: str, extra: str = "") -> str:
    return f'<NOTICE decoding="eng" type="branch"><WORK>{work}</WORK>{extra}</NOTICE>'


def test_procedure_in_a_dossier_link_makes_the_key() -> None:
    work = (
        '<ID_CELEX type="data"><VALUE>32024R1307</VALUE></ID_CELEX>'
        '<WORK_PART_OF_DOSSIER type="link"><EMBEDDED_NOTICE><WORK>'
        '<PROCEDURE_CODE_INTERINSTITUTIONAL_REFERENCE_PROCEDURE type="data">'
        "<VALUE>2023/0452/COD</VALUE>"
        "</PROCEDURE_CODE_INTERINSTITUTIONAL_REFERENCE_PROCEDURE>"
        "</WORK></EMBEDDED_NOTICE></WORK_PART_OF_DOSSIER>"
    )
    record = _parse_text(_notice(work))
    assert record.key == "EU:2023/0452(COD)"
    assert ("procedure", "2023/0452(COD)") in record.identifiers


def test_commission_proposal_gets_its_com_number_and_english_title() -> None:
    work = '<ID_CELEX type="data"><VALUE>52022PC0209</VALUE></ID_CELEX>'
    expression = (
        "<EXPRESSION><EXPRESSION_TITLE><VALUE>Proposal for a REGULATION laying down rules to "
        "prevent and combat child sexual abuse</VALUE></EXPRESSION_TITLE>"
        "<EXPRESSION_USES_LANGUAGE><IDENTIFIER>ENG</IDENTIFIER></EXPRESSION_USES_LANGUAGE>"
        "</EXPRESSION>"
    )
    record = _parse_text(_notice(work, expression))
    assert ("com", "COM(2022) 209") in record.identifiers
    assert record.title.startswith("Proposal for a REGULATION laying down rules")
    assert (record.key, record.stage) == ("EU:CELEX:52022PC0209", "")


# --- broken responses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b"<NOTICE><WORK>", "not XML"),
        (b"<html><body>404 Not Found</body></html>", "not a Cellar notice"),
        (b'{"error": "not found"}', "not XML"),
        (b"<NOTICE></NOTICE>", "without a WORK"),
        (b"<NOTICE><WORK><DATE_DOCUMENT/></WORK></NOTICE>", "without a CELEX"),
    ],
)
def test_parse_errors_name_what_is_missing(body: bytes, what: str) -> None:
    with pytest.raises(ParseError, match=what) as caught:
        eu_cellar.parse([Response(url=URL, body=body)], {})
    assert caught.value.kind == SLUG


# --- requests ----------------------------------------------------------------------------


def test_requests_ask_for_the_object_notice() -> None:
    (request,) = eu_cellar.requests(Target(url=URL))
    assert request.url == URL
    assert ("Accept", "application/xml;notice=object") in request.headers


def test_requests_read_the_celex_from_param_or_eurlex_url() -> None:
    eurlex = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52022PC0209"
    (by_url,) = eu_cellar.requests(Target(url=eurlex))
    (by_param,) = eu_cellar.requests(Target(url="", params={"celex": "52022PC0209"}))
    assert by_url.url == by_param.url == "http://publications.europa.eu/resource/celex/52022PC0209"


def test_requests_without_celex_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        eu_cellar.requests(Target(url="https://eur-lex.europa.eu/"))


def test_module_contract() -> None:
    assert eu_cellar.__doc__ and eu_cellar.__doc__.strip().splitlines()[0]
    assert eu_cellar.URL_HELP and set(eu_cellar.PARAMS) == {"celex"}
