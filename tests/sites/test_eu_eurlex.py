"""EUR-Lex procedure and document pages, read from real captures (tests/fixtures/eu_eurlex)."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from crawlers.sites import eu_eurlex
from tests.helpers import capture, expected
from vocab.errors import Blocked, ConfigError, FetchError, ParseError
from vocab.fetch import Response, Target
from vocab.records import Record, record_to_json

SLUG = "eu_eurlex"
PROCEDURE = "procedure_2021_106.html"
PROCEDURE_URL = "https://eur-lex.europa.eu/procedure/EN/2021_106"
DOCUMENT = "document_P9-A-2021-0270.html"
DOCUMENT_URL = "https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=EP:P9_A(2021)0270"
# The quick-search URL the live probe asked for when EUR-Lex answered with a 302 page.
SEARCH_URL = "https://eur-lex.europa.eu/search.html?scope=EURLEX&text=surrogacy&lang=en&type=quick"


def _as_json(record: Record) -> dict:
    """The record as the expected files hold it: JSON, so tuples read as lists."""
    return json.loads(json.dumps(record_to_json(record)))


def _procedure() -> Record:
    return eu_eurlex.parse([capture(SLUG, PROCEDURE, PROCEDURE_URL)], {})


def _variant(body: bytes) -> Record:
    return eu_eurlex.parse([Response(url=PROCEDURE_URL, body=body)], {})


def _events(record: Record, title: str) -> list:
    return [event for event in record.events if event.title == title]


# --- expected JSON ----------------------------------------------------------------------


def test_procedure_page_matches_expected_json() -> None:
    assert _as_json(_procedure()) == expected(SLUG, "procedure_2021_106.expected.json")


def test_document_page_matches_expected_json() -> None:
    record = eu_eurlex.parse([capture(SLUG, DOCUMENT, DOCUMENT_URL)], {})
    assert _as_json(record) == expected(SLUG, "document_P9-A-2021-0270.expected.json")


def test_parse_is_deterministic() -> None:
    assert _procedure() == _procedure()


# --- facts read on the procedure page ---------------------------------------------------


def test_procedure_heading() -> None:
    record = _procedure()
    assert record.key == "EU:2021/0106(COD)"
    assert record.stage == "Ongoing"
    assert record.title.startswith("Proposal for a REGULATION OF THE EUROPEAN PARLIAMENT")
    assert "(ARTIFICIAL INTELLIGENCE ACT)" in record.title
    fields = dict(record.fields)
    assert fields["procedure_type"] == "Ordinary legislative procedure (COD)"
    assert fields["legal_basis"].startswith("European Parliament: 12016E114; 12016E016")
    assert "artificial intelligence" in fields["eurovoc"].split("; ")
    assert "biometrics" in fields["eurovoc"].split("; ")  # one of the terms behind "More"
    assert fields["leading_person"] == "Thierry BRETON"
    assert fields["ep_rapporteur"] == "Dragoş TUDORACHE; Brando BENIFEI"


def test_first_and_last_step() -> None:
    events = _procedure().events
    assert len(events) == 14  # the page's timeline lists 14 steps
    first, last = events[0], events[-1]
    assert (first.date, first.title, first.source) == (
        "2021-04-22",
        "Adoption by Commission",
        "European Commission",
    )
    assert first.reference == "52021PC0206"
    assert (last.date, last.title, last.source) == (
        "2024-03-18",
        "Discussions within the Council or its preparatory bodies",
        "Council of the European Union",
    )
    assert last.reference == "ST 7536/24"  # "ST 7536 2024 INIT" on the page


def test_parliament_position_step() -> None:
    (step,) = _events(_procedure(), "EP position at first reading")
    assert step.date == "2024-03-13"
    assert step.source == "European Parliament"
    assert step.reference == "T9-0138/2024"  # "P9_TA(2024)0138 (Texts adopted)"
    assert "Phase: First reading" in step.details


def test_identifiers_from_the_documents() -> None:
    idents = set(_procedure().identifiers)
    assert ("procedure", "2021/0106(COD)") in idents
    assert ("com", "COM(2021) 206") in idents
    assert ("celex", "52021PC0206") in idents
    assert ("council", "ST 8115/21 ADD 5") in idents  # "ST 8115 2021 ADD 5", 23/04/2021
    assert ("council", "ST 12778/21 REV 1") in idents  # "ST 12778 2021 REV 1", 18/10/2021
    assert ("ep_report", "A9-0188/2023") in idents
    assert ("ep_text", "T9-0138/2024") in idents
    # Treaty articles of the legal basis are CELEX numbers too, but join unrelated files.
    assert ("celex", "12016E114") not in idents


def test_step_documents_are_documents() -> None:
    documents = {d.reference: d for d in _procedure().documents}
    council = documents["ST 8115/21 ADD 1"]
    assert council.date == "2021-04-23"
    assert (
        council.url
        == "https://eur-lex.europa.eu/legal-content/EN/AUTO/?uri=consil:ST_8115_2021_ADD_1"
    )
    assert documents["A9-0188/2023"].kind == "Report"


def test_rows_in_another_order_give_the_same_record() -> None:
    """The page lists steps newest first; the same steps in reverse are not a change."""
    soup = BeautifulSoup(capture(SLUG, PROCEDURE, PROCEDURE_URL).body, "lxml")
    container = soup.select_one("div.cd-timeline__container")
    groups = container.find_all("div", class_="cd-timeline-group", recursive=False)
    for group in groups:
        group.extract()
    for group in reversed(groups):
        container.append(group)
    assert _variant(str(soup).encode()) == _procedure()


# --- completed procedure (variant of the real page) -------------------------------------

# A completed procedure shows its status and Official Journal box like this (markup copied
# in shape from the EUR-Lex page of procedure 2023/0102(NLE), HowTheyVote capture
# backend/tests/scrapers/data/votes/eurlex-procedure_2023-102.html; values are those of
# the AI Act, Regulation (EU) 2024/1689, OJ of 12 July 2024).
_ONGOING = (
    b'<span class="procStatus procPending"><i class="fa fa-spinner" aria-hidden="true"></i>'
    b"</span> <b>Ongoing</b>"
)
_COMPLETED = (
    b'<span class="procStatus procAdopted"><i class="fa fa fa-check" aria-hidden="true"></i>'
    b'</span> <b>Completed</b>&nbsp;(Adopted act: <a href="./../../legal-content/EN/AUTO/'
    b'?uri=CELEX:32024R1689">32024R1689</a>)'
)
_TIMELINE = b'<section class="cd-timeline js-cd-timeline col-xs-12">'
_PUBLICATION = (
    b'<div id="pubOjHeading" class="alert alert-info" role="alert"><span id="2024-07-12_PUB_OJ">'
    b'Publication in the Official Journal</span><dl class="GridDL GridDL4060">'
    b"<dt>Date of publication</dt><dd>12/07/2024</dd>"
    b'<dt>CELEX number of the main document:</dt><dd><span lang="en"><a href="./../../'
    b'legal-content/EN/AUTO/?uri=celex:32024R1689">32024R1689</a></span></dd></dl></div>'
)


def test_completed_procedure_variant() -> None:
    """The real page with its status turned 'Completed' and an Official Journal box added."""
    body = capture(SLUG, PROCEDURE, PROCEDURE_URL).body
    assert body.count(_ONGOING) == 1 and body.count(_TIMELINE) == 1
    body = body.replace(_ONGOING, _COMPLETED).replace(_TIMELINE, _PUBLICATION + _TIMELINE)
    record = _variant(body)
    assert record.stage == "Completed"
    assert dict(record.fields)["adopted_act"] == "32024R1689"
    assert ("celex", "32024R1689") in record.identifiers
    last = record.events[-1]
    assert (last.date, last.title, last.kind) == (
        "2024-07-12",
        "Publication in the Official Journal",
        "PUB_OJ",
    )
    assert last.reference == "32024R1689"


# --- broken pages -----------------------------------------------------------------------


def test_page_without_steps_section_is_a_parse_error() -> None:
    """The real procedure page with its 'Follow the steps' section removed."""
    soup = BeautifulSoup(capture(SLUG, PROCEDURE, PROCEDURE_URL).body, "lxml")
    soup.select_one("section.cd-timeline").decompose()
    with pytest.raises(ParseError, match="steps section") as caught:
        _variant(str(soup).encode())
    assert caught.value.url == PROCEDURE_URL
    assert caught.value.kind == SLUG


def test_page_without_procedure_reference_is_a_parse_error() -> None:
    """The real procedure page with 'Procedure 2021/0106/COD' cut from its heading."""
    body = capture(SLUG, PROCEDURE, PROCEDURE_URL).body
    body = body.replace(b"<b>Procedure 2021/0106/COD</b>", b"<b></b>")
    with pytest.raises(ParseError, match="procedure reference"):
        _variant(body)


def test_unknown_page_is_a_parse_error() -> None:
    """A real page of another site (an EP press release) given as if it were EUR-Lex."""
    other = capture("eu_ep_press", "press-release_20241212IPR25960.html", PROCEDURE_URL)
    with pytest.raises(ParseError, match="neither a procedure page"):
        eu_eurlex.parse([other], {})


# --- challenge and redirect pages -------------------------------------------------------


def test_redirect_page_is_a_fetch_error() -> None:
    response = capture(SLUG, "eurlex-search_HTTP302.html", SEARCH_URL)
    with pytest.raises(FetchError, match="redirect page") as caught:
        eu_eurlex.parse([response], {})
    assert "eurlex-frontoffice/search.html" in str(caught.value)
    assert not isinstance(caught.value, (ParseError, Blocked))


def test_redirect_status_is_a_fetch_error() -> None:
    response = Response(
        url=PROCEDURE_URL, body=b"", status=302, headers={"location": "https://eur-lex.europa.eu/"}
    )
    with pytest.raises(FetchError, match="HTTP 302"):
        eu_eurlex.parse([response], {})


# Minimal bodies written for these tests (no capture of such answers exists yet): the
# markers of an AWS WAF challenge, a no-JavaScript wall and a captcha page.
@pytest.mark.parametrize(
    "body",
    [
        b'<html><head><script src="https://x.token.awswaf.com/challenge.js"></script></head>'
        b"<body><script>AwsWafIntegration.getToken()</script></body></html>",
        b"<html><body><noscript>JavaScript is disabled. Enable it to continue.</noscript></body></html>",
        b'<html><body><form><div class="g-recaptcha" data-sitekey="x"></div></form></body></html>',
    ],
)
def test_challenge_pages_are_blocked(body: bytes) -> None:
    with pytest.raises(Blocked, match="bot challenge instead of the page") as caught:
        eu_eurlex.parse([Response(url=PROCEDURE_URL, body=body, status=202)], {})
    assert caught.value.health == "blocked"


def test_real_pages_mentioning_captcha_are_not_challenges() -> None:
    """The document page carries a 'renderCaptcha()' survey button; it is still read."""
    response = capture(SLUG, DOCUMENT, DOCUMENT_URL)
    assert b"renderCaptcha" in response.body
    assert eu_eurlex.parse([response], {}).kind == "document"


# --- document page ----------------------------------------------------------------------


def test_document_page_facts() -> None:
    record = eu_eurlex.parse([capture(SLUG, DOCUMENT, DOCUMENT_URL)], {})
    assert record.kind == "document"
    assert record.key == "EU:2020/2167(DEC)"
    assert record.title.startswith("SECOND REPORT on discharge")
    assert set(record.identifiers) == {
        ("ep_report", "A9-0270/2021"),
        ("procedure", "2020/2167(DEC)"),
    }
    (document,) = record.documents
    assert (document.reference, document.date, document.kind) == (
        "A9-0270/2021",
        "2021-09-30",
        "Report",
    )
    assert dict(record.fields)["rapporteur"] == "Ryszard CZARNECKI"


# --- requests ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference",
    ["2022/0155(COD)", "2022/155 (COD)", "2022/0155/COD", "2022_155"],
)
def test_url_for(reference: str) -> None:
    assert eu_eurlex.url_for(reference) == "https://eur-lex.europa.eu/procedure/EN/2022_155"


def test_url_for_rejects_other_text() -> None:
    with pytest.raises(ConfigError):
        eu_eurlex.url_for("chat control")


def test_requests() -> None:
    (by_url,) = eu_eurlex.requests(Target(url=PROCEDURE_URL))
    assert by_url.url == PROCEDURE_URL
    (by_reference,) = eu_eurlex.requests(Target(url="", params={"reference": "2022/0155(COD)"}))
    assert by_reference.url == "https://eur-lex.europa.eu/procedure/EN/2022_155"
    with pytest.raises(ConfigError):
        eu_eurlex.requests(Target(url=""))


def test_module_contract() -> None:
    assert eu_eurlex.__doc__.splitlines()[0].strip()
    assert eu_eurlex.URL_HELP
    assert all(isinstance(v, str) and v for v in eu_eurlex.PARAMS.values())
