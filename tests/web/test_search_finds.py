"""Search finds what the digest finds: every stored text by source kind, a topic's names in
every language, words inside compounds, newest first, clean snippets, suggestions."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI

from crawlers.sites import feed, nl_tweedekamer
from crawlers.sites import json as json_site
from crawlers.sites import page as page_site
from db import repo, searchquery, searchsuggest
from db.engine import session_scope
from db.models import Source, Version
from pipeline.store import store_record
from tests.helpers import capture
from vocab.fetch import Response
from vocab.records import Document, Event, Record

GERMAN_PAGE = """<html><head><title>Bundestag: Chatkontrolle im Ausschuss</title></head><body>
<main><h1>Chatkontrolle</h1><p>Der Ausschuss berät über die Chatkontrolle der Kommission.</p>
</main></body></html>"""
FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Council press releases</title><link>https://council.example/press</link>
<item><title>Child protection: Council and Parliament hold a trilogue</title>
<link>https://council.example/press/1</link><guid>press-1</guid>
<description>The presidency reports on the trilogue of 4 December.</description></item>
</channel></rss>"""
BILL = {"bill": {"shortTitle": "Online Safety Act 2023", "currentHouse": "Royal Assent"}}
MOTION = "motie_32317-891_Kathmann_CSAM-detectiebevel.xml"
MOTION_URL = (
    "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/"
    "DocumentPublicatie(9bb5279f-1eb4-44b2-ab3d-68456f3b1766)/Resource"
)
PROCEDURE = Record(
    kind="procedure",
    key="EU:2020/0259(COD)",
    title="Temporary derogation from Directive 2002/58",
    events=(Event("2024-04-10", "Plenarsitzung mit Aussprache", details="Berichterstatterin"),),
    documents=(Document("Kompromisstext des Vorsitzes", "ST 6015/24", "2024-02-01"),),
)


def _store(app: FastAPI, name: str, kind: str, record: Record) -> None:
    with session_scope(app.state.engine) as session:
        source = Source(name=name, kind=kind, url=f"https://{kind}.example/x", jurisdiction="EU")
        session.add(source)
        session.flush()
        store_record(session, source=source, record=record)


def _parsed(module, body: str | bytes, params: dict[str, str] | None = None) -> Record:
    data = body.encode() if isinstance(body, str) else body
    headers = {"content-type": "text/html; charset=utf-8"}
    return module.parse([Response("https://example.org/x", data, headers=headers)], params or {})


@pytest.fixture
def stored(app: FastAPI) -> FastAPI:
    """One source of each kind, each stored as a crawl stores it (the real parsers)."""
    _store(app, "Bundestag page", "page", _parsed(page_site, GERMAN_PAGE))
    _store(app, "Council press", "feed", _parsed(feed, FEED))
    _store(app, "UK bill", "json", _parsed(json_site, json.dumps(BILL), {"title": "UK bill"}))
    motion = nl_tweedekamer.parse([capture("nl_tweedekamer", MOTION, MOTION_URL)], {})
    _store(app, "Motie Kathmann", "nl_tweedekamer", motion)
    _store(app, "OEIL derogation", "eu_oeil", PROCEDURE)
    return app


def _api(reader, q: str, **params: str) -> dict:
    response = reader.get("/api/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return response.json()


def _sources(data: dict) -> set[str]:
    return {hit["source"] or hit["file"] for hit in data["results"]}


@pytest.mark.parametrize(
    ("words", "kind", "source"),
    [
        ("berät", "version", "Bundestag page"),  # a page's text
        ("trilogue", "version", "Council press"),  # a feed item's title and description
        ("Online Safety", "version", "UK bill"),  # a JSON field
        ("Royal Assent", "version", "UK bill"),
        ("Kompromisstext", "document", "OEIL derogation"),  # a document's title
        ("Plenarsitzung", "event", "OEIL derogation"),  # an event's title
        ("Berichterstatterin", "version", "OEIL derogation"),  # an event's details
    ],
)
def test_every_kind_of_stored_text_is_found(reader, stored, words, kind, source) -> None:
    data = _api(reader, words)
    found = {(hit["type"], hit["source"]) for hit in data["results"]}
    assert (kind, source) in found, data["results"]


def test_a_file_is_found_by_its_title(reader, stored) -> None:
    data = _api(reader, "Ausschuss", type="file")
    assert [hit["title"] for hit in data["results"]] == ["Bundestag: Chatkontrolle im Ausschuss"]


def test_chat_control_finds_the_german_page_and_the_dutch_motion(reader, stored) -> None:
    data = _api(reader, "chat control")
    assert {"Bundestag page", "Motie Kathmann"} <= _sources(data)
    assert {"Chatkontrolle", "kindermisbruik", "onlinekindermisbruik"} <= set(data["also"])
    assert "Council press" not in _sources(data), "a topic's names, not any word of the sentence"
    exact = _api(reader, "chat control", exact="1")
    assert exact["total"] == 0 and exact["also"] == [] and exact["exact"] is True


def test_a_long_word_is_found_inside_compounds_as_watches_find_it(reader, stored) -> None:
    data = _api(reader, "kindermisbruik")
    motion = [hit for hit in data["results"] if hit["source"] == "Motie Kathmann"]
    assert motion, "the motion writes only 'onlinekindermisbruik'"
    marked = [piece["text"].lower() for piece in motion[0]["snippet"] if piece["match"]]
    assert "onlinekindermisbruik" in marked
    assert _api(reader, "onlinekindermisbruik", exact="1")["total"] >= 1
    short = _api(reader, "misbruik")  # 8 letters: COMPOUND_MIN, as in digests.relevance
    assert "Motie Kathmann" in _sources(short)


def test_compounds_of_text_stored_after_a_search_are_found(app, reader, stored) -> None:
    assert _api(reader, "Kinderschutzgesetz")["total"] == 0
    _store(
        app,
        "Later page",
        "page",
        _parsed(
            page_site,
            GERMAN_PAGE.replace("Der Ausschuss", "Das Bundeskinderschutzgesetz und der Ausschuss"),
        ),
    )
    data = _api(reader, "Kinderschutzgesetz")
    assert "Later page" in _sources(data) and "bundeskinderschutzgesetz" in data["also"]


def test_the_page_says_what_else_it_searched_with_a_switch_to_exact(reader, stored) -> None:
    page = reader.get("/search", params={"q": "chat control"}).text
    assert "Also searched: chatcontrol, chatcontrole, Chat-Kontrolle" in page, "closest first"
    assert "every word searched</summary>" in page and "kindermisbruik" in page
    link = html.unescape(re.search(r'href="([^"]+)" class="exact"', page).group(1))
    assert "exact=1" in link
    exact = reader.get(link).text
    assert "Exact search: only the words typed." in exact and "Nothing found" in exact
    back = html.unescape(re.search(r'href="([^"]+)" class="expand"', exact).group(1))
    assert "exact" not in back and "Also searched" in reader.get(back).text


def _versions(app: FastAPI, texts: list[tuple[str, datetime]]) -> None:
    with session_scope(app.state.engine) as session:
        for index, (body, when) in enumerate(texts):
            source = Source(name=f"dated-{index}", kind="page", url=f"https://e.org/{index}")
            session.add(source)
            session.flush()
            session.add(
                Version(
                    source_id=source.id,
                    seq=1,
                    fingerprint=f"{index:064}",
                    record={},
                    text=body,
                    created_at=when,
                )
            )


def test_newest_first_and_relevance_orders(app, reader) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    _versions(
        app,
        [
            ("gamma gamma gamma gamma", start),
            ("gamma and many other words of a long text", start + timedelta(days=30)),
            ("gamma once more in a text", start + timedelta(days=60)),
        ],
    )
    best = [hit["source"] for hit in _api(reader, "gamma")["results"]]
    newest = _api(reader, "gamma", order="newest")
    assert best[0] == "dated-0" and newest["order"] == "newest"
    assert [hit["source"] for hit in newest["results"]] == ["dated-2", "dated-1", "dated-0"]
    assert [hit["date"] for hit in newest["results"]] == sorted(
        (hit["date"] for hit in newest["results"]), reverse=True
    )
    page = reader.get("/search", params={"q": "gamma"}).text
    switch = html.unescape(re.search(r'href="([^"]+)" rel="nofollow">newest first', page).group(1))
    shown = reader.get(switch).text
    hits = shown[shown.index('<ol class="hits"') :]
    assert "<strong>newest first</strong>" in shown
    assert hits.index("dated-2") < hits.index("dated-1") < hits.index("dated-0")


def test_snippets_mark_words_escape_html_and_show_no_raw_markers(app, reader, backend) -> None:
    _versions(
        app,
        [
            (
                "# Summary\n## Detection\nThe <script>alert('x')</script> scanning of "
                "messages\n### Safeguards\nscanning stays <b>targeted</b>",
                datetime(2024, 5, 1, tzinfo=UTC),
            )
        ],
    )
    pieces = _api(reader, "scanning")["results"][0]["snippet"]
    text = "".join(piece["text"] for piece in pieces)
    assert "#" not in text and "\x02" not in text and "\x03" not in text and "\n" not in text
    assert [p["text"] for p in pieces if p["match"]] == ["scanning", "scanning"]
    page = reader.get("/search", params={"q": "scanning"}).text
    snippet = re.search(r'<p class="snippet">(.*?)</p>', page, re.S).group(1)
    assert "<mark>scanning</mark>" in snippet and "alert(&#39;x&#39;)" in snippet
    assert "<script>" not in snippet and "<b>" not in snippet and "# " not in snippet
    # FTS5 keeps the tags as text (escaped here); PostgreSQL's ts_headline leaves them out.
    assert "&lt;script&gt;" in snippet or backend.startswith("postgresql")


def test_an_empty_result_suggests_topic_words_and_close_files(reader, stored) -> None:
    data = _api(reader, "Chatkontrole")
    assert data["total"] == 0
    assert "Chatkontrolle" in data["suggestions"]["words"]
    files = data["suggestions"]["files"]
    assert files and files[0]["title"] == "Bundestag: Chatkontrolle im Ausschuss"
    page = reader.get("/search", params={"q": "Chatkontrole"}).text
    assert "Nothing found" in page and 'class="suggestion">Chatkontrolle</a>' in page
    link = html.unescape(re.search(r'href="([^"]+)" class="suggestion"', page).group(1))
    assert reader.get(link).status_code == 200 and _api(reader, "Chatkontrolle")["total"] >= 1


def test_an_exact_search_that_finds_nothing_offers_the_topics_other_names(reader, stored) -> None:
    data = _api(reader, "chat control", exact="1")
    assert "Chatkontrolle" in data["suggestions"]["words"]
    nothing = _api(reader, "qwertyuiopasdf")
    assert nothing["suggestions"] == {"words": [], "files": []}
    assert "Check the spelling" in reader.get("/search", params={"q": "qwertyuiopasdf"}).text


@pytest.mark.parametrize(
    "text",
    [
        "kindermisbruik*",
        '"kindermisbruik',
        "topic:child-sexual-abuse",
        "topic:nope",
        "topic:csa-directive",
        "l'exploitation sexuelle des enfants",
        "chat OR control",
        "NEAR(kindermisbruik",
        "kinder%misbruik_",
        "CSAM-verordening",
    ],
)
def test_expanded_queries_are_still_any_input(reader, stored, text: str) -> None:
    for path in ("/search", "/api/search", "/search.csv", "/search.atom"):
        assert reader.get(path, params={"q": text}).status_code in (200, 303), (path, text)


def test_a_topic_named_outright_searches_its_names() -> None:
    groups = searchquery.with_topics(searchquery.parse("topic:child-sexual-abuse trilogue"))
    assert [t.text for t in groups[0]][:2] == ["child sexual abuse", "child sexual abuse material"]
    assert groups[1] == (searchquery.Term("trilogue"),)


def test_a_typed_run_of_words_is_read_as_a_topic_name_longest_first() -> None:
    groups = searchquery.with_topics(searchquery.parse("vote child sexual abuse material now"))
    assert [g[0].text for g in groups] == ["vote", "child sexual abuse material", "now"]
    typed = searchquery.parse("child sexual abuse")
    assert "child sexual abuse" not in searchquery.added(typed, searchquery.with_topics(typed))


def test_compounds_are_added_to_their_word_only() -> None:
    groups = searchquery.parse("kindermisbruik vote*")
    assert searchquery.long_words(groups) == ["kindermisbruik"]
    expanded = searchquery.with_compounds(groups, {"kindermisbruik": ["onlinekindermisbruik"]})
    assert [t.text for t in expanded[0]] == ["kindermisbruik", "onlinekindermisbruik"]
    assert expanded[1] == groups[1]


def test_the_words_listed_for_compounds_are_lower_case_without_accents() -> None:
    assert searchquery.index_words("Pédocriminalité in der Straßenkinderhilfe, a_b") == {
        "pedocriminalite",
        "straßenkinderhilfe",
    }


def test_suggested_names_come_from_typos_and_parts() -> None:
    assert searchsuggest.topic_names("chatkontrole")[0] == "Chatkontrolle"
    assert "kindermisbruik" in searchsuggest.topic_names("misbruik")
    assert searchsuggest.topic_names("chat control") == [], "its names were all searched"
    assert searchsuggest.topic_names("encryption") == []


def test_files_with_close_titles() -> None:
    files = [
        ("EU:2022/0155(COD)", "Preventing and combating child sexual abuse"),
        ("DE:1", "Chatkontrolle im Ausschuss"),
        ("NL:2", "Motie over de begroting"),
    ]
    assert searchsuggest.close_files("chatkontrole ausschus", files) == [files[1]]
    assert searchsuggest.close_files("2022/0155", files) == [files[0]]
    assert searchsuggest.close_files("the of", files) == []


def test_search_through_the_repo_refreshes_the_word_list_of_new_rows(app, stored) -> None:
    with session_scope(app.state.engine) as session:
        repo.refresh_search_words(session)  # whatever the fixture left pending
        again = repo.refresh_search_words(session)
        listed = repo.words_containing(session, parts=["kindermisbruik"])
    assert again == set() and "onlinekindermisbruik" in listed


def test_only_whole_terms_are_marked_never_a_lone_word_of_a_phrase() -> None:
    groups = searchquery.with_topics(searchquery.parse("chat control"))
    pieces = searchquery.marked("Van de Kamer: CSAM-verordening; misbruik van kinderen", groups)
    assert [text for text, mark in pieces if mark] == ["CSAM-verordening"]
    prefix = searchquery.marked("detection orders", searchquery.parse("detect*"))
    assert prefix == (("detection", True), (" orders", False))
