"""EP press releases, read from real captures of both layouts (tests/fixtures/eu_ep_press)."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from crawlers.sites import eu_ep_press
from tests.helpers import FIXTURES, capture, expected
from vocab.errors import Blocked, ConfigError, ParseError
from vocab.fetch import Response, Target
from vocab.records import Record, record_to_json

SLUG = "eu_ep_press"
PRESS_ROOM = "https://www.europarl.europa.eu/news/en/press-room/"
RELEASE_2022 = "press-release_20221014IPR43206"
URL_2022 = (
    f"{PRESS_ROOM}20221014IPR43206/car-recharging-stations-should-be-available-every-60-km-say-meps"
)
RELEASE_2024 = "press-release_20241212IPR25960"
URL_2024 = (
    f"{PRESS_ROOM}20241212IPR25960/"
    "ep-paves-way-for-the-use-of-eu-funds-to-finance-natural-disaster-recovery"
)


def _as_json(record: Record) -> dict:
    """The record as the expected files hold it: JSON, so tuples read as lists."""
    return json.loads(json.dumps(record_to_json(record)))


def _parse(name: str, url: str) -> Record:
    return eu_ep_press.parse([capture(SLUG, f"{name}.html", url)], {})


def _soup(name: str, url: str) -> BeautifulSoup:
    return BeautifulSoup(capture(SLUG, f"{name}.html", url).body, "lxml")


@pytest.mark.parametrize(("name", "url"), [(RELEASE_2022, URL_2022), (RELEASE_2024, URL_2024)])
def test_matches_expected_json(name: str, url: str) -> None:
    assert _as_json(_parse(name, url)) == expected(SLUG, f"{name}.expected.json")


# --- facts read on the 2024 page --------------------------------------------------------


def test_2024_release() -> None:
    record = _parse(RELEASE_2024, URL_2024)
    assert record.kind == "press_release" and record.key == ""
    # The page heading; the browser title and breadcrumb say "EP paves way …".
    assert (
        record.title
        == "Parliament paves way for the use of EU funds to finance natural disaster recovery"
    )
    (item,) = record.items
    assert item.id == "20241212IPR25960"
    assert item.published == "2024-12-17T13:17:00"  # "17-12-2024 - 13:17" on the page
    assert item.link == URL_2024
    assert item.summary.startswith("Two new EU laws will offer quick EU funding")
    assert set(record.identifiers) == {
        ("procedure", "2024/0275(COD)"),  # Procedure file (RESTORE)
        ("procedure", "2024/0274(COD)"),  # Procedure file (EAFRD)
    }
    assert dict(record.fields)["committees"] == "AGRI, EMPL, REGI"


def test_2024_text() -> None:
    lines = _parse(RELEASE_2024, URL_2024).text.splitlines()
    assert lines[0].startswith("The Regional Emergency Support to Reconstruction (“RESTORE”)")
    assert "# Recovery in agriculture and forestry" in lines
    assert lines[-2:] == [
        "# Background",
        "The two proposals responded to floods and wildfires in Central, Eastern and Southern Europe in September 2024.",
    ]
    # A link inside a paragraph reads as plain text, without a space before the comma.
    assert any(line.startswith("Andrzej BUŁA (EPP, PL), co-rapporteur") for line in lines)


# --- facts read on the 2022 page --------------------------------------------------------


def test_2022_release() -> None:
    record = _parse(RELEASE_2022, URL_2022)
    (item,) = record.items
    assert item.id == "20221014IPR43206"
    # Published on 19 October although the reference carries 14 October: the page says so.
    assert item.published == "2022-10-19T13:14:00"
    assert record.title == "Car-recharging stations should be available every 60 km, say MEPs"
    idents = set(record.identifiers)
    assert ("ep_report", "A9-0234/2022") in idents  # …/doceo/document/A-9-2022-0234_EN.html
    assert ("ep_report", "A9-0233/2022") in idents
    assert ("procedure", "2021/0223(COD)") in idents  # Procedure file on AFIR
    assert ("procedure", "2021/0210(COD)") in idents  # FuelEU Maritime
    fields = dict(record.fields)
    assert fields["plenary_date"] == "2022-10-17"
    assert (
        fields["highlights"].splitlines()[0]
        == "Faster roll-out of recharging stations needed on main EU roads"
    )


def test_2022_headings_and_related_links() -> None:
    record = _parse(RELEASE_2022, URL_2022)
    headings = [line for line in record.text.splitlines() if line.startswith("# ")]
    assert headings == [
        "# More recharging/refuelling stations",
        "# Simple recharging",
        "# Sustainable maritime fuels",
        "# Quotes",
        "# Next steps",
    ]
    references = {d.reference: d.title for d in record.documents if d.reference}
    assert (
        references["2021/0223(COD)"] == "Procedure file on alternative fuels infrastructure (AFIR)"
    )
    assert references["A9-0234/2022"] == "Draft report on alternative fuels infrastructure"


# --- broken pages -----------------------------------------------------------------------


def test_page_without_body_is_a_parse_error() -> None:
    """The real 2024 page with its text blocks (div.ep-a_text) removed."""
    soup = _soup(RELEASE_2024, URL_2024)
    for block in soup.select("div.ep-a_text"):
        block.decompose()
    with pytest.raises(ParseError, match="body text") as caught:
        eu_ep_press.parse([Response(url=URL_2024, body=str(soup).encode())], {})
    assert caught.value.url == URL_2024


def test_page_without_date_is_a_parse_error() -> None:
    """The real 2022 page with its <time itemprop="datePublished"> removed."""
    soup = _soup(RELEASE_2022, URL_2022)
    soup.find("time", attrs={"itemprop": "datePublished"}).decompose()
    with pytest.raises(ParseError, match="publication date"):
        eu_ep_press.parse([Response(url=URL_2022, body=str(soup).encode())], {})


def test_other_page_is_a_parse_error() -> None:
    """A real EUR-Lex page given as if it were a press release."""
    other = capture("eu_eurlex", "procedure_2021_106.html", URL_2024)
    with pytest.raises(ParseError, match="article#website-body"):
        eu_ep_press.parse([other], {})


# --- a procedure link written without its type (built from the real 2024 page) ----------

RESTORE = "reference=2024/0275(COD)"


def _typeless_2024(extra_paragraph: str = "") -> Response:
    """The real 2024 page with its RESTORE procedure link written without the type, as some
    releases write it (`…?reference=2020/0363`); optionally one more body paragraph."""
    html = capture(SLUG, f"{RELEASE_2024}.html", URL_2024).text()
    assert html.count(RESTORE) == 1
    html = html.replace(RESTORE, "reference=2024/0275", 1)
    if extra_paragraph:
        marker = '<div class="ep-a_text">'
        assert marker in html
        html = html.replace(marker, f"{marker}<p>{extra_paragraph}</p>", 1)
    return Response(url=URL_2024, body=html.encode("utf-8"))


def test_typeless_procedure_link_keeps_its_bare_reference_and_address() -> None:
    record = eu_ep_press.parse([_typeless_2024()], {})
    link = next(d for d in record.documents if d.title == "Procedure file (RESTORE)")
    assert link.reference == "2024/0275"
    assert link.url.endswith("/oeil/en/procedure-file?reference=2024/0275")
    assert dict(record.fields)["procedures_without_type"] == "2024/0275"
    assert ("procedure", "2024/0274(COD)") in record.identifiers  # the typed one is untouched


def test_typeless_procedure_link_takes_the_type_the_page_gives_it() -> None:
    record = eu_ep_press.parse([_typeless_2024("Procedure: 2024/0275(COD)")], {})
    link = next(d for d in record.documents if d.title == "Procedure file (RESTORE)")
    assert link.reference == "2024/0275(COD)"
    assert ("procedure", "2024/0275(COD)") in record.identifiers
    assert "procedures_without_type" not in dict(record.fields)


def test_challenge_instead_of_a_press_release_is_blocked() -> None:
    wall = (FIXTURES / "challenge" / "built_aws-waf-challenge-page_HTTP202.html").read_bytes()
    with pytest.raises(Blocked):
        eu_ep_press.parse([Response(url=URL_2024, body=wall, status=202)], {})


# --- requests ---------------------------------------------------------------------------


def test_url_for_and_requests() -> None:
    assert eu_ep_press.url_for("20241212IPR25960") == f"{PRESS_ROOM}20241212IPR25960"
    assert eu_ep_press.url_for("20241212IPR25960", "de").endswith(
        "/news/de/press-room/20241212IPR25960"
    )
    (request,) = eu_ep_press.requests(Target(url=URL_2024))
    assert request.url == URL_2024
    (by_reference,) = eu_ep_press.requests(Target(url="20221014IPR43206"))
    assert by_reference.url == f"{PRESS_ROOM}20221014IPR43206"
    with pytest.raises(ConfigError):
        eu_ep_press.url_for("chat control")


def test_module_contract() -> None:
    assert eu_ep_press.__doc__.splitlines()[0].strip()
    assert eu_ep_press.URL_HELP
    assert all(isinstance(v, str) and v for v in eu_ep_press.PARAMS.values())
