"""Readers see names, never internal keys; file pages link to each source's official page."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI

from db.engine import session_scope
from db.models import Source
from pipeline.store import store_record
from tests.helpers import capture
from vocab.links import file_path
from web.render import unkeyed

from . import builders
from .conftest import FILE_KEY, History

KEY = re.compile(r"\b(?:SRC|EU|NL|DE|UK|US):\S")  # how a key looks; a name never does
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def files(app: FastAPI, history: History) -> None:
    builders.gazette(app, 3)
    builders.motion(app)


def visible(html: str) -> str:
    """What a reader reads on a page: its text, its title, the choices of its lists."""
    return BeautifulSoup(html, "lxml").get_text(" ")


def test_no_reader_page_shows_a_key(reader, files) -> None:
    pages = [
        "/",
        "/files",
        "/changes",
        "/search?q=child",
        "/search?q=motie",
        "/search?q=gazette",
        "/search?q=2022/0155(COD)",
        "/search?q=council-press",
    ]
    pages += [
        file_path(k)
        for k in (
            FILE_KEY,
            f"SRC:{builders.GAZETTE}",
            builders.MOTION_KEY,
            builders.STUB_KEY,
            "SRC:council-press",
        )
    ]
    for path in pages:
        response = reader.get(path)
        assert response.status_code == 200, path
        assert KEY.findall(visible(response.text)) == [], path


def test_a_file_of_its_own_is_named_by_its_source(reader, files) -> None:
    html = reader.get(file_path(f"SRC:{builders.GAZETTE}")).text
    soup = BeautifulSoup(html, "lxml")
    assert soup.h1.get_text(strip=True) == builders.GAZETTE
    assert soup.title.get_text().startswith(builders.GAZETTE)
    listed = BeautifulSoup(reader.get("/files").text, "lxml")
    row = listed.find("a", href=file_path(f"SRC:{builders.GAZETTE}")).find_parent("tr")
    assert row.a.get_text() == builders.GAZETTE and "its source's own file" in row.get_text()


def test_an_eu_stub_shows_its_title_and_its_procedure_reference(reader, files) -> None:
    soup = BeautifulSoup(reader.get(file_path(builders.STUB_KEY)).text, "lxml")
    assert soup.h1.get_text(strip=True) == builders.STUB_TITLE
    assert soup.select_one("dd.reference").get_text() == "2024/0035(COD)"
    home = BeautifulSoup(reader.get("/").text, "lxml")
    item = home.find("a", href=file_path(builders.STUB_KEY))
    assert item is None or item.get_text() == builders.STUB_TITLE
    press = BeautifulSoup(reader.get(file_path("SRC:council-press")).text, "lxml")
    linked = press.select_one("#linked li")
    assert linked.a.get_text() == builders.STUB_TITLE and "2024/0035(COD)" in linked.get_text()


def test_a_dutch_motion_shows_its_kamerstuk_as_people_write_it(reader, files) -> None:
    soup = BeautifulSoup(reader.get(file_path(builders.MOTION_KEY)).text, "lxml")
    assert soup.select_one("dd.reference").get_text() == "Kamerstuk 32317, nr. 891"


def test_feed_titles_name_the_file(reader, files) -> None:
    for key, name in ((f"SRC:{builders.GAZETTE}", builders.GAZETTE), (FILE_KEY, None)):
        feed = ElementTree.fromstring(reader.get(file_path(key) + "/feed.atom").content)
        title = feed.find(f"{ATOM}title").text
        assert not KEY.search(title) and (name is None or title.startswith(name))
    changes = ElementTree.fromstring(reader.get("/changes.atom", params={"file": FILE_KEY}).content)
    assert not KEY.search(changes.find(f"{ATOM}title").text)
    assert all(not KEY.search(e.find(f"{ATOM}summary").text) for e in changes.iter(f"{ATOM}entry"))


# -- official pages --------------------------------------------------------------------------


def _official(html: str) -> list[tuple[str, str]]:
    return [(a.get_text(), a["href"]) for a in BeautifulSoup(html, "lxml").select("dd.official a")]


def test_a_file_links_to_the_official_page_of_each_of_its_sources(app, reader) -> None:
    """Real captures from the EP API, OEIL and EUR-Lex of one file, and a Dutch Zaak."""
    from crawlers.sites import SITES

    read = [
        (
            "eu_ep_api",
            "procedure_2016-0132-COD.json",
            "https://data.europarl.europa.eu/api/v2/procedures/2016-0132?format=application%2Fld%2Bjson",
        ),
        (
            "nl_tweedekamer",
            "zaak_2024Z15447_expand-Document.json",
            "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak?$filter=Nummer%20eq%20'2024Z15447'",
        ),
    ]
    with session_scope(app.state.engine) as session:
        for kind, name, url in read:
            source = Source(name=kind, kind=kind, url=url, jurisdiction="")
            session.add(source)
            session.flush()
            store_record(
                session, source=source, record=SITES[kind].parse([capture(kind, name, url)], {})
            )
    eu = _official(reader.get(file_path("EU:2016/0132(COD)")).text)
    assert eu == [
        (
            "OEIL",
            "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2016/0132(COD)",
        ),
        ("EUR-Lex", "https://eur-lex.europa.eu/procedure/EN/2016_132"),
    ], "the EP API's page for people is the OEIL file: named once"
    nl = _official(reader.get(file_path("NL:2024Z15447")).text)
    assert nl == [("Tweede Kamer", "https://www.tweedekamer.nl/kamerstukken/detail?id=2024Z15447")]


def test_a_file_of_its_own_has_no_official_page_to_invent(reader, files) -> None:
    assert _official(reader.get(file_path(f"SRC:{builders.GAZETTE}")).text) == []
    stub = _official(reader.get(file_path(builders.STUB_KEY)).text)
    assert [site for site, _url in stub] == ["OEIL", "EUR-Lex"]


@pytest.mark.parametrize(
    ("indexed", "shown"),
    [
        (
            "Preventing child sexual abuse — EU:2022/0155(COD) COM(2022) 209",
            "Preventing child sexual abuse — 2022/0155(COD) COM(2022) 209",
        ),
        ("SRC:council-press", "council-press"),
        ("a motion — NL:kst-36234-5", "a motion — Kamerstuk 36234, nr. 5"),
        ("abuse — EU:", "abuse — "),  # a key's prefix ending a piece that a mark cuts
        ("Council of the EU: new rules", "Council of the EU: new rules"),  # no key
    ],
)
def test_a_snippet_shows_a_key_as_its_reference(indexed: str, shown: str) -> None:
    assert unkeyed(indexed) == shown
