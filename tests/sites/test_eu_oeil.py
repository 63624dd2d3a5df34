"""The OEIL parser against real captures of its three procedure-file layouts and a summary page.

Expected JSON files were checked by reading each page; the explicit assertions below
repeat a few facts as they appear on the page (reference, status, key events, rapporteur).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby

import pytest
from bs4 import BeautifulSoup, Tag

from crawlers.sites import eu_oeil
from tests.helpers import FIXTURES, capture, expected
from vocab.errors import Blocked, ConfigError, ParseError
from vocab.fetch import Response, Target
from vocab.records import Event, Record, record_from_json, record_to_json

SLUG = "eu_oeil"
OEIL = "https://oeil.secure.europarl.europa.eu"
OLD = "old-ficheprocedure_2022-2201-INI.html"
SECURE = "secure-procedure-file_2023-2019-INI.html"
RSP = "new-procedure-file_2022-2852-RSP.html"
REG = "new-procedure-file_2024-2006-REG.html"
SUMMARY = "new-document-summary_1651118.html"

URLS = {
    OLD: f"{OEIL}/oeil/popups/ficheprocedure.do?reference=2022/2201(INI)&l=en",
    SECURE: f"{OEIL}/oeil/en/procedure-file?reference=2023/2019(INI)",
    RSP: f"{OEIL}/oeil/en/procedure-file?reference=2022/2852(RSP)",
    REG: f"{OEIL}/oeil/en/procedure-file?reference=2024/2006(REG)",
    SUMMARY: f"{OEIL}/oeil/en/document-summary?id=1651118",
}


def _parse(name: str) -> Record:
    return eu_oeil.parse([capture(SLUG, name, URLS[name])], {})


def _html(name: str) -> str:
    return capture(SLUG, name, URLS[name]).text()


def _parse_html(html: str, name: str) -> Record:
    return eu_oeil.parse([Response(url=URLS[name], body=html.encode("utf-8"))], {})


def _field(record: Record, name: str) -> str:
    return dict(record.fields)[name]


# --- every capture against its checked expected record ---------------------------------


@pytest.mark.parametrize("name", [OLD, SECURE, RSP, REG, SUMMARY])
def test_capture_matches_expected_record(name: str) -> None:
    record, want = _parse(name), expected(SLUG, f"{name}.expected.json")
    # Through JSON text, as the expected file was written (tuples become lists).
    assert json.loads(json.dumps(record_to_json(record))) == want
    assert record_from_json(want) == record


@pytest.mark.parametrize("name", [OLD, SECURE, RSP, REG, SUMMARY])
def test_parsing_twice_gives_equal_records(name: str) -> None:
    assert _parse(name) == _parse(name)


# --- facts read on the pages -----------------------------------------------------------


def test_old_layout_facts() -> None:
    record = _parse(OLD)
    assert record.key == "EU:2022/2201(INI)"
    assert record.title == "2022 Commission Report on Kosovo"
    assert record.stage == "Procedure completed"
    first, last = record.events[0], record.events[-1]
    assert (first.date, first.title) == ("2023-01-19", "Committee referral announced in Parliament")
    assert (last.date, last.title, last.reference) == (
        "2023-05-10",
        "Decision by Parliament",
        "T9-0193/2023",
    )
    # The old page gives the group only in a tooltip: "Greens/EFA - Group of the Greens/…".
    assert _field(record, "rapporteur") == "VON CRAMON-TAUBADEL Viola (Greens/EFA)"
    assert _field(record, "committee_responsible") == "AFET"
    assert _field(record, "rapporteur_appointed") == "2022-11-08"
    assert "PINEDA Manu (The Left)" in _field(record, "shadow_rapporteurs")


def test_old_layout_gateway_skips_the_all_fold() -> None:
    # The old page lists the four European Parliament documents twice (under "All" too).
    documents = _parse(OLD).documents
    assert [d.reference for d in documents] == [
        "PE739.814",
        "PE739.818",
        "A9-0174/2023",
        "T9-0193/2023",
    ]
    assert {d.kind for d in documents} == {"European Parliament"}


def test_intermediate_layout_facts() -> None:
    record = _parse(SECURE)
    assert record.key == "EU:2023/2019(INI)"
    assert record.stage == "Procedure completed"
    assert (record.events[0].date, record.events[0].title) == (
        "2023-02-16",
        "Committee referral announced in Parliament",
    )
    assert (record.events[-1].date, record.events[-1].title) == (
        "2023-12-13",
        "Results of vote in Parliament",
    )
    assert _field(record, "rapporteur") == "MAZUREK Beata (ECR)"
    assert _field(record, "committee_for_opinion") == "CULT (associated); JURI (associated)"
    assert _field(record, "commissioner") == "BRETON Thierry"
    assert record.documents[-1].reference == "SP(2024)220"
    assert record.documents[-1].kind == "European Commission"


def test_new_layout_resolution_facts() -> None:
    record = _parse(RSP)
    assert record.key == "EU:2022/2852(RSP)"
    assert (
        record.title == "Resolution on the accession of Romania and Bulgaria to the Schengen area"
    )
    assert record.stage == "Procedure completed"
    assert (record.events[0].date, record.events[0].title) == ("2022-10-05", "Debate in Parliament")
    assert record.events[1].reference == "T9-0364/2022"
    assert record.events[1].details == "Summary"
    assert _field(record, "geographical_area") == "Bulgaria; Romania"
    assert "rapporteur" not in dict(record.fields)  # a resolution on a statement has none


def test_new_layout_rules_facts() -> None:
    record = _parse(REG)
    assert record.key == "EU:2024/2006(REG)"
    assert record.stage == "Procedure completed"
    assert (record.events[0].date, record.events[0].title) == ("2024-04-03", "Vote in committee")
    assert (record.events[-1].date, record.events[-1].title) == (
        "2024-04-24",
        "Results of vote in Parliament",
    )
    assert record.events[1].reference == "A9-0163/2024"
    assert _field(record, "rapporteur") == "BISCHOFF Gabriele (S&D)"
    assert _field(record, "rapporteur_appointed") == "2024-02-29"
    assert dict(record.identifiers)["ep_report"] == "A9-0163/2024"
    assert not any(event.forecast for event in record.events)  # the page shows none


def test_document_summary_facts() -> None:
    record = _parse(SUMMARY)
    assert record.kind == "summary"
    assert record.key == "EU:2021/2540(RSP)"
    assert record.identifiers == (("procedure", "2021/2540(RSP)"),)
    assert record.title == "Resolution on the situation in Myanmar"
    # The <time datetime="2018-07-01…"> attribute is a placeholder; the text says 11/02/2021.
    assert _field(record, "date") == "2021-02-11"
    assert record.text.startswith("The European Parliament adopted by 667 votes to 1,")


# --- pages that are not what they should be --------------------------------------------


@pytest.mark.parametrize(
    ("name", "url"),
    [
        # The URLs the probes used are not recorded; any OEIL URL will do.
        ("oeil-rss_HTTP307.html", f"{OEIL}/oeil/popups/rss.do"),
        ("oeil-rss-export_HTTP400.json", f"{OEIL}/oeil/en/search/export/rss"),
    ],
)
def test_dead_rss_answers_raise_parse_error(name: str, url: str) -> None:
    with pytest.raises(ParseError, match="not an OEIL procedure file"):
        eu_oeil.parse([capture(SLUG, name, url)], {})


def test_no_response_raises_parse_error() -> None:
    with pytest.raises(ParseError):
        eu_oeil.parse([], {})


def _without_table_key_events(soup: BeautifulSoup) -> None:
    heading = soup.find("h2", string="Key events")
    assert isinstance(heading, Tag)
    heading.find_parent("div", class_="oeil-spy-section").decompose()


def _without_old_key_events(soup: BeautifulSoup) -> None:
    soup.find(id="keyEvents").decompose()
    soup.find(id="key_events-data").decompose()


@pytest.mark.parametrize(
    ("name", "remove"),
    [
        (REG, _without_table_key_events),
        (SECURE, _without_table_key_events),
        (OLD, _without_old_key_events),
    ],
)
def test_page_without_key_events_raises_parse_error(
    name: str, remove: Callable[[BeautifulSoup], None]
) -> None:
    soup = BeautifulSoup(_html(name), "lxml")
    remove(soup)
    with pytest.raises(ParseError, match="no key events section"):
        _parse_html(str(soup), name)


def test_page_without_title_raises_parse_error() -> None:
    soup = BeautifulSoup(_html(REG), "lxml")
    # The next h2 is then "Basic information": a section heading must not pass for a title.
    soup.find("h2", class_="es_title-h1").find_next("h2").decompose()
    with pytest.raises(ParseError, match="no procedure title"):
        _parse_html(str(soup), REG)


# --- rows in another order -------------------------------------------------------------


def _reverse_table_key_events(soup: BeautifulSoup) -> None:
    section = soup.find("h2", string="Key events").find_parent("div", class_="oeil-spy-section")
    body = section.find("tbody")
    rows = [row.extract() for row in body.find_all("tr", recursive=False)]
    body.extend(reversed(rows))


def _reverse_old_key_events(soup: BeautifulSoup) -> None:
    table = soup.find(id="key_events-data").find("div", class_="ep-table")
    rows = [row.extract() for row in table.find_all("div", class_="ep-table-row", recursive=False)]
    table.extend(reversed(rows))


def _ties_reversed(events: tuple[Event, ...]) -> list[Event]:
    days = groupby(events, key=lambda event: event.date)
    return [event for _, same_day in days for event in reversed(list(same_day))]


def _sorted(events: tuple[Event, ...]) -> list[Event]:
    return sorted(events, key=lambda event: (event.date or "", event.title))


@pytest.mark.parametrize(
    ("name", "reverse"),
    [
        (REG, _reverse_table_key_events),
        (SECURE, _reverse_table_key_events),
        (OLD, _reverse_old_key_events),
    ],
)
def test_reversed_key_event_rows_give_the_same_events(
    name: str, reverse: Callable[[BeautifulSoup], None]
) -> None:
    # The variant page is built here: the capture with its key-event rows in reverse order.
    soup = BeautifulSoup(_html(name), "lxml")
    reverse(soup)
    original, reordered = _parse(name), _parse_html(str(soup), name)
    assert _sorted(reordered.events) == _sorted(original.events)
    # Sorted by date, ties in page order: only the rows of one day come out swapped.
    assert list(reordered.events) == _ties_reversed(original.events)
    assert reordered.documents == original.documents
    assert reordered.fields == original.fields
    assert reordered.identifiers == original.identifiers


def test_same_day_events_keep_the_page_order() -> None:
    # Events are sorted by date only; on one day the page's order stands (the old page
    # lists the vote results before the decision, the newer pages after it).
    old_day = [e.title for e in _parse(OLD).events if e.date == "2023-05-10"]
    assert old_day == ["Results of vote in Parliament", "Decision by Parliament"]
    new_day = [e.title for e in _parse(REG).events if e.date == "2024-04-24"]
    assert new_day == ["Decision by Parliament", "Results of vote in Parliament"]


# --- forecasts and national parliaments, from the real 2026/0074(COD) page ------------------

# Verbatim excerpts of a real OEIL page (2026/0074(COD), fetched 15 Sep 2026 from
# oeil.europarl.europa.eu; see MANIFEST.tsv): its Forecasts section (`Date | Subject`) and its
# national parliaments fold (`Document type | Parliament/Chamber | Reference | Date | Summary`).
FORECASTS_2026 = "excerpt_forecasts-section_2026-0074-COD.html"
PARLIAMENTS_2026 = "excerpt_national-parliaments-fold_2026-0074-COD.html"


def _excerpt(name: str) -> str:
    return (FIXTURES / SLUG / name).read_text(encoding="utf-8")


def _reg_with_real_2026_sections() -> str:
    """The real 2024/2006(REG) page with the two real 2026 excerpts put where OEIL puts them:
    the Forecasts section after Key events, the national parliaments fold last in the gateway.
    Built in the test from two real pages; neither capture is changed."""
    html = _html(REG)
    html = html.replace('<div id="section5"', _excerpt(FORECASTS_2026) + '<div id="section5"', 1)
    gateway_end = "</li>\n                \n            </ul>"
    assert html.count(gateway_end) == 1
    return html.replace(gateway_end, "</li>\n" + _excerpt(PARLIAMENTS_2026) + "\n</ul>", 1)


def test_forecasts_are_read_from_the_real_date_subject_table() -> None:
    record = _parse_html(_reg_with_real_2026_sections(), REG)
    forecasts = [e for e in record.events if e.forecast]
    assert forecasts == [
        Event(
            date="2026-10-19",
            title="Indicative plenary sitting date, 1st reading",
            source="EP",
            forecast=True,
        )
    ]
    assert [e for e in record.events if not e.forecast] == list(_parse(REG).events)


def test_headless_forecast_rows_read_date_then_subject() -> None:
    # The old layout's tables have no heading row: cells come as Date, Subject.
    soup = BeautifulSoup(_excerpt(FORECASTS_2026), "lxml")
    soup.find("thead").decompose()
    html = _html(REG).replace(
        '<div id="section5"', str(soup.body.decode_contents()) + '<div id="section5"', 1
    )
    forecast = _parse_html(html, REG).events[-1]
    assert (forecast.date, forecast.title, forecast.forecast) == (
        "2026-10-19",
        "Indicative plenary sitting date, 1st reading",
        True,
    )


def test_national_parliament_documents_keep_their_chamber() -> None:
    record = _parse_html(_reg_with_real_2026_sections(), REG)
    national = [d for d in record.documents if d.kind == "National parliaments"]
    assert len(national) == 9  # nine rows, one document each: none merged into another
    italian = next(d for d in national if d.date == "2026-06-11")
    assert (italian.title, italian.reference) == (
        "Contribution (IT_CHAMBER)",
        "COM(2026)0321 (IT_CHAMBER)",
    )
    assert italian.url == "https://connectfolx.europarl.europa.eu/connefof/app/exp/COM(2026)0321"
    chambers = {d.title.split("(")[1].rstrip(")") for d in national}
    assert chambers == {
        "IT_CHAMBER",
        "BG_PARLIAMENT",
        "PT_PARLIAMENT",
        "NL_SENATE",
        "RO_SENATE",
        "DE_BUNDESRAT",
        "IT_SENATE",
        "RO_CHAMBER",
    }
    opinion = next(d for d in national if d.title.startswith("Reasoned opinion"))
    assert (opinion.title, opinion.reference) == (
        "Reasoned opinion (BG_PARLIAMENT)",
        "PE790.116 (BG_PARLIAMENT)",
    )
    assert len({d.reference for d in national}) == 9


# --- bot walls --------------------------------------------------------------------------


def test_aws_waf_challenge_page_is_blocked_not_a_parse_error() -> None:
    page = (FIXTURES / "challenge" / "built_aws-waf-challenge-page_HTTP202.html").read_bytes()
    with pytest.raises(Blocked, match="bot challenge instead of the page") as caught:
        eu_oeil.parse([Response(url=URLS[REG], body=page, status=202)], {})
    assert caught.value.health == "blocked"
    assert not isinstance(caught.value, ParseError)


def test_empty_202_answer_is_blocked() -> None:
    with pytest.raises(Blocked, match="HTTP 202 with an empty body"):
        eu_oeil.parse([Response(url=URLS[REG], body=b"", status=202)], {})


def test_real_page_is_never_taken_for_a_challenge() -> None:
    # The real pages carry scripts and the word "JavaScript": they still parse.
    assert _parse(REG).key == "EU:2024/2006(REG)"


# --- URLs and requests -----------------------------------------------------------------


def test_url_for_writes_the_reference_canonically_on_the_current_host() -> None:
    assert eu_oeil.url_for("2022/155 (COD)") == (
        "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2022/0155(COD)"
    )


def test_url_for_rejects_what_is_not_a_reference() -> None:
    with pytest.raises(ConfigError):
        eu_oeil.url_for("chat control")


def test_requests_use_the_url_on_the_current_host_else_the_reference() -> None:
    # The old host answers 307 to the current one: the request goes there directly.
    assert [r.url for r in eu_oeil.requests(Target(url=URLS[SECURE]))] == [
        "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2023/2019(INI)"
    ]
    assert [r.url for r in eu_oeil.requests(Target(url=URLS[OLD]))] == [
        "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2022/2201(INI)"
    ]
    assert [r.url for r in eu_oeil.requests(Target(url=URLS[SUMMARY]))] == [
        "https://oeil.europarl.europa.eu/oeil/en/document-summary?id=1651118"
    ]
    by_reference = eu_oeil.requests(Target(url="", params={"reference": "2022/0155(COD)"}))
    assert [r.url for r in by_reference] == [eu_oeil.url_for("2022/0155(COD)")]
    with pytest.raises(ConfigError):
        eu_oeil.requests(Target(url=""))


def test_old_host_stays_accepted_and_records_name_the_current_address() -> None:
    assert "oeil.secure.europarl.europa.eu" in eu_oeil.HOSTS
    assert "oeil.europarl.europa.eu" in eu_oeil.HOSTS
    # Fetched from the old address (a 307 followed), stored under the page's current one.
    assert _parse(SECURE).url == (
        "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2023/2019(INI)"
    )
    assert _parse(SUMMARY).url == (
        "https://oeil.europarl.europa.eu/oeil/en/document-summary?id=1651118"
    )


def test_module_documents_itself() -> None:
    assert eu_oeil.__doc__ and eu_oeil.__doc__.splitlines()[0]
    assert eu_oeil.URL_HELP
    assert set(eu_oeil.PARAMS) == {"reference"}
